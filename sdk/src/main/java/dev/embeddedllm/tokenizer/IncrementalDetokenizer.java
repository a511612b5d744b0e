package dev.embeddedllm.tokenizer;

import java.util.Arrays;

/**
 * Turns generated tokens into text deltas as they arrive.
 *
 * <p>
 * Decoding tokens one at a time is wrong twice over: a character that byte-fallback splits
 * over several tokens decodes to U+FFFD until its last byte arrives, and decoders such as
 * Llama's strip the leading space of the first token decoded. So each step decodes a short
 * window that starts a few tokens back (at first inside the prompt) twice, without and with
 * the new tokens, and emits the difference only when it does not end in U+FFFD. The window
 * then moves up to the emitted tokens. This is the scheme of vLLM and Hugging Face TGI.
 *
 * <p>
 * The deltas concatenate to {@code decode(prompt + completion)} minus
 * {@code decode(prompt)}, special tokens skipped: the completion as it continues the prompt.
 */
public final class IncrementalDetokenizer {

	/** Tokens of the prompt kept in the first window, enough for any merge at the boundary. */
	private static final int PROMPT_CONTEXT_TOKENS = 5;

	private final LlmTokenizer tokenizer;

	private int[] ids;

	private int length;

	private int prefixOffset;

	private int readOffset;

	public IncrementalDetokenizer(LlmTokenizer tokenizer, int[] promptIds) {
		this.tokenizer = tokenizer;
		this.ids = Arrays.copyOf(promptIds, Math.max(16, promptIds.length * 2));
		this.length = promptIds.length;
		this.prefixOffset = Math.max(0, promptIds.length - PROMPT_CONTEXT_TOKENS);
		this.readOffset = promptIds.length;
	}

	/**
	 * Adds one generated token and returns the text it completes, possibly empty.
	 */
	public String add(int tokenId) {
		if (this.length == this.ids.length) {
			this.ids = Arrays.copyOf(this.ids, this.ids.length * 2);
		}
		this.ids[this.length++] = tokenId;

		String prefixText = decode(this.prefixOffset, this.readOffset);
		String fullText = decode(this.prefixOffset, this.length);
		if (fullText.length() <= prefixText.length() || fullText.endsWith("\uFFFD")) {
			return "";
		}
		this.prefixOffset = this.readOffset;
		this.readOffset = this.length;
		return fullText.substring(prefixText.length());
	}

	/**
	 * Returns the text of tokens still held back, such as an incomplete byte sequence at the
	 * end of generation, decoded as it is.
	 */
	public String flush() {
		if (this.readOffset == this.length) {
			return "";
		}
		String prefixText = decode(this.prefixOffset, this.readOffset);
		String fullText = decode(this.prefixOffset, this.length);
		this.prefixOffset = this.readOffset;
		this.readOffset = this.length;
		return (fullText.length() > prefixText.length()) ? fullText.substring(prefixText.length()) : "";
	}

	private String decode(int from, int to) {
		return this.tokenizer.decode(Arrays.copyOfRange(this.ids, from, to), true);
	}

}
