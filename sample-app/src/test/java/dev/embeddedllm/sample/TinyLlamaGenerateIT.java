package dev.embeddedllm.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.embeddedllm.sample.GenerateEndpointTestSupport.Reply;
import dev.embeddedllm.testkit.TestKit;
import dev.embeddedllm.testkit.TestKit.Golden;

import static dev.embeddedllm.sample.GenerateEndpointTestSupport.post;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /api/generate} of the running application on tiny-llama-32k, over HTTP.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class TinyLlamaGenerateIT {

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void modelPath(DynamicPropertyRegistry registry) {
		registry.add("llm.model.path", () -> TestKit.model(TestKit.TINY_LLAMA).toString());
		registry.add("llm.runtime.device", () -> "cpu");
		registry.add("llm.generation.max-tokens-limit", () -> "200");
	}

	@Test
	void greedyOutputMatchesGoldens() throws Exception {
		for (Golden golden : TestKit.goldens(TestKit.TINY_LLAMA)) {
			Reply reply = post(this.port, "/api/generate",
					Map.of("input", golden.prompt(), "temperature", 0, "max_tokens", golden.greedyIds().length));

			assertThat(reply.status()).as("status for %s", golden).isEqualTo(200);
			assertThat(reply.body().path("output").asString()).as("output for %s", golden)
				.isEqualTo(golden.completionText());
			assertThat(reply.body().path("finish_reason").asString()).isEqualTo("length");
			assertThat(reply.body().path("usage").path("prompt_tokens").asInt()).isEqualTo(golden.promptIds().length);
			assertThat(reply.body().path("usage").path("completion_tokens").asInt())
				.isEqualTo(golden.greedyIds().length);
		}
	}

	@Test
	void missingInputIsRejected() throws Exception {
		Reply reply = post(this.port, "/api/generate", Map.of("temperature", 0.5));

		assertThat(reply.status()).isEqualTo(400);
		assertThat(reply.body().path("error").path("param").asString()).isEqualTo("input");
		assertThat(reply.body().path("error").path("type").asString()).isEqualTo("invalid_request_error");
	}

	@Test
	void negativeTemperatureIsRejected() throws Exception {
		Reply reply = post(this.port, "/api/generate", Map.of("input", "Hi", "temperature", -0.5));

		assertThat(reply.status()).isEqualTo(400);
		assertThat(reply.body().path("error").path("param").asString()).isEqualTo("temperature");
		assertThat(reply.body().path("error").path("message").asString()).contains("-0.5");
	}

	@Test
	void nanTemperatureIsRejected() throws Exception {
		Reply reply = post(this.port, "/api/generate", "{\"input\": \"Hi\", \"temperature\": \"NaN\"}");

		assertThat(reply.status()).isEqualTo(400);
		assertThat(reply.body().path("error").path("param").asString()).isEqualTo("temperature");
	}

	@Test
	void maxTokensBelowOneIsRejected() throws Exception {
		Reply reply = post(this.port, "/api/generate", Map.of("input", "Hi", "max_tokens", 0));

		assertThat(reply.status()).isEqualTo(400);
		assertThat(reply.body().path("error").path("param").asString()).isEqualTo("max_tokens");
	}

	@Test
	void maxTokensOverLimitIsRejected() throws Exception {
		Reply reply = post(this.port, "/api/generate", Map.of("input", "Hi", "max_tokens", 201));

		assertThat(reply.status()).isEqualTo(400);
		assertThat(reply.body().path("error").path("param").asString()).isEqualTo("max_tokens");
		assertThat(reply.body().path("error").path("message").asString()).contains("201").contains("200");
	}

	@Test
	void promptLongerThanContextIsRejected() throws Exception {
		// tiny-llama-32k has max_position_embeddings 256; each "word " is one token.
		Reply reply = post(this.port, "/api/generate", Map.of("input", "word ".repeat(300)));

		assertThat(reply.status()).isEqualTo(400);
		assertThat(reply.body().path("error").path("param").asString()).isEqualTo("input");
		assertThat(reply.body().path("error").path("message").asString()).contains("256");
	}

	@Test
	void fractionalMaxTokensIsRejected() throws Exception {
		Reply reply = post(this.port, "/api/generate", "{\"input\": \"Hi\", \"max_tokens\": 1.5}");

		assertThat(reply.status()).isEqualTo(400);
		assertThat(reply.body().path("error").path("param").asString()).isEqualTo("max_tokens");
		assertThat(reply.body().path("error").path("message").asString()).contains("1.5");
	}

	@Test
	void hugeMaxTokensIsRejectedWithSentValue() throws Exception {
		Reply reply = post(this.port, "/api/generate", "{\"input\": \"Hi\", \"max_tokens\": 100000000000000000000}");

		assertThat(reply.status()).isEqualTo(400);
		assertThat(reply.body().path("error").path("param").asString()).isEqualTo("max_tokens");
		assertThat(reply.body().path("error").path("message").asString()).contains("100000000000000000000");
	}

	@Test
	void emptyStopStringIsRejectedShowingIt() throws Exception {
		Reply reply = post(this.port, "/api/generate", Map.of("input", "Hi", "stop", List.of("")));

		assertThat(reply.status()).isEqualTo(400);
		assertThat(reply.body().path("error").path("message").asString()).contains("[\"\"]");
	}

	@Test
	void wrongContentTypeGetsErrorBody() throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/api/generate"))
				.header("Content-Type", "text/plain")
				.POST(HttpRequest.BodyPublishers.ofString("Hi"))
				.build(), HttpResponse.BodyHandlers.ofString());

		assertThat(response.statusCode()).isEqualTo(415);
		assertThat(response.body()).contains("\"type\":\"invalid_request_error\"");
	}

	@Test
	void getGetsMethodNotAllowedErrorBody() throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/api/generate")).GET().build(),
					HttpResponse.BodyHandlers.ofString());

		assertThat(response.statusCode()).isEqualTo(405);
		assertThat(response.headers().firstValue("Allow")).hasValue("POST");
		assertThat(response.body()).contains("\"type\":\"invalid_request_error\"");
	}

	@Test
	void malformedJsonIsRejected() throws Exception {
		Reply reply = post(this.port, "/api/generate", "{\"input\": ");

		assertThat(reply.status()).isEqualTo(400);
		assertThat(reply.body().path("error").path("type").asString()).isEqualTo("invalid_request_error");
	}

	@Test
	void concurrentRequestsAllComplete() throws Exception {
		List<Golden> goldens = TestKit.goldens(TestKit.TINY_LLAMA);
		ExecutorService executor = Executors.newFixedThreadPool(4);
		try {
			Map<Future<Reply>, Golden> pending = new HashMap<>();
			for (int round = 0; round < 2; round++) {
				for (Golden golden : goldens) {
					Map<String, Object> body = Map.of("input", golden.prompt(), "temperature", 0, "max_tokens",
							golden.greedyIds().length);
					pending.put(executor.submit(() -> post(this.port, "/api/generate", body)), golden);
				}
			}
			List<String> mismatches = new ArrayList<>();
			for (Map.Entry<Future<Reply>, Golden> entry : pending.entrySet()) {
				Reply reply = entry.getKey().get();
				if (reply.status() != 200
						|| !reply.body().path("output").asString().equals(entry.getValue().completionText())) {
					mismatches.add(entry.getValue() + " -> " + reply.status() + " " + reply.body());
				}
			}
			assertThat(mismatches).isEmpty();
		}
		finally {
			executor.shutdownNow();
		}
	}

}
