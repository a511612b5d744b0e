package dev.embeddedllm.autoconfigure.web;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
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

	@PostMapping(path = "/api/generate", produces = "application/json")
	public GenerateResponseBody generate(@RequestBody GenerateRequestBody body) {
		Long maxTokens = wholeNumber("max_tokens", body.maxTokens());
		Long topK = wholeNumber("top_k", body.topK());
		GenerationOptions options = GenerationOptions.builder()
			.temperature(body.temperature())
			.maxTokens(saturatedInt(maxTokens))
			.topP(body.topP())
			.topK(saturatedInt(topK))
			.seed(wholeNumber("seed", body.seed()))
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
				throw new InvalidRequestException("input", "Missing input: send the user message or the text to complete in the field"
						+ " 'input', or a prompt template name in 'template' with its 'variables'.");
			}
			request = chat ? GenerationRequest.ofMessages(List.of(ChatMessage.user(input)), options)
					: GenerationRequest.ofPrompt(input, options);
		}
		return GenerateResponseBody.of(this.client.generate(request));
	}

	/**
	 * Returns a JSON number as a whole number, rejecting fractions such as 1.5 that Jackson
	 * would otherwise truncate.
	 */
	private static @Nullable Long wholeNumber(String field, @Nullable Number value) {
		if (value == null) {
			return null;
		}
		double asDouble = value.doubleValue();
		if (value instanceof Double || value instanceof Float || value instanceof java.math.BigDecimal) {
			if (asDouble != Math.rint(asDouble) || Double.isInfinite(asDouble) || Math.abs(asDouble) > Long.MAX_VALUE) {
				throw new InvalidRequestException(field, "Invalid " + field + " " + value + ": it must be a whole number.");
			}
			return (long) asDouble;
		}
		return value.longValue();
	}

	private static @Nullable Integer saturatedInt(@Nullable Long value) {
		if (value == null) {
			return null;
		}
		return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, value));
	}

	/**
	 * Rejects other HTTP methods on the endpoint with 405 in the OpenAI error shape.
	 */
	@RequestMapping(path = "/api/generate",
			method = { RequestMethod.GET, RequestMethod.PUT, RequestMethod.PATCH, RequestMethod.DELETE })
	public ResponseEntity<ErrorBody> methodNotAllowed(HttpServletRequest request) {
		return MethodNotAllowed.response(request);
	}

}
