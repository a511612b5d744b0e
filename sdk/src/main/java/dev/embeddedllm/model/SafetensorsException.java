package dev.embeddedllm.model;

import java.nio.file.Path;

import dev.embeddedllm.ModelLoadException;

/**
 * A safetensors file whose header or data is malformed.
 */
public class SafetensorsException extends ModelLoadException {

	public SafetensorsException(Path file, String message) {
		super(file, "Invalid safetensors file '" + file + "': " + message);
	}

}
