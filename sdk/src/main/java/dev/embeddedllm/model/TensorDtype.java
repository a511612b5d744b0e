package dev.embeddedllm.model;

import java.util.Arrays;
import java.util.Optional;

/**
 * Element types of the safetensors format, with their sizes in bytes.
 */
public enum TensorDtype {

	F64(8), F32(4), F16(2), BF16(2), I64(8), I32(4), I16(2), I8(1), U8(1), BOOL(1), F8_E4M3(1), F8_E5M2(1);

	private final int byteSize;

	TensorDtype(int byteSize) {
		this.byteSize = byteSize;
	}

	public int byteSize() {
		return this.byteSize;
	}

	/**
	 * Returns whether the runtime can load weights of this type: F32, F16 and BF16.
	 */
	public boolean isSupportedWeightType() {
		return this == F32 || this == F16 || this == BF16;
	}

	/**
	 * Looks up a type by its safetensors name, such as {@code "BF16"}.
	 */
	public static Optional<TensorDtype> fromName(String name) {
		return Arrays.stream(values()).filter((dtype) -> dtype.name().equals(name)).findFirst();
	}

}
