package dev.embeddedllm.autoconfigure;

import dev.embeddedllm.LlmException;

/**
 * Raised at startup when {@code llm.model.path} is not set.
 */
public class MissingModelPathException extends LlmException {

	public MissingModelPathException() {
		super("Property llm.model.path is not set, so there is no model to load.");
	}

}
