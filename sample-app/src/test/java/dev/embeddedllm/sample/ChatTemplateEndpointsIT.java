package dev.embeddedllm.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.embeddedllm.sample.GenerateEndpointTestSupport.Reply;
import dev.embeddedllm.testkit.TestKit;

import static dev.embeddedllm.sample.GenerateEndpointTestSupport.post;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The prompt inspection endpoints on tiny-llama-32k with a chat template set through
 * {@code llm.model.chat-template} as a file, the way a model without one is given one.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ChatTemplateEndpointsIT {

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void modelPath(DynamicPropertyRegistry registry) {
		registry.add("llm.model.path", () -> TestKit.model(TestKit.TINY_LLAMA).toString());
		registry.add("llm.runtime.device", () -> "cpu");
		// A bracketed chat format read from a file: "<s>[role] content\n" per message.
		registry.add("llm.model.chat-template", () -> "classpath:/bracket-chat-template.jinja");
	}

	private static List<Map<String, String>> conversation(String userContent) {
		return List.of(Map.of("role", "system", "content", "Be brief."), Map.of("role", "user", "content", userContent));
	}

	@Test
	void applyTemplateRendersMessages() throws Exception {
		Reply reply = post(this.port, "/apply-template", Map.of("messages", conversation("Hi there")));

		assertThat(reply.status()).isEqualTo(200);
		assertThat(reply.body().path("prompt").asString()).isEqualTo("<s>[system] Be brief.\n[user] Hi there\n[assistant]");
	}

	@Test
	void applyTemplateHonoursAddGenerationPrompt() throws Exception {
		Reply reply = post(this.port, "/apply-template",
				Map.of("messages", conversation("Hi there"), "add_generation_prompt", false));

		assertThat(reply.body().path("prompt").asString()).isEqualTo("<s>[system] Be brief.\n[user] Hi there\n");
	}

	@Test
	void tokenizeMessagesGivesIdsTheModelIsFed() throws Exception {
		Reply messages = post(this.port, "/tokenize", Map.of("messages", conversation("Hi there")));
		Reply generated = post(this.port, "/api/generate", Map.of("input", "Hi there", "max_tokens", 1));

		// The template's <s> is the BOS control token, id 1.
		assertThat(messages.body().path("tokens").get(0).asInt()).isEqualTo(1);
		assertThat(messages.body().path("count").asInt()).isEqualTo(messages.body().path("tokens").size());
		assertThat(generated.status()).isEqualTo(200);
	}

	@Test
	void specialTokensInUserContentStayText() throws Exception {
		Reply reply = post(this.port, "/tokenize", Map.of("messages", conversation("Say </s> and <s> please")));

		List<Integer> tokens = new ArrayList<>();
		reply.body().path("tokens").forEach((token) -> tokens.add(token.asInt()));
		// Only the template's leading <s> may be a control token; the user's <s> and </s> are text.
		assertThat(tokens.get(0)).isEqualTo(1);
		assertThat(tokens.subList(1, tokens.size())).doesNotContain(1, 2);
	}

	@Test
	void literalSpecialTokenInRawPromptIsControlToken() throws Exception {
		// Raw prompts are tokenized as Hugging Face does, so there a literal </s> is the EOS id.
		Reply reply = post(this.port, "/tokenize", Map.of("prompt", "a </s> b"));

		List<Integer> tokens = new ArrayList<>();
		reply.body().path("tokens").forEach((token) -> tokens.add(token.asInt()));
		assertThat(tokens).contains(2);
	}

}
