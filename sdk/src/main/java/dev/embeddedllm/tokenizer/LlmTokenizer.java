package dev.embeddedllm.tokenizer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import dev.embeddedllm.ModelLoadException;

/**
 * Tokenizer of a model, backed by DJL's binding of the Hugging Face {@code tokenizers}
 * library and the checkpoint's {@code tokenizer.json}. Special tokens such as BOS are added
 * as the file's post-processor specifies.
 *
 * <p>
 * A second instance built from the same file without its special added tokens encodes
 * user-supplied text, so that a literal {@code <|im_start|>} typed by a user stays text
 * instead of becoming a control token ({@link #encodeAsText}).
 */
public final class LlmTokenizer implements AutoCloseable {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HuggingFaceTokenizer tokenizer;

	private final HuggingFaceTokenizer textTokenizer;

	private final List<String> specialTokens;

	private final int vocabularySize;

	private LlmTokenizer(HuggingFaceTokenizer tokenizer, HuggingFaceTokenizer textTokenizer, List<String> specialTokens,
			int vocabularySize) {
		this.tokenizer = tokenizer;
		this.textTokenizer = textTokenizer;
		this.specialTokens = specialTokens;
		this.vocabularySize = vocabularySize;
	}

	/**
	 * Loads a {@code tokenizer.json} file. Truncation and padding are off: the runtime
	 * checks prompt length against the context window itself.
	 * @throws ModelLoadException if the file cannot be read or parsed
	 */
	public static LlmTokenizer load(Path tokenizerFile) {
		HuggingFaceTokenizer tokenizer = null;
		try {
			byte[] content = Files.readAllBytes(tokenizerFile);
			JsonNode root = JSON.readTree(content);
			List<String> specialTokens = new ArrayList<>();
			int vocabularySize = root.path("model").path("vocab").size();
			for (JsonNode added : root.path("added_tokens")) {
				vocabularySize = Math.max(vocabularySize, added.path("id").asInt() + 1);
				if (added.path("special").asBoolean(false)) {
					specialTokens.add(added.path("content").asString());
				}
			}

			tokenizer = build(content);
			HuggingFaceTokenizer textTokenizer = build(JSON.writeValueAsBytes(withoutSpecialTokens(root)));
			return new LlmTokenizer(tokenizer, textTokenizer, List.copyOf(specialTokens), vocabularySize);
		}
		catch (IOException | JacksonException | IllegalArgumentException | IllegalStateException ex) {
			if (tokenizer != null) {
				tokenizer.close();
			}
			throw new ModelLoadException(tokenizerFile,
					"Cannot load tokenizer '" + tokenizerFile + "': " + ex.getMessage(), ex);
		}
	}

	private static HuggingFaceTokenizer build(byte[] content) throws IOException {
		return HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(content),
				Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false"));
	}

	private static JsonNode withoutSpecialTokens(JsonNode root) {
		ObjectNode copy = (ObjectNode) root.deepCopy();
		JsonNode added = copy.path("added_tokens");
		if (added.isArray()) {
			Iterator<JsonNode> entries = ((tools.jackson.databind.node.ArrayNode) added).values().iterator();
			while (entries.hasNext()) {
				if (entries.next().path("special").asBoolean(false)) {
					entries.remove();
				}
			}
		}
		return copy;
	}

	/**
	 * Encodes text into token ids.
	 * @param addSpecialTokens whether to add the special tokens of the post-processor, such
	 * as BOS; chat prompts rendered by a template already contain them
	 */
	public int[] encode(String text, boolean addSpecialTokens) {
		return toInts(this.tokenizer.encode(text, addSpecialTokens, false));
	}

	/**
	 * Encodes text with special tokens read as plain text: a literal {@code </s>} becomes
	 * the ids of its characters, never the end-of-sequence id. No special tokens are added.
	 */
	public int[] encodeAsText(String text) {
		return toInts(this.textTokenizer.encode(text, false, false));
	}

	/**
	 * Returns the strings of the special added tokens, such as {@code <s>} or
	 * {@code <|im_start|>}.
	 */
	public List<String> specialTokens() {
		return this.specialTokens;
	}

	/**
	 * Returns the number of token ids, added tokens included.
	 */
	public int vocabularySize() {
		return this.vocabularySize;
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

	private static int[] toInts(Encoding encoding) {
		long[] ids = encoding.getIds();
		int[] result = new int[ids.length];
		for (int i = 0; i < ids.length; i++) {
			result[i] = Math.toIntExact(ids[i]);
		}
		return result;
	}

	@Override
	public void close() {
		this.tokenizer.close();
		this.textTokenizer.close();
	}

}
