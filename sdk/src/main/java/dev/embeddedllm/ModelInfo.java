package dev.embeddedllm;

/**
 * Description of a loaded model.
 *
 * @param name the checkpoint folder name
 * @param architecture the Hugging Face architecture, for example {@code LlamaForCausalLM}
 * @param parameterCount number of weights
 * @param contextLength maximum number of tokens of prompt and completion together
 * @param device the device the weights live on, for example {@code cpu()} or {@code gpu(0)}
 * @param dtype the data type of the weights, for example {@code float32}
 * @param hasChatTemplate whether chat messages are rendered through a chat template
 */
public record ModelInfo(String name, String architecture, long parameterCount, int contextLength, String device,
		String dtype, boolean hasChatTemplate) {
}
