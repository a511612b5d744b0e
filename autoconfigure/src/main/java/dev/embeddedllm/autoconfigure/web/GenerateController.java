package dev.embeddedllm.autoconfigure.web;

import java.math.BigDecimal;
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
		Long maxTokens = wholeNumber("max_tokens", body.maxTokens(), Integer.MIN_VALUE, Integer.MAX_VALUE);
		Long topK = wholeNumber("top_k", body.topK(), Integer.MIN_VALUE, Integer.MAX_VALUE);
		GenerationOptions options = GenerationOptions.builder()
			.temperature(body.temperature())
			.maxTokens((maxTokens != null) ? maxTokens.intValue() : null)
			.topP(body.topP())
			.topK((topK != null) ? topK.intValue() : null)
			.seed(wholeNumber("seed", body.seed(), Long.MIN_VALUE, Long.MAX_VALUE))
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
				throw new InvalidRequestException("input", "Missing input: send the user message or the text to"
						+ " complete in the field 'input', or a prompt template name in 'template' with its 'variables'.");
			}
			request = chat ? GenerationRequest.ofMessages(List.of(ChatMessage.user(input)), options)
					: GenerationRequest.ofPrompt(input, options);
		}
		return GenerateResponseBody.of(this.client.generate(request));
	}

	/**
	 * Returns a JSON number as a whole number in [min, max], rejecting fractions such as 1.5
	 * that Jackson would otherwise truncate and values that would overflow.
	 */
	private static @Nullable Long wholeNumber(String field, @Nullable Number value, long min, long max) {
		if (value == null) {
			return null;
		}
		BigDecimal exact;
		try {
			exact = new BigDecimal(value.toString());
		}
		catch (NumberFormatException ex) {
			throw new InvalidRequestException(field, "Invalid " + field + " " + value + ": it must be a whole number.");
		}
		if (exact.stripTrailingZeros().scale() > 0) {
			throw new InvalidRequestException(field, "Invalid " + field + " " + value + ": it must be a whole number.");
		}
		if (exact.compareTo(BigDecimal.valueOf(min)) < 0 || exact.compareTo(BigDecimal.valueOf(max)) > 0) {
			throw new InvalidRequestException(field,
					"Invalid " + field + " " + value + ": it must be between " + min + " and " + max + ".");
		}
		return exact.longValueExact();
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
