package dev.embeddedllm.autoconfigure.web;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * Body of {@code POST /api/generate}. Fields left out take the {@code llm.generation.*}
 * defaults.
 *
 * @param input the user message (rendered through the chat template when the model has
 * one) or, for a model without one, the text to complete
 * @param temperature softmax temperature, 0 for greedy decoding
 * @param maxTokens maximum number of tokens to generate
 * @param topP nucleus sampling mass in (0, 1]
 * @param topK number of most likely tokens kept, 0 for all
 * @param seed random seed for repeatable sampling
 * @param stop strings that end generation
 * @param template name of a registered prompt template, used in place of {@code input}
 * @param variables values of the template's variables
 */
public record GenerateRequestBody(@Nullable String input, @Nullable Double temperature,
		@JsonProperty("max_tokens") @Nullable Number maxTokens, @JsonProperty("top_p") @Nullable Double topP,
		@JsonProperty("top_k") @Nullable Number topK, @Nullable Number seed, @Nullable List<String> stop,
		@Nullable String template, @Nullable Map<String, Object> variables) {
}
