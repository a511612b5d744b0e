package dev.embeddedllm.sample;

import java.util.Map;

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
 * {@code POST /api/generate} of the running application on tiny-qwen2-style (q/k/v biases,
 * untied LM head, rope_theta 1e6), over HTTP.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class TinyQwen2GenerateIT {

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void modelPath(DynamicPropertyRegistry registry) {
		registry.add("llm.model.path", () -> TestKit.model(TestKit.TINY_QWEN2).toString());
		registry.add("llm.runtime.device", () -> "cpu");
	}

	@Test
	void greedyOutputMatchesGoldens() throws Exception {
		for (Golden golden : TestKit.goldens(TestKit.TINY_QWEN2)) {
			Reply reply = post(this.port, "/api/generate",
					Map.of("input", golden.prompt(), "temperature", 0, "max_tokens", golden.greedyIds().length));

			assertThat(reply.status()).as("status for %s", golden).isEqualTo(200);
			assertThat(reply.body().path("output").asString()).as("output for %s", golden)
				.isEqualTo(golden.completionText());
			assertThat(reply.body().path("usage").path("completion_tokens").asInt())
				.isEqualTo(golden.greedyIds().length);
		}
	}

}
