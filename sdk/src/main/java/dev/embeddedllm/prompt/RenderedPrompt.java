package dev.embeddedllm.prompt;

import java.util.List;

import dev.embeddedllm.ChatMessage;
import dev.embeddedllm.GenerationOptions;
import dev.embeddedllm.GenerationRequest;

/**
 * A template rendered with its variables, in both shapes a model can take.
 *
 * @param templateName the template it came from
 * @param messages the conversation for a chat model: system message, examples as prior
 * turns, live user message
 * @param completionText the same content as plain text for a base model, examples as
 * {@code Input:}/{@code Output:} pairs
 * @param options the template's default sampling options
 */
public record RenderedPrompt(String templateName, List<ChatMessage> messages, String completionText,
		GenerationOptions options) {

	/**
	 * Builds a request in the shape the model takes; {@code overrides} win over the
	 * template's options field by field.
	 * @param chat whether the model has a chat template
	 */
	public GenerationRequest toRequest(boolean chat, GenerationOptions overrides) {
		GenerationOptions merged = overrides.withDefaults(this.options);
		return chat ? GenerationRequest.ofMessages(this.messages, merged)
				: GenerationRequest.ofPrompt(this.completionText, merged);
	}

}
