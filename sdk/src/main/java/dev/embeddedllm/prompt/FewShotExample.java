package dev.embeddedllm.prompt;

import java.util.Objects;

/**
 * A worked example shown to the model before the live request: an input and the output
 * the model should imitate.
 *
 * @param input the user message (or, for a base model, the text after {@code Input:})
 * @param output the assistant reply (or the text after {@code Output:})
 */
public record FewShotExample(String input, String output) {

	public FewShotExample {
		Objects.requireNonNull(input, "input must not be null");
		Objects.requireNonNull(output, "output must not be null");
	}

}
