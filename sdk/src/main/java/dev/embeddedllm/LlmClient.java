package dev.embeddedllm;

import java.util.List;
import java.util.function.Consumer;

/**
 * Entry point for text generation, whether the model runs in this JVM or behind a remote
 * server.
 *
 * <p>
 * Implementations are thread-safe. A request that fails validation raises
 * {@link InvalidRequestException} before any token is generated.
 */
public interface LlmClient extends AutoCloseable {

	/**
	 * Generates a completion and returns it once generation has finished.
	 * @param request the prompt or chat messages and the sampling options
	 * @return the completion, its finish reason and token usage
	 * @throws InvalidRequestException if an option is out of range or the prompt does not
	 * fit the context window
	 */
	GenerationResult generate(GenerationRequest request);

	/**
	 * Generates a completion and hands each piece of text to {@code listener} on the calling
	 * thread as soon as it is produced. The pieces concatenate to the returned text.
	 * @param request the prompt or chat messages and the sampling options
	 * @param listener receives text deltas in order; never an empty string
	 * @return the same result as {@link #generate(GenerationRequest)} would return
	 * @throws InvalidRequestException if an option is out of range or the prompt does not
	 * fit the context window
	 */
	GenerationResult stream(GenerationRequest request, Consumer<String> listener);

	/**
	 * Renders chat messages through the model's chat template, as the model receives them.
	 * @throws InvalidRequestException if the model has no chat template or the template
	 * rejects the messages
	 * @throws UnsupportedOperationException if this client cannot inspect prompts
	 */
	default String applyChatTemplate(List<ChatMessage> messages, boolean addGenerationPrompt) {
		throw new UnsupportedOperationException(getClass().getSimpleName() + " does not render chat templates.");
	}

	/**
	 * Encodes text into token ids, with the tokenizer's special tokens (such as BOS) when
	 * {@code addSpecialTokens} is true.
	 * @throws UnsupportedOperationException if this client cannot inspect prompts
	 */
	default int[] tokenize(String text, boolean addSpecialTokens) {
		throw new UnsupportedOperationException(getClass().getSimpleName() + " does not expose its tokenizer.");
	}

	/**
	 * Encodes chat messages into exactly the ids the model is fed for them.
	 * @throws InvalidRequestException if the model has no chat template or the template
	 * rejects the messages
	 * @throws UnsupportedOperationException if this client cannot inspect prompts
	 */
	default int[] tokenizeChat(List<ChatMessage> messages, boolean addGenerationPrompt) {
		throw new UnsupportedOperationException(getClass().getSimpleName() + " does not expose its tokenizer.");
	}

	/**
	 * Decodes token ids into text, special tokens included.
	 * @throws InvalidRequestException if an id is outside the vocabulary
	 * @throws UnsupportedOperationException if this client cannot inspect prompts
	 */
	default String detokenize(int[] ids) {
		throw new UnsupportedOperationException(getClass().getSimpleName() + " does not expose its tokenizer.");
	}

	/**
	 * Returns a description of the model behind this client.
	 */
	ModelInfo modelInfo();

	/**
	 * Releases the model's native memory. Calls after close fail.
	 */
	@Override
	void close();

}
