package dev.embeddedllm;

import java.util.List;

/**
 * Outcome of one generation.
 *
 * @param text the completion as it continues the prompt, so a continuation that starts a
 * new word starts with a space; stop strings and end-of-sequence tokens are not included
 * @param finishReason why generation ended
 * @param usage prompt and completion token counts
 * @param completionTokenIds the generated token ids, an end-of-sequence token included
 */
public record GenerationResult(String text, FinishReason finishReason, Usage usage, List<Integer> completionTokenIds) {

	public GenerationResult {
		completionTokenIds = List.copyOf(completionTokenIds);
	}

}
