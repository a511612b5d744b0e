package dev.embeddedllm;

/**
 * Base class of the errors raised by the SDK.
 */
public class LlmException extends RuntimeException {

	public LlmException(String message) {
		super(message);
	}

	public LlmException(String message, Throwable cause) {
		super(message, cause);
	}

}
