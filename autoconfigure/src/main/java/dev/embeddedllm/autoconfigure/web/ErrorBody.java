package dev.embeddedllm.autoconfigure.web;

import org.jspecify.annotations.Nullable;

/**
 * Error response in the shape of OpenAI's API:
 * {@code {"error": {"message", "type", "param", "code"}}}.
 *
 * @param error the error details
 */
public record ErrorBody(Details error) {

	static ErrorBody of(String message, String type, @Nullable String param, @Nullable String code) {
		return new ErrorBody(new Details(message, type, param, code));
	}

	/**
	 * One error.
	 *
	 * @param message what failed and how to fix it
	 * @param type {@code invalid_request_error}, {@code not_found_error} or
	 * {@code server_error}
	 * @param param the request field at fault, or {@code null}
	 * @param code a machine-readable code, or {@code null}
	 */
	public record Details(String message, String type, @Nullable String param, @Nullable String code) {
	}

}
