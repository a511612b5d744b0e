package dev.embeddedllm.autoconfigure.web;

import java.util.List;
import java.util.Map;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.embeddedllm.ChatMessage;
import dev.embeddedllm.GenerationOptions;
import dev.embeddedllm.GenerationRequest;
import dev.embeddedllm.InvalidRequestException;
import dev.embeddedllm.LlmClient;
import dev.embeddedllm.prompt.PromptTemplateRegistry;

/**
 * {@code POST /api/generate}: {@code {"input", "temperature", "max_tokens"}} (or
 * {@code {"template", "variables", ...}} naming a registered prompt template) in,
 * {@code {"output", "finish_reason", "usage"}} out.
 */
@RestController
public class GenerateController {

	private final LlmClient client;

	private final PromptTemplateRegistry templates;

	public GenerateController(LlmClient client, PromptTemplateRegistry templates) {
		this.client = client;
		this.templates = templates;
	}

	@PostMapping(path = "/api/generate", consumes = "application/json", produces = "application/json")
	public GenerateResponseBody generate(@RequestBody GenerateRequestBody body) {
		GenerationOptions options = GenerationOptions.builder()
			.temperature(body.temperature())
			.maxTokens(body.maxTokens())
			.topP(body.topP())
			.topK(body.topK())
			.seed(body.seed())
			.stop(body.stop())
			.build();
		boolean chat = this.client.modelInfo().hasChatTemplate();
		GenerationRequest request;
		if (body.template() != null) {
			if (body.input() != null) {
				throw new InvalidRequestException("input",
						"Send either 'input' or 'template' with 'variables', not both.");
			}
			Map<String, Object> variables = (body.variables() != null) ? body.variables() : Map.of();
			request = this.templates.render(body.template(), variables).toRequest(chat, options);
		}
		else {
			// An empty input is valid: a raw completion then starts from BOS alone.
			String input = body.input();
			if (input == null) {
				throw new InvalidRequestException("input", "Missing input: send the text to answer in the field"
						+ " 'input', or a prompt template name in 'template' with its 'variables'.");
			}
			request = chat ? GenerationRequest.ofMessages(List.of(ChatMessage.user(input)), options)
					: GenerationRequest.ofPrompt(input, options);
		}
		return GenerateResponseBody.of(this.client.generate(request));
	}

}
