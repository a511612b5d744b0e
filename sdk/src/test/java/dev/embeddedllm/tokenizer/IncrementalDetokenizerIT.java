package dev.embeddedllm.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.embeddedllm.testkit.TestKit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Feeds completions to the incremental detokenizer one token at a time with the Llama 2
 * tokenizer of tiny-llama-32k, whose byte fallback splits characters outside its
 * vocabulary into one token per UTF-8 byte.
 */
class IncrementalDetokenizerIT {

	/** Byte-fallback tokens {@code <0x00>} to {@code <0xFF>} have ids 3 to 258 in Llama 2. */
	private static final int FIRST_BYTE_TOKEN = 3;

	private static final int LAST_BYTE_TOKEN = 258;

	private static LlmTokenizer tokenizer;

	@BeforeAll
	static void loadTokenizer() {
		tokenizer = LlmTokenizer.load(TestKit.model(TestKit.TINY_LLAMA).resolve("tokenizer.json"));
	}

	@AfterAll
	static void closeTokenizer() {
		if (tokenizer != null) {
			tokenizer.close();
		}
	}

	static Stream<Arguments> completions() {
		return Stream.of(Arguments.of("I feel", " 😀 today", true), Arguments.of("Chinese:", " 你好世界，鳕鱼", true),
				Arguments.of("I", " ❤️ you", true), Arguments.of("Snow:", " ☃🎉", true),
				Arguments.of("My", " café", false), Arguments.of("Un", "café", false),
				Arguments.of("Once upon a time", " there was", false), Arguments.of("", "Hello 😀", true));
	}

	@ParameterizedTest(name = "\"{0}\" + \"{1}\"")
	@MethodSource("completions")
	void add_byteFallbackCharacters_neverEmitsReplacementCharacter(String prompt, String completion,
			boolean byteFallback) {
		Split split = split(prompt, completion);
		assertThat(hasByteToken(split.completionIds())).as("completion uses byte-fallback tokens")
			.isEqualTo(byteFallback);

		List<String> deltas = feed(split);

		assertThat(deltas).noneMatch((delta) -> delta.contains("\uFFFD"));
	}

	@ParameterizedTest(name = "\"{0}\" + \"{1}\"")
	@MethodSource("completions")
	void add_oneTokenAtATime_concatenatesToDecodedDifference(String prompt, String completion,
			boolean byteFallback) {
		Split split = split(prompt, completion);
		String promptText = tokenizer.decode(split.promptIds(), true);
		String fullText = tokenizer.decode(split.allIds(), true);
		assertThat(fullText).as("decoded prompt and completion").startsWith(promptText);

		String streamed = String.join("", feed(split));

		assertThat(streamed).isEqualTo(fullText.substring(promptText.length()));
	}

	@Test
	void add_newWord_keepsLeadingSpace() {
		Split split = split("Once upon a time", " there was");

		List<String> deltas = feed(split);

		assertThat(deltas.get(0)).isEqualTo(" there");
		assertThat(String.join("", deltas)).isEqualTo(" there was");
	}

	@Test
	void add_emojiAfterSpace_keepsLeadingSpace() {
		Split split = split("I feel", " 😀 today");

		String streamed = String.join("", feed(split));

		assertThat(streamed).isEqualTo(" 😀 today");
	}

	@Test
	void add_wordContinuation_hasNoLeadingSpace() {
		Split split = split("Un", "café");

		String streamed = String.join("", feed(split));

		assertThat(streamed).isEqualTo("café");
	}

	@Test
	void add_partialCharacter_heldUntilLastByte() {
		Split split = split("I feel", " 😀");
		int[] completionIds = split.completionIds();
		IncrementalDetokenizer detokenizer = new IncrementalDetokenizer(tokenizer, split.promptIds());

		// " 😀" is the word-start token followed by the 4 UTF-8 bytes F0 9F 98 80.
		assertThat(completionIds).hasSize(5);
		StringBuilder beforeLastByte = new StringBuilder();
		for (int i = 0; i < completionIds.length - 1; i++) {
			beforeLastByte.append(detokenizer.add(completionIds[i]));
		}
		String lastDelta = detokenizer.add(completionIds[completionIds.length - 1]);

		assertThat(beforeLastByte.toString()).as("text before the last byte").isBlank();
		assertThat(beforeLastByte.toString() + lastDelta).isEqualTo(" 😀");
		assertThat(detokenizer.flush()).as("flush after the last byte").isEmpty();
	}

	@Test
	void flush_incompleteCharacter_returnsHeldBytes() {
		Split split = split("I feel", " 😀");
		int[] completionIds = split.completionIds();
		IncrementalDetokenizer detokenizer = new IncrementalDetokenizer(tokenizer, split.promptIds());

		StringBuilder emitted = new StringBuilder();
		for (int i = 0; i < completionIds.length - 1; i++) {
			emitted.append(detokenizer.add(completionIds[i]));
		}
		String flushed = detokenizer.flush();

		assertThat(emitted.toString()).as("emitted before flush").doesNotContain("\uFFFD");
		assertThat(flushed).as("flushed bytes of the cut emoji").contains("\uFFFD");
	}

	/**
	 * Encodes prompt and completion together, as the model reads them, and splits the ids at
	 * the end of the prompt's own encoding.
	 */
	private static Split split(String prompt, String completion) {
		int[] promptIds = tokenizer.encode(prompt, true);
		int[] allIds = tokenizer.encode(prompt + completion, true);
		assertThat(Arrays.copyOf(allIds, promptIds.length)).as("prompt ids are a prefix of all ids")
			.containsExactly(promptIds);
		return new Split(promptIds, allIds);
	}

	private static List<String> feed(Split split) {
		IncrementalDetokenizer detokenizer = new IncrementalDetokenizer(tokenizer, split.promptIds());
		List<String> deltas = new ArrayList<>();
		for (int id : split.completionIds()) {
			String delta = detokenizer.add(id);
			if (!delta.isEmpty()) {
				deltas.add(delta);
			}
		}
		String rest = detokenizer.flush();
		if (!rest.isEmpty()) {
			deltas.add(rest);
		}
		return deltas;
	}

	private static boolean hasByteToken(int[] ids) {
		return Arrays.stream(ids).anyMatch((id) -> id >= FIRST_BYTE_TOKEN && id <= LAST_BYTE_TOKEN);
	}

	private record Split(int[] promptIds, int[] allIds) {

		int[] completionIds() {
			return Arrays.copyOfRange(this.allIds, this.promptIds.length, this.allIds.length);
		}

	}

}
