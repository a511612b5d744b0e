package dev.embeddedllm.prompt;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.embeddedllm.ChatMessage;
import dev.embeddedllm.GenerationOptions;
import dev.embeddedllm.GenerationRequest;
import dev.embeddedllm.InvalidRequestException;
import dev.embeddedllm.LlmException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PromptTemplateTest {

	private static final String SUPPORT_YAML = """
			name: order-status
			version: "2"
			system: You answer customers of {company}. Be brief.
			user: "Order {order_id}: {question}"
			examples:
			  - input: "Order 17: where is it?"
			    output: Order 17 left our warehouse yesterday.
			  - user: "Order 18: can I cancel?"
			    assistant: Order 18 can be cancelled until it ships.
			options:
			  temperature: 0.2
			  max_tokens: 64
			""";

	private static PromptTemplate support() {
		return PromptTemplateParser.parse("order-status.yaml",
				new ByteArrayInputStream(SUPPORT_YAML.getBytes(StandardCharsets.UTF_8)));
	}

	@Test
	void parse_yaml_readsAllFields() {
		PromptTemplate template = support();

		assertThat(template.name()).isEqualTo("order-status");
		assertThat(template.version()).isEqualTo("2");
		assertThat(template.variables()).containsExactly("company", "order_id", "question");
		assertThat(template.examples()).hasSize(2);
		assertThat(template.options().temperature()).isEqualTo(0.2);
		assertThat(template.options().maxTokens()).isEqualTo(64);
	}

	@Test
	void render_chat_examplesArePriorTurns() {
		RenderedPrompt prompt = support()
			.render(Map.of("company", "Acme", "order_id", "42", "question", "has it shipped?"));

		assertThat(prompt.messages()).containsExactly(
				ChatMessage.system("You answer customers of Acme. Be brief."),
				ChatMessage.user("Order 17: where is it?"),
				ChatMessage.assistant("Order 17 left our warehouse yesterday."),
				ChatMessage.user("Order 18: can I cancel?"),
				ChatMessage.assistant("Order 18 can be cancelled until it ships."),
				ChatMessage.user("Order 42: has it shipped?"));
	}

	@Test
	void render_completion_examplesAreInputOutputBlock() {
		RenderedPrompt prompt = support()
			.render(Map.of("company", "Acme", "order_id", "42", "question", "has it shipped?"));

		assertThat(prompt.completionText()).isEqualTo("""
				You answer customers of Acme. Be brief.

				Input: Order 17: where is it?
				Output: Order 17 left our warehouse yesterday.

				Input: Order 18: can I cancel?
				Output: Order 18 can be cancelled until it ships.

				Input: Order 42: has it shipped?
				Output:""");
	}

	@Test
	void render_sameInputs_sameText() {
		Map<String, Object> values = Map.of("company", "Acme", "order_id", 42, "question", "hi");

		assertThat(support().render(values)).isEqualTo(support().render(values));
	}

	@Test
	void render_missingVariable_listsExpectedNames() {
		assertThatThrownBy(() -> support().render(Map.of("company", "Acme")))
			.isInstanceOf(InvalidRequestException.class)
			.hasMessageContaining("missing variables [order_id, question]")
			.hasMessageContaining("expects [company, order_id, question]")
			.extracting((ex) -> ((InvalidRequestException) ex).getField())
			.isEqualTo("variables");
	}

	@Test
	void render_unknownVariable_isRejected() {
		assertThatThrownBy(
				() -> support().render(Map.of("company", "Acme", "order_id", "1", "question", "q", "tone", "warm")))
			.isInstanceOf(InvalidRequestException.class)
			.hasMessageContaining("unknown variables [tone]");
	}

	@Test
	void render_bracesThatAreNotPlaceholders_stayLiteral() {
		PromptTemplate template = PromptTemplate.builder("json", "Reply as {\"answer\": \"...\"} to {question}, {{name}}")
			.build();

		assertThat(template.variables()).containsExactly("question");
		assertThat(template.render(Map.of("question", "why")).completionText())
			.isEqualTo("Reply as {\"answer\": \"...\"} to why, {name}");
	}

	@Test
	void toRequest_requestOptionsOverrideTemplateOptions() {
		RenderedPrompt prompt = support().render(Map.of("company", "Acme", "order_id", "42", "question", "q"));

		GenerationRequest request = prompt.toRequest(true, GenerationOptions.builder().temperature(0.9).build());

		assertThat(request.isChat()).isTrue();
		assertThat(request.options().temperature()).isEqualTo(0.9);
		assertThat(request.options().maxTokens()).isEqualTo(64);
	}

	@Test
	void registry_unknownName_listsAvailable() {
		PromptTemplateRegistry registry = new PromptTemplateRegistry(List.of(support()));

		assertThatThrownBy(() -> registry.get("refund"))
			.isInstanceOf(TemplateNotFoundException.class)
			.hasMessageContaining("'refund'")
			.hasMessageContaining("[order-status]");
	}

	@Test
	void parse_missingUser_isRejected() {
		assertThatThrownBy(() -> PromptTemplateParser.parse("broken.yaml",
				new ByteArrayInputStream("system: hi\n".getBytes(StandardCharsets.UTF_8))))
			.isInstanceOf(LlmException.class)
			.hasMessageContaining("broken.yaml")
			.hasMessageContaining("'user'");
	}

	@Test
	void parse_unknownField_isRejected() {
		assertThatThrownBy(() -> PromptTemplateParser.parse("typo.json",
				new ByteArrayInputStream("{\"user\": \"x\", \"sytem\": \"y\"}".getBytes(StandardCharsets.UTF_8))))
			.isInstanceOf(LlmException.class)
			.hasMessageContaining("unknown field 'sytem'");
	}

	@Test
	void parse_nameDefaultsToFileName() {
		PromptTemplate template = PromptTemplateParser.parse("prompts/greeting.yml",
				new ByteArrayInputStream("user: Hello {name}\n".getBytes(StandardCharsets.UTF_8)));

		assertThat(template.name()).isEqualTo("greeting");
	}

}
