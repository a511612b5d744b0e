package dev.embeddedllm;

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
	 * Returns a description of the model behind this client.
	 */
	ModelInfo modelInfo();

	/**
	 * Releases the model's native memory. Calls after close fail.
	 */
	@Override
	void close();

}
