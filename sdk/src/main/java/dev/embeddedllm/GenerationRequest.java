package dev.embeddedllm;

import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A prompt, as raw completion text or as chat messages, with its sampling options.
 *
 * <p>
 * Raw text is tokenized as it is, with the special tokens the tokenizer adds (such as BOS).
 * Chat messages are rendered through the model's chat template with the generation prompt
 * appended; a model without a chat template rejects them.
 */
public final class GenerationRequest {

	private final @Nullable String prompt;

	private final @Nullable List<ChatMessage> messages;

	private final GenerationOptions options;

	private GenerationRequest(@Nullable String prompt, @Nullable List<ChatMessage> messages,
			GenerationOptions options) {
		this.prompt = prompt;
		this.messages = (messages != null) ? List.copyOf(messages) : null;
		this.options = Objects.requireNonNull(options, "options must not be null");
	}

	/**
	 * Creates a raw completion request.
	 */
	public static GenerationRequest ofPrompt(String prompt, GenerationOptions options) {
		Objects.requireNonNull(prompt, "prompt must not be null");
		return new GenerationRequest(prompt, null, options);
	}

	/**
	 * Creates a chat request.
	 * @throws InvalidRequestException if {@code messages} is empty
	 */
	public static GenerationRequest ofMessages(List<ChatMessage> messages, GenerationOptions options) {
		Objects.requireNonNull(messages, "messages must not be null");
		if (messages.isEmpty()) {
			throw new InvalidRequestException("messages", "Invalid messages []: at least one message is required.");
		}
		return new GenerationRequest(null, messages, options);
	}

	public @Nullable String prompt() {
		return this.prompt;
	}

	public @Nullable List<ChatMessage> messages() {
		return this.messages;
	}

	public GenerationOptions options() {
		return this.options;
	}

	public boolean isChat() {
		return this.messages != null;
	}

}
