package dev.embeddedllm.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.embeddedllm.ChatMessage;
import dev.embeddedllm.FinishReason;
import dev.embeddedllm.GenerationOptions;
import dev.embeddedllm.GenerationRequest;
import dev.embeddedllm.GenerationResult;
import dev.embeddedllm.InvalidRequestException;
import dev.embeddedllm.LlmException;
import dev.embeddedllm.ModelInfo;
import dev.embeddedllm.testkit.TestKit;
import dev.embeddedllm.testkit.TestKit.Golden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Checks request validation, finish reasons, seeding, closing and concurrent use of the
 * local client on the tiny-llama-32k checkpoint, on the CPU.
 */
class LocalLlmClientIT {

	private static final int SHORT_CONTEXT = 16;

	private static final int SHORT_MAX_TOKENS_LIMIT = 32;

	private static LocalLlmClient client;

	private static LocalLlmClient shortContextClient;

	/** "The meaning of life is", whose greedy completion starts " the only thing to be a man". */
	private static Golden meaningOfLife;

	@BeforeAll
	static void loadClients() {
		Path model = TestKit.model(TestKit.TINY_LLAMA);
		client = LocalLlmClient.builder(model).device("cpu").build();
		shortContextClient = LocalLlmClient.builder(model)
			.device("cpu")
			.contextLength(SHORT_CONTEXT)
			.maxTokensLimit(SHORT_MAX_TOKENS_LIMIT)
			.build();
		meaningOfLife = TestKit.goldens(TestKit.TINY_LLAMA)
			.stream()
			.filter((golden) -> golden.prompt().equals("The meaning of life is"))
			.findFirst()
			.orElseThrow();
	}

	@AfterAll
	static void closeClients() {
		if (client != null) {
			client.close();
		}
		if (shortContextClient != null) {
			shortContextClient.close();
		}
	}

	@Test
	void modelInfo_describesCheckpoint() {
		ModelInfo info = shortContextClient.modelInfo();

		assertThat(info.name()).isEqualTo(TestKit.TINY_LLAMA);
		assertThat(info.architecture()).isEqualTo("LlamaForCausalLM");
		assertThat(info.parameterCount()).isEqualTo(4_834_432L);
		assertThat(info.contextLength()).isEqualTo(SHORT_CONTEXT);
		assertThat(info.dtype()).isEqualTo("float32");
		assertThat(info.hasChatTemplate()).isFalse();
	}

	@Test
	void generate_chatWithoutTemplate_rejected() {
		GenerationRequest request = GenerationRequest.ofMessages(List.of(ChatMessage.user("Hello")),
				GenerationOptions.empty());

		assertThatThrownBy(() -> client.generate(request)).isInstanceOf(InvalidRequestException.class)
			.hasMessageContaining("has no chat template")
			.satisfies((ex) -> assertThat(((InvalidRequestException) ex).getField()).isEqualTo("messages"));
	}

	@Test
	void generate_promptLongerThanContext_rejected() {
		Golden longest = TestKit.goldens(TestKit.TINY_LLAMA).get(5);
		int tokens = longest.promptIds().length;
		GenerationRequest request = greedy(longest.prompt(), 1);

		assertThatThrownBy(() -> shortContextClient.generate(request)).isInstanceOf(InvalidRequestException.class)
			.hasMessageContaining("The prompt has " + tokens + " tokens, but the context window holds "
					+ SHORT_CONTEXT + " tokens")
			.satisfies((ex) -> assertThat(((InvalidRequestException) ex).getField()).isEqualTo("prompt"));
	}

	@Test
	void generate_promptFillingContext_rejected() {
		GenerationRequest request = greedy(promptOfTokens(SHORT_CONTEXT), 1);

		assertThatThrownBy(() -> shortContextClient.generate(request)).isInstanceOf(InvalidRequestException.class)
			.hasMessageContaining("The prompt has " + SHORT_CONTEXT + " tokens");
	}

	@Test
	void generate_promptOneBelowContext_generatesOneToken() {
		GenerationRequest request = greedy(promptOfTokens(SHORT_CONTEXT - 1), 10);

		GenerationResult result = shortContextClient.generate(request);

		assertThat(result.usage().completionTokens()).isEqualTo(1);
		assertThat(result.finishReason()).isEqualTo(FinishReason.LENGTH);
	}

