package dev.embeddedllm.sample;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.embeddedllm.prompt.PromptTemplateRegistry;
import dev.embeddedllm.sample.GenerateEndpointTestSupport.Reply;
import dev.embeddedllm.testkit.TestKit;

import static dev.embeddedllm.sample.GenerateEndpointTestSupport.post;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Prompt templates through {@code POST /api/generate} on tiny-llama-32k, a base model, so
 * templates render as text with an Input/Output block.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PromptTemplateIT {

	/** The text order-status.yaml renders to for the variables below, as the README documents. */
	private static final String RENDERED = """
			You are the customer-support assistant of Acme. Answer in one or two short sentences.

			Input: Where is my parcel?
			Output: Your parcel left our warehouse yesterday and should arrive within two days.

			Input: Can I still change the delivery address?
			Output: Yes, as long as the order has not shipped. Reply with the new address and we will update it.

			Input: Is order 42 late?
			Output:""";

	@LocalServerPort
	private int port;

	@Autowired
	private PromptTemplateRegistry registry;

	@DynamicPropertySource
	static void modelPath(DynamicPropertyRegistry registry) {
		registry.add("llm.model.path", () -> TestKit.model(TestKit.TINY_LLAMA).toString());
		registry.add("llm.runtime.device", () -> "cpu");
		registry.add("llm.prompts.templates.greeting.user", () -> "Say hello to {name}.");
		registry.add("llm.prompts.templates.greeting.temperature", () -> "0");
	}

	@Test
	void registryHasFileAndInlineTemplates() {
		assertThat(this.registry.names()).containsExactly("greeting", "order-status");
		assertThat(this.registry.get("order-status").variables()).containsExactly("company", "question");
		assertThat(this.registry.get("order-status").examples()).hasSize(2);
	}

	@Test
	void templateRendersAsDocumented() {
		String rendered = this.registry.render("order-status", Map.of("company", "Acme", "question", "Is order 42 late?"))
			.completionText();

		assertThat(rendered).isEqualTo(RENDERED);
	}

	@Test
	void generateWithTemplateUsesRenderedPrompt() throws Exception {
		Reply tokenized = post(this.port, "/tokenize", Map.of("prompt", RENDERED));
		Reply reply = post(this.port, "/api/generate", Map.of("template", "order-status", "variables",
				Map.of("company", "Acme", "question", "Is order 42 late?"), "temperature", 0, "max_tokens", 8));

		assertThat(reply.status()).isEqualTo(200);
		assertThat(reply.body().path("usage").path("prompt_tokens").asInt())
			.isEqualTo(tokenized.body().path("count").asInt());
		assertThat(reply.body().path("usage").path("completion_tokens").asInt()).isEqualTo(8);
	}

	@Test
	void missingVariablesAreRejectedByName() throws Exception {
		Reply reply = post(this.port, "/api/generate",
				Map.of("template", "order-status", "variables", Map.of("company", "Acme")));

		assertThat(reply.status()).isEqualTo(400);
		assertThat(reply.body().path("error").path("param").asString()).isEqualTo("variables");
		assertThat(reply.body().path("error").path("message").asString()).contains("missing variables [question]")
			.contains("expects [company, question]");
	}

	@Test
	void unknownTemplateIsNotFound() throws Exception {
		Reply reply = post(this.port, "/api/generate", Map.of("template", "refund", "variables", Map.of()));

		assertThat(reply.status()).isEqualTo(404);
		assertThat(reply.body().path("error").path("type").asString()).isEqualTo("not_found_error");
		assertThat(reply.body().path("error").path("message").asString()).contains("refund").contains("order-status");
	}

	@Test
	void inputAndTemplateTogetherAreRejected() throws Exception {
		Reply reply = post(this.port, "/api/generate",
				Map.of("input", "hi", "template", "greeting", "variables", Map.of("name", "Ann")));

		assertThat(reply.status()).isEqualTo(400);
		assertThat(reply.body().path("error").path("param").asString()).isEqualTo("input");
	}

	@Test
	void applyTemplateWithoutChatTemplateIsRejected() throws Exception {
		Reply reply = post(this.port, "/apply-template",
				Map.of("messages", List.of(Map.of("role", "user", "content", "hi"))));

		assertThat(reply.status()).isEqualTo(400);
		assertThat(reply.body().path("error").path("message").asString()).contains("no chat template");
	}

	@Test
	void tokenizeWithoutPromptNamesPrompt() throws Exception {
		Reply reply = post(this.port, "/tokenize", Map.of());

		assertThat(reply.status()).isEqualTo(400);
		assertThat(reply.body().path("error").path("param").asString()).isEqualTo("prompt");
	}

	@Test
	void detokenizeRoundTrips() throws Exception {
		Reply tokenized = post(this.port, "/tokenize", Map.of("prompt", "Hello world", "add_special_tokens", false));
		Reply detokenized = post(this.port, "/detokenize", Map.of("tokens", tokenized.body().path("tokens")));

		assertThat(tokenized.body().path("max_model_len").asInt()).isEqualTo(256);
		assertThat(detokenized.body().path("prompt").asString()).isEqualTo("Hello world");
	}

	@Test
	void detokenizeRejectsIdsOutsideVocabulary() throws Exception {
		Reply reply = post(this.port, "/detokenize", Map.of("tokens", List.of(1, 32000)));

		assertThat(reply.status()).isEqualTo(400);
		assertThat(reply.body().path("error").path("message").asString()).contains("32000");
	}

}
