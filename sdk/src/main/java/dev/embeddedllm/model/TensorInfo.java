package dev.embeddedllm.model;

import java.util.Arrays;

/**
 * Header entry of one tensor in a safetensors file.
 *
 * @param name tensor name, for example {@code model.layers.0.self_attn.q_proj.weight}
 * @param dtype element type
 * @param shape dimensions, outermost first
 * @param begin offset of the first byte, relative to the start of the data section
 * @param end offset one past the last byte, relative to the start of the data section
 */
public record TensorInfo(String name, TensorDtype dtype, long[] shape, long begin, long end) {

	public long byteLength() {
		return this.end - this.begin;
	}

	public long elementCount() {
		long count = 1;
		for (long dimension : this.shape) {
			count *= dimension;
		}
		return count;
	}

	@Override
	public String toString() {
		return this.name + " " + this.dtype + Arrays.toString(this.shape);
	}

}
