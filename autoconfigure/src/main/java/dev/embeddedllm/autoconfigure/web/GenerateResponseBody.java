package dev.embeddedllm.autoconfigure.web;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.embeddedllm.GenerationResult;

/**
 * Body of a successful {@code POST /api/generate} response.
 *
 * @param output the generated continuation only, starting with a space when it starts a
 * new word
 * @param finishReason {@code stop} or {@code length}
 * @param usage token counts
 */
public record GenerateResponseBody(String output, @JsonProperty("finish_reason") String finishReason,
		UsageBody usage) {

	static GenerateResponseBody of(GenerationResult result) {
		return new GenerateResponseBody(result.text(), result.finishReason().value(),
				new UsageBody(result.usage().promptTokens(), result.usage().completionTokens(),
						result.usage().totalTokens()));
	}

	/**
	 * Token counts in OpenAI's field names.
	 */
	public record UsageBody(@JsonProperty("prompt_tokens") int promptTokens,
			@JsonProperty("completion_tokens") int completionTokens, @JsonProperty("total_tokens") int totalTokens) {
	}

}
