package dev.embeddedllm;

/**
 * Token counts of one generation.
 *
 * @param promptTokens tokens fed to the model, special tokens such as BOS included
 * @param completionTokens tokens the model generated, an end-of-sequence token included
 */
public record Usage(int promptTokens, int completionTokens) {

	public int totalTokens() {
		return this.promptTokens + this.completionTokens;
	}

}
