package dev.embeddedllm.tokenizer;

import java.io.IOException;
import java.nio.file.Path;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

import dev.embeddedllm.ModelLoadException;

/**
 * Tokenizer of a model, backed by DJL's binding of the Hugging Face {@code tokenizers}
 * library and the checkpoint's {@code tokenizer.json}. Special tokens such as BOS are added
 * as the file's post-processor says.
 */
public final class LlmTokenizer implements AutoCloseable {

	private final HuggingFaceTokenizer tokenizer;

	private LlmTokenizer(HuggingFaceTokenizer tokenizer) {
		this.tokenizer = tokenizer;
	}

	/**
	 * Loads a {@code tokenizer.json} file. Truncation and padding are off: the runtime
	 * checks prompt length against the context window itself.
	 * @throws ModelLoadException if the file cannot be read or parsed
	 */
	public static LlmTokenizer load(Path tokenizerFile) {
		try {
			HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.builder()
				.optTokenizerPath(tokenizerFile)
				.optAddSpecialTokens(true)
				.optTruncation(false)
				.optPadding(false)
				.build();
			return new LlmTokenizer(tokenizer);
		}
		catch (IOException | RuntimeException ex) {
			throw new ModelLoadException(tokenizerFile,
					"Cannot load tokenizer '" + tokenizerFile + "': " + ex.getMessage(), ex);
		}
	}

	/**
	 * Encodes text into token ids.
	 * @param addSpecialTokens whether to add the special tokens of the post-processor, such
	 * as BOS; chat prompts rendered by a template already contain them
	 */
	public int[] encode(String text, boolean addSpecialTokens) {
		Encoding encoding = this.tokenizer.encode(text, addSpecialTokens, false);
		long[] ids = encoding.getIds();
		int[] result = new int[ids.length];
		for (int i = 0; i < ids.length; i++) {
			result[i] = Math.toIntExact(ids[i]);
		}
		return result;
	}

	/**
	 * Decodes token ids into text, leaving out special tokens when asked.
	 */
	public String decode(int[] ids, boolean skipSpecialTokens) {
		long[] values = new long[ids.length];
		for (int i = 0; i < ids.length; i++) {
			values[i] = ids[i];
		}
		return this.tokenizer.decode(values, skipSpecialTokens);
	}

	@Override
	public void close() {
		this.tokenizer.close();
	}

}
