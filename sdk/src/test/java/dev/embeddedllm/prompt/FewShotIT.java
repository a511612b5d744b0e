package dev.embeddedllm.prompt;

import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.embeddedllm.GenerationOptions;
import dev.embeddedllm.GenerationRequest;
import dev.embeddedllm.runtime.LocalLlmClient;
import dev.embeddedllm.testkit.TestKit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shows on tiny-llama-32k, a base model without a chat template, that few-shot examples
 * change greedy output.
 */
class FewShotIT {

	private static LocalLlmClient client;

	private static final GenerationOptions GREEDY = GenerationOptions.builder().temperature(0.0).maxTokens(12).build();

	@BeforeAll
	static void loadModel() {
		client = LocalLlmClient.builder(TestKit.model(TestKit.TINY_LLAMA)).device("cpu").build();
	}

	@AfterAll
	static void closeModel() {
		client.close();
	}

	@Test
	void fewShotExamples_changeGreedyOutput() {
		PromptTemplate plain = PromptTemplate.builder("plain", "{topic}").build();
		PromptTemplate fewShot = PromptTemplate.builder("few-shot", "{topic}")
			.example("Cats are", "Cats are lazy.")
			.example("Dogs are", "Dogs are loyal.")
			.build();
		Map<String, String> values = Map.of("topic", "love");

		String plainOutput = client.generate(plain.render(values).toRequest(false, GREEDY)).text();
		String fewShotOutput = client.generate(fewShot.render(values).toRequest(false, GREEDY)).text();

		// The plain prompt is the bare word; the few-shot one ends in "Input: love\nOutput:".
		assertThat(plainOutput).isEqualTo(" is a man who is a man who is a man who");
		assertThat(fewShotOutput).isEqualTo("\n\tThe world is the same.\n\t\t--");
	}

	@Test
	void completionText_isSentAsRawPrompt() {
		PromptTemplate fewShot = PromptTemplate.builder("few-shot", "{topic}").example("cats", "Cats sleep.").build();

		GenerationRequest request = fewShot.render(Map.of("topic", "dogs")).toRequest(false, GREEDY);

		assertThat(request.prompt()).isEqualTo("Input: cats\nOutput: Cats sleep.\n\nInput: dogs\nOutput:");
	}

}
