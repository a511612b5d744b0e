package dev.embeddedllm;

/**
 * A generation request that cannot be served as given: the message names the field, the
 * rejected value and the accepted range.
 */
public class InvalidRequestException extends LlmException {

	private final String field;

	public InvalidRequestException(String field, String message) {
		super(message);
		this.field = field;
	}

	/**
	 * Name of the rejected request field, as the REST API spells it (for example
	 * {@code max_tokens}).
	 */
	public String getField() {
		return this.field;
	}

}
