package dev.embeddedllm.autoconfigure.web;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.HandlerMethod;

import dev.embeddedllm.InvalidRequestException;
import dev.embeddedllm.LlmException;
import dev.embeddedllm.prompt.TemplateNotFoundException;

/**
 * Maps failures of the embedded-llm endpoints to OpenAI-style error bodies: 400 for a bad
 * request, 500 for a runtime failure. Other controllers of the application are not
 * affected.
 */
@RestControllerAdvice(assignableTypes = { GenerateController.class, PromptInspectionController.class })
public class LlmWebExceptionHandler {

	private static final Logger logger = LoggerFactory.getLogger(LlmWebExceptionHandler.class);

	@ExceptionHandler(TemplateNotFoundException.class)
	ResponseEntity<ErrorBody> templateNotFound(TemplateNotFoundException ex) {
		return ResponseEntity.status(HttpStatus.NOT_FOUND)
			.body(ErrorBody.of(ex.getMessage(), "not_found_error", "template", null));
	}

	@ExceptionHandler(UnsupportedOperationException.class)
	ResponseEntity<ErrorBody> unsupported(UnsupportedOperationException ex) {
		return ResponseEntity.status(HttpStatus.NOT_IMPLEMENTED)
			.body(ErrorBody.of(String.valueOf(ex.getMessage()), "invalid_request_error", null, null));
	}

	@ExceptionHandler(InvalidRequestException.class)
	ResponseEntity<ErrorBody> invalidRequest(InvalidRequestException ex, HandlerMethod handler) {
		// /api/generate sends its one text field, input, as a prompt or as chat messages.
		boolean generate = GenerateController.class.isAssignableFrom(handler.getBeanType());
		String param = (generate && (ex.getField().equals("prompt") || ex.getField().equals("messages"))) ? "input"
				: ex.getField();
		logger.debug("Rejected request to {}: {}", handler.getMethod().getName(), ex.getMessage());
		return ResponseEntity.badRequest().body(ErrorBody.of(ex.getMessage(), "invalid_request_error", param, null));
	}

	@ExceptionHandler(HttpMessageNotReadableException.class)
	ResponseEntity<ErrorBody> unreadableBody(HttpMessageNotReadableException ex) {
		String detail = (ex.getMostSpecificCause() != null) ? ex.getMostSpecificCause().getMessage() : ex.getMessage();
		return ResponseEntity.badRequest()
			.body(ErrorBody.of("Invalid JSON request body: " + firstLine(detail), "invalid_request_error", null, null));
	}

	@ExceptionHandler(HttpMediaTypeNotSupportedException.class)
	ResponseEntity<ErrorBody> unsupportedMediaType(HttpMediaTypeNotSupportedException ex) {
		return ResponseEntity.status(HttpStatus.UNSUPPORTED_MEDIA_TYPE)
			.body(ErrorBody.of("Unsupported content type " + ex.getContentType() + ": send application/json.",
					"invalid_request_error", null, null));
	}

	@ExceptionHandler(LlmException.class)
	ResponseEntity<ErrorBody> runtimeFailure(LlmException ex) {
		logger.warn("Generation failed: {}", ex.getMessage());
		logger.debug("Generation failure", ex);
		return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR)
			.body(ErrorBody.of("Generation failed: " + ex.getMessage(), "server_error", null, null));
	}

	private static String firstLine(String text) {
		if (text == null) {
			return "unreadable body";
		}
		int newline = text.indexOf('\n');
		return (newline >= 0) ? text.substring(0, newline) : text;
	}

}
