package dev.embeddedllm;

import java.nio.file.Path;

/**
 * A checkpoint folder that cannot be loaded: a missing or unsupported file, an unsupported
 * architecture or malformed weights.
 */
public class ModelLoadException extends LlmException {

	private final Path path;

	public ModelLoadException(Path path, String message) {
		super(message);
		this.path = path;
	}

	public ModelLoadException(Path path, String message, Throwable cause) {
		super(message, cause);
		this.path = path;
	}

	/**
	 * File or folder that failed to load.
	 */
	public Path getPath() {
		return this.path;
	}

}
