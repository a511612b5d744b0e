package dev.embeddedllm;

/**
 * Reason a generation ended, with the values OpenAI-style APIs use.
 */
public enum FinishReason {

	/** The model produced an end-of-sequence token or the output reached a stop string. */
	STOP("stop"),

	/** The output reached {@code max_tokens} or the end of the context window. */
	LENGTH("length");

	private final String value;

	FinishReason(String value) {
		this.value = value;
	}

	/**
	 * Returns the lowercase wire value, {@code stop} or {@code length}.
	 */
	public String value() {
		return this.value;
	}

}