	@Test
	void generate_maxTokensAboveLimit_rejected() {
		GenerationRequest request = GenerationRequest.ofPrompt("Hello",
				GenerationOptions.builder().maxTokens(SHORT_MAX_TOKENS_LIMIT + 1).build());

		assertThatThrownBy(() -> shortContextClient.generate(request)).isInstanceOf(InvalidRequestException.class)
			.hasMessageContainingAll("Invalid max_tokens " + (SHORT_MAX_TOKENS_LIMIT + 1),
					"at most " + SHORT_MAX_TOKENS_LIMIT)
			.satisfies((ex) -> assertThat(((InvalidRequestException) ex).getField()).isEqualTo("max_tokens"));
	}

	@Test
	void generate_maxTokensReached_finishesWithLength() {
		GenerationRequest request = greedy(meaningOfLife.prompt(), 5);

		GenerationResult result = client.generate(request);

		assertThat(result.finishReason()).isEqualTo(FinishReason.LENGTH);
		assertThat(result.completionTokenIds()).containsExactly(boxed(meaningOfLife.greedyIds(), 5));
	}

	@Test
	void generate_contextEnd_finishesWithLength() {
		GenerationRequest request = greedy(meaningOfLife.prompt(), SHORT_MAX_TOKENS_LIMIT);

		GenerationResult result = shortContextClient.generate(request);

		// The 6 prompt tokens leave 16 - 6 = 10 positions for the completion.
		int room = SHORT_CONTEXT - meaningOfLife.promptIds().length;
		assertThat(result.finishReason()).isEqualTo(FinishReason.LENGTH);
		assertThat(result.usage().promptTokens()).isEqualTo(meaningOfLife.promptIds().length);
		assertThat(result.usage().completionTokens()).isEqualTo(room);
		assertThat(result.completionTokenIds()).containsExactly(boxed(meaningOfLife.greedyIds(), room));
	}

	@Test
	void generate_stopString_finishesWithStop() {
		GenerationRequest request = GenerationRequest.ofPrompt(meaningOfLife.prompt(),
				GenerationOptions.builder().temperature(0.0).maxTokens(40).stop(List.of("man")).build());

		GenerationResult result = client.generate(request);

		// The golden completion up to its first "man": " the only thing to be a ".
		String expected = meaningOfLife.completionText().substring(0, meaningOfLife.completionText().indexOf("man"));
		assertThat(result.text()).isEqualTo(expected);
		assertThat(result.finishReason()).isEqualTo(FinishReason.STOP);
	}

	@Test
	void stream_stopString_deltasExcludeStop() {
		GenerationRequest request = GenerationRequest.ofPrompt(meaningOfLife.prompt(),
				GenerationOptions.builder().temperature(0.0).maxTokens(40).stop(List.of("thing to")).build());
		List<String> deltas = new ArrayList<>();

		GenerationResult result = client.stream(request, deltas::add);

		assertThat(String.join("", deltas)).isEqualTo(result.text());
		assertThat(result.text()).isEqualTo(" the only ");
		assertThat(deltas).noneMatch(String::isEmpty);
	}

	/**
	 * The model never learned to emit its end-of-sequence id 2. So this test declares the id
	 * of " man" as a second EOS id in generation_config.json, as checkpoints with several EOS
	 * ids do. The folder links to the real weights and tokenizer.
	 */
	@Test
	void generate_eosToken_finishesWithStop(@TempDir Path folder) throws IOException {
		Path source = TestKit.model(TestKit.TINY_LLAMA);
		int[] greedyIds = meaningOfLife.greedyIds();
		int manIndex = 6;
		int manId = greedyIds[manIndex];
		assertThat(Arrays.copyOf(greedyIds, manIndex)).as("greedy ids before ' man'").doesNotContain(manId);
		for (String name : List.of("config.json", "tokenizer.json", "tokenizer_config.json", "model.safetensors")) {
			Files.createSymbolicLink(folder.resolve(name), source.resolve(name));
		}
		Files.writeString(folder.resolve("generation_config.json"), "{\"eos_token_id\": [2, " + manId + "]}");

		GenerationResult result;
		try (LocalLlmClient eosClient = LocalLlmClient.builder(folder).device("cpu").build()) {
			result = eosClient.generate(greedy(meaningOfLife.prompt(), 40));
		}

		assertThat(result.finishReason()).isEqualTo(FinishReason.STOP);
		assertThat(result.completionTokenIds()).containsExactly(boxed(greedyIds, manIndex + 1));
		assertThat(result.usage().completionTokens()).isEqualTo(manIndex + 1);
		assertThat(result.text()).isEqualTo(" the only thing to be a");
	}

