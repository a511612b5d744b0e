package dev.embeddedllm.runtime;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import ai.djl.ndarray.types.DataType;

import dev.embeddedllm.LlmException;

/**
 * Data type of the weights, activations and KV cache.
 *
 * <p>
 * NOTE: float16 and bfloat16 were measured only on a CPU without native half-precision
 * arithmetic, where they ran many times slower than float32, and the GPU path (where
 * {@link #AUTO} picks float16) has not been run by this project's tests.
 */
public enum RuntimeDtype {

	/** float32 on the CPU, float16 on a GPU. */
	AUTO(null),

	FLOAT32(DataType.FLOAT32),

	FLOAT16(DataType.FLOAT16),

	BFLOAT16(DataType.BFLOAT16);

	private final DataType dataType;

	RuntimeDtype(DataType dataType) {
		this.dataType = dataType;
	}

	/**
	 * Returns the concrete type for a device: {@link #AUTO} resolves to float32 on the CPU
	 * and float16 on a GPU.
	 */
	public DataType resolve(boolean gpu) {
		if (this == AUTO) {
			return gpu ? DataType.FLOAT16 : DataType.FLOAT32;
		}
		return this.dataType;
	}

	/**
	 * Parses {@code auto}, {@code float32}, {@code float16} or {@code bfloat16}, ignoring
	 * case; {@code fp32}, {@code fp16} and {@code bf16} are accepted as well.
	 * @throws LlmException naming the value and the accepted ones
	 */
	public static RuntimeDtype parse(String value) {
		String normalized = value.trim().toLowerCase(Locale.ROOT);
		switch (normalized) {
			case "fp32":
				return FLOAT32;
			case "fp16":
			case "half":
				return FLOAT16;
			case "bf16":
				return BFLOAT16;
			default:
				for (RuntimeDtype dtype : values()) {
					if (dtype.name().toLowerCase(Locale.ROOT).equals(normalized)) {
						return dtype;
					}
				}
				throw new LlmException("Invalid dtype '" + value + "': use one of " + Arrays.stream(values())
					.map((dtype) -> dtype.name().toLowerCase(Locale.ROOT))
					.collect(Collectors.joining(", ")) + ".");
		}
	}

}
