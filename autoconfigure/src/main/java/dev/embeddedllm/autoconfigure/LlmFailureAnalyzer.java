package dev.embeddedllm.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.embeddedllm.LlmException;
import dev.embeddedllm.ModelLoadException;

/**
 * Turns model startup failures into a description and the property to fix.
 */
class LlmFailureAnalyzer extends AbstractFailureAnalyzer<LlmException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, LlmException cause) {
		if (cause instanceof MissingModelPathException) {
			return new FailureAnalysis(cause.getMessage(),
					"Set llm.model.path (or the environment variable LLM_MODEL_PATH) to a Hugging Face checkpoint"
							+ " folder with config.json, model.safetensors and tokenizer.json.",
					cause);
		}
		if (cause instanceof ModelLoadException loadFailure) {
			return new FailureAnalysis("The model could not be loaded: " + loadFailure.getMessage(),
					"Check '" + loadFailure.getPath() + "', or set llm.model.path to a Hugging Face"
							+ " checkpoint folder with config.json, model.safetensors and tokenizer.json.",
					cause);
		}
		return new FailureAnalysis("The model runtime could not start: " + cause.getMessage(),
				"Check llm.runtime.device and llm.runtime.dtype, and that DJL's PyTorch native library for this"
						+ " platform is on the class path.",
				cause);
	}

}
