package dev.embeddedllm.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.embeddedllm.ChatMessage;
import dev.embeddedllm.FinishReason;
import dev.embeddedllm.GenerationOptions;
import dev.embeddedllm.GenerationRequest;
import dev.embeddedllm.GenerationResult;
import dev.embeddedllm.InvalidRequestException;
import dev.embeddedllm.testkit.TestKit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Runs hundreds of short generations on tiny-llama-32k and checks that none of them leaves
 * a DJL array behind.
 *
 * <p>
 * The measure is the number of live arrays under PyTorch's system manager, which in DJL
 * 0.36.0 is the parent of every manager that {@code Engine.newBaseManager} creates:
 * {@code getManagedArrays()} walks all sub-managers, and an array leaves the count when it
 * is closed. Process RSS is
 * checked as well, but only against gross leaks, because JVM heap growth moves it by tens
 * of MiB.
 */
class NativeMemorySoakIT {

	private static final Logger logger = LoggerFactory.getLogger(NativeMemorySoakIT.class);

	private static final int WARM_UP_REQUESTS = 30;

	private static final int SOAK_REQUESTS = 300;

	/**
	 * Allowed RSS growth over the soak.
	 * NOTE: this bound only catches gross leaks, and the live-array count is the exact check.
	 * On a 2-core x86-64 VM, one run of this test grew RSS by 46 MiB while the JVM heap grew
	 * from 48 to 214 MiB committed. Other runs ended with a smaller RSS than they started.
	 */
	private static final long MAX_RSS_GROWTH_BYTES = 256L * 1024 * 1024;

	private static final String PROMPT = "The meaning of life is";

	@Test
	void liveArrayCount_seesNewArray() {
		int before = liveArrayCount();

		try (NDManager manager = EngineSupport.pytorch().newBaseManager()) {
			manager.zeros(new Shape(3));

			assertThat(liveArrayCount()).isEqualTo(before + 1);
		}
		assertThat(liveArrayCount()).isEqualTo(before);
	}

	@Test
	void generate_manyRequests_leaksNoArrays() throws IOException {
		int beforeLoad = liveArrayCount();
		LocalLlmClient client = LocalLlmClient.builder(TestKit.model(TestKit.TINY_LLAMA))
			.device("cpu")
			.maxTokensLimit(64)
			.build();
		int loaded = liveArrayCount();
		try {
			GenerationResult reference = client.generate(greedy());
			runRequests(client, reference, WARM_UP_REQUESTS);
			System.gc();
			int arraysBefore = liveArrayCount();
			long rssBefore = residentSetBytes();

			long start = System.nanoTime();
			runRequests(client, reference, SOAK_REQUESTS);
			long millis = (System.nanoTime() - start) / 1_000_000;
			System.gc();
			int arraysAfter = liveArrayCount();
			long rssAfter = residentSetBytes();
			logger.info("{} requests in {} ms; live arrays {} -> {}; RSS {} -> {} MiB", SOAK_REQUESTS, millis,
					arraysBefore, arraysAfter, rssBefore >> 20, rssAfter >> 20);

			assertThat(loaded).as("live arrays with the model loaded").isGreaterThan(beforeLoad);
			assertThat(arraysAfter).as("live arrays after %d requests", SOAK_REQUESTS).isEqualTo(arraysBefore);
			assertThat(rssAfter - rssBefore).as("RSS growth in bytes over %d requests", SOAK_REQUESTS)
				.isLessThan(MAX_RSS_GROWTH_BYTES);
		}
		finally {
			client.close();
		}
		assertThat(liveArrayCount()).as("live arrays after close").isEqualTo(beforeLoad);
	}

	/**
	 * Cycles through greedy, sampled, stop-string, rejected and failing-listener requests.
	 */
	private static void runRequests(LocalLlmClient client, GenerationResult reference, int count) {
		GenerationRequest sampled = GenerationRequest.ofPrompt(PROMPT,
				GenerationOptions.builder().temperature(0.9).topK(40).topP(0.9).maxTokens(2).build());
		GenerationRequest stopped = GenerationRequest.ofPrompt(PROMPT,
				GenerationOptions.builder().temperature(0.0).maxTokens(8).stop(List.of("only")).build());
		GenerationRequest tooManyTokens = GenerationRequest.ofPrompt(PROMPT,
				GenerationOptions.builder().maxTokens(65).build());
		GenerationRequest chat = GenerationRequest.ofMessages(List.of(ChatMessage.user("Hi")),
				GenerationOptions.builder().maxTokens(4).build());

		for (int i = 0; i < count; i++) {
			switch (i % 6) {
				case 0 -> {
					GenerationResult result = client.generate(greedy());
					assertThat(result.completionTokenIds()).as("greedy request %d", i)
						.isEqualTo(reference.completionTokenIds());
				}
				case 1 -> client.generate(sampled);
				case 2 -> {
					GenerationResult result = client.generate(stopped);
					assertThat(result.finishReason()).as("stop request %d", i).isEqualTo(FinishReason.STOP);
				}
				case 3 -> assertThatThrownBy(() -> client.generate(tooManyTokens))
					.isInstanceOf(InvalidRequestException.class);
				case 4 -> assertThatThrownBy(() -> client.generate(chat)).isInstanceOf(InvalidRequestException.class);
				default -> assertThatThrownBy(() -> client.stream(greedy(), NativeMemorySoakIT::failListener))
					.hasMessage("listener failed");
			}
		}
	}

	private static void failListener(String delta) {
		throw new IllegalStateException("listener failed");
	}

	private static GenerationRequest greedy() {
		return GenerationRequest.ofPrompt(PROMPT, GenerationOptions.builder().temperature(0.0).maxTokens(2).build());
	}

	private static int liveArrayCount() {
		try (NDManager probe = EngineSupport.pytorch().newBaseManager()) {
			return probe.getParentManager().getManagedArrays().size();
		}
	}

	/**
	 * Returns VmRSS of /proc/self/status, the resident memory of this JVM process. Linux
	 * only, like the pytorch-native classifier the build selects.
	 */
	private static long residentSetBytes() throws IOException {
		for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
			if (line.startsWith("VmRSS:")) {
				return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
			}
		}
		throw new IllegalStateException("/proc/self/status has no VmRSS line");
	}

}
