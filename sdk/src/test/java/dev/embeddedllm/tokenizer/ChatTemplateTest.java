package dev.embeddedllm.tokenizer;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.embeddedllm.ChatMessage;
import dev.embeddedllm.InvalidRequestException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Renders the chat templates of widely used model families and compares the text byte for
 * byte with what Python Jinja2 produces in transformers' environment (see
 * {@code chat-templates/README.md} in the test resources).
 */
class ChatTemplateTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** The date the fixtures were rendered with, as transformers' strftime_now would give. */
	private static final Clock FIXTURE_DATE = Clock.fixed(
			LocalDate.of(2024, 7, 26).atStartOfDay().toInstant(ZoneOffset.UTC), ZoneOffset.UTC);

	static Stream<Arguments> cases() throws IOException, URISyntaxException {
		Path root = Path.of(ChatTemplateTest.class.getResource("/chat-templates").toURI());
		List<Arguments> cases = new ArrayList<>();
		try (Stream<Path> families = Files.list(root)) {
			for (Path family : families.filter(Files::isDirectory).sorted().toList()) {
				try (Stream<Path> files = Files.list(family)) {
					for (Path file : files.filter((path) -> path.toString().endsWith(".json"))
						.filter((path) -> !path.getFileName().toString().equals("tokens.json"))
						.sorted()
						.toList()) {
						cases.add(Arguments.of(family.getFileName().toString(),
								file.getFileName().toString().replace(".json", ""), family));
					}
				}
			}
		}
		assertThat(cases).as("fixture cases").hasSizeGreaterThanOrEqualTo(27);
		return cases.stream();
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("cases")
	void renderingMatchesJinja2(String family, String caseName, Path folder) throws IOException {
		String source = Files.readString(folder.resolve("template.jinja"));
		JsonNode tokens = JSON.readTree(folder.resolve("tokens.json").toFile());
		JsonNode fixture = JSON.readTree(folder.resolve(caseName + ".json").toFile());
		ChatTemplate template = new ChatTemplate(source, tokens.path("bos_token").asString(""),
				tokens.path("eos_token").asString(""), FIXTURE_DATE);
		List<ChatMessage> messages = new ArrayList<>();
		fixture.path("messages")
			.forEach((message) -> messages
				.add(new ChatMessage(message.path("role").asString(), message.path("content").asString())));
		boolean addGenerationPrompt = fixture.path("add_generation_prompt").asBoolean();

		if (fixture.has("expected_error")) {
			assertThatThrownBy(() -> template.render(messages, addGenerationPrompt))
				.isInstanceOf(InvalidRequestException.class)
				.hasMessageContaining(fixture.path("expected_error").asString());
		}
		else {
			assertThat(template.render(messages, addGenerationPrompt)).isEqualTo(fixture.path("expected").asString());
		}
	}

}
