package dev.embeddedllm.autoconfigure.web;

import java.util.List;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.embeddedllm.ChatMessage;
import dev.embeddedllm.GenerationOptions;
import dev.embeddedllm.GenerationRequest;
import dev.embeddedllm.InvalidRequestException;
import dev.embeddedllm.LlmClient;

/**
 * {@code POST /api/generate}: {@code {"input", "temperature", "max_tokens"}} in,
 * {@code {"output", "finish_reason", "usage"}} out.
 */
@RestController
public class GenerateController {

	private final LlmClient client;

	public GenerateController(LlmClient client) {
		this.client = client;
	}

	@PostMapping(path = "/api/generate", consumes = "application/json", produces = "application/json")
	public GenerateResponseBody generate(@RequestBody GenerateRequestBody body) {
		String input = body.input();
		// An empty input is valid: a raw completion then starts from BOS alone.
		if (input == null) {
			throw new InvalidRequestException("input", "Missing input: send the text to answer in the field 'input'.");
		}
		GenerationOptions options = GenerationOptions.builder()
			.temperature(body.temperature())
			.maxTokens(body.maxTokens())
			.topP(body.topP())
			.topK(body.topK())
			.seed(body.seed())
			.stop(body.stop())
			.build();
		GenerationRequest request = this.client.modelInfo().hasChatTemplate()
				? GenerationRequest.ofMessages(List.of(ChatMessage.user(input)), options)
				: GenerationRequest.ofPrompt(input, options);
		return GenerateResponseBody.of(this.client.generate(request));
	}

}
