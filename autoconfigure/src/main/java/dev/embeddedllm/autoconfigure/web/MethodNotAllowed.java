package dev.embeddedllm.autoconfigure.web;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/**
 * The 405 response of the embedded-llm endpoints, which accept POST only.
 */
final class MethodNotAllowed {

	private MethodNotAllowed() {
	}

	static ResponseEntity<ErrorBody> response(HttpServletRequest request) {
		return ResponseEntity.status(HttpStatus.METHOD_NOT_ALLOWED)
			.header(HttpHeaders.ALLOW, "POST")
			.body(ErrorBody.of("Method " + request.getMethod() + " is not allowed on " + request.getRequestURI()
					+ ": send a POST with a JSON body.", "invalid_request_error", null, null));
	}

}