	@Test
	void generate_sameSeed_sameText() {
		GenerationOptions options = GenerationOptions.builder().temperature(1.0).topP(0.95).seed(1234L).maxTokens(24)
			.build();
		GenerationRequest request = GenerationRequest.ofPrompt("Hello", options);

		GenerationResult first = client.generate(request);
		GenerationResult second = client.generate(request);

		assertThat(second.completionTokenIds()).isEqualTo(first.completionTokenIds());
		assertThat(second.text()).isEqualTo(first.text());
	}

	@Test
	void generate_otherSeed_otherText() {
		GenerationOptions.Builder options = GenerationOptions.builder().temperature(1.0).maxTokens(24);

		GenerationResult first = client.generate(GenerationRequest.ofPrompt("Hello", options.seed(1L).build()));
		GenerationResult second = client.generate(GenerationRequest.ofPrompt("Hello", options.seed(2L).build()));

		assertThat(second.text()).isNotEqualTo(first.text());
	}

	@Test
	void generate_afterClose_failsClearly() {
		LocalLlmClient closing = LocalLlmClient.builder(TestKit.model(TestKit.TINY_LLAMA)).device("cpu").build();
		closing.close();

		assertThatThrownBy(() -> closing.generate(greedy("Hello", 4))).isInstanceOf(LlmException.class)
			.hasMessage("Model '" + TestKit.TINY_LLAMA + "' is closed.");
	}

	@Test
	void close_twice_succeeds() {
		LocalLlmClient closing = LocalLlmClient.builder(TestKit.model(TestKit.TINY_LLAMA)).device("cpu").build();
		closing.close();

		assertThatCode(closing::close).doesNotThrowAnyException();
	}

	@Test
	void generate_fourThreads_matchGreedyGoldens() throws Exception {
		List<Golden> goldens = TestKit.goldens(TestKit.TINY_LLAMA).subList(0, 4);
		int maxTokens = 16;
		int rounds = 2;
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService executor = Executors.newFixedThreadPool(goldens.size());
		try {
			List<Future<List<GenerationResult>>> futures = new ArrayList<>();
			for (Golden golden : goldens) {
				futures.add(executor.submit(() -> {
					start.await();
					List<GenerationResult> results = new ArrayList<>();
					for (int round = 0; round < rounds; round++) {
						results.add(client.generate(greedy(golden.prompt(), maxTokens)));
					}
					return results;
				}));
			}
			start.countDown();

			for (int i = 0; i < goldens.size(); i++) {
				List<GenerationResult> results = futures.get(i).get(60, TimeUnit.SECONDS);
				for (int round = 0; round < rounds; round++) {
					assertThat(results.get(round).completionTokenIds()).as("%s, round %d", goldens.get(i), round)
						.containsExactly(boxed(goldens.get(i).greedyIds(), maxTokens));
				}
			}
		}
		finally {
			executor.shutdownNow();
		}
	}

	private static GenerationRequest greedy(String prompt, int maxTokens) {
		return GenerationRequest.ofPrompt(prompt,
				GenerationOptions.builder().temperature(0.0).maxTokens(maxTokens).build());
	}

	/**
	 * Returns a prompt that encodes to exactly {@code tokens} ids, BOS included.
	 */
	private static String promptOfTokens(int tokens) {
		// BOS, then "one" and one " one" token per further word.
		String prompt = "one" + " one".repeat(tokens - 2);
		assertThat(client.tokenizer().encode(prompt, true)).as("ids of the built prompt").hasSize(tokens);
		return prompt;
	}

	private static Integer[] boxed(int[] values, int count) {
		Integer[] result = new Integer[count];
		for (int i = 0; i < count; i++) {
			result[i] = values[i];
		}
		return result;
	}

}
