package dev.embeddedllm.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.jspecify.annotations.Nullable;

import dev.embeddedllm.model.RopeScaling;

/**
 * Rotary position embedding in the Hugging Face convention ({@code rotate_half}): dimension
 * i of a head is rotated together with dimension i + D/2, at angle
 * {@code position * theta^(-2i/D)}.
 *
 * <p>
 * The cosine and sine tables, (P, 1, D) for P positions, are computed once. The angles are
 * formed in float32 arithmetic, as transformers does, so long positions round the same way.
 * The sine table carries the sign of {@code rotate_half}, -sin for the first half and +sin
 * for the second, so a rotation is {@code x * cos + swapHalves(x) * signedSin}.
 */
final class RotaryEmbedding implements AutoCloseable {

	private final NDArray cos;

	private final NDArray sin;

	RotaryEmbedding(NDManager manager, int headDim, double theta, @Nullable RopeScaling scaling, int maxPositions,
			DataType dataType) {
		int half = headDim / 2;
		float[] inverseFrequencies = new float[half];
		for (int i = 0; i < half; i++) {
			inverseFrequencies[i] = (float) (1.0 / Math.pow(theta, (float) (2 * i) / headDim));
		}
		if (scaling != null) {
			scaling.apply(inverseFrequencies);
		}

		float[] cosTable = new float[maxPositions * headDim];
		float[] sinTable = new float[maxPositions * headDim];
		for (int position = 0; position < maxPositions; position++) {
			for (int i = 0; i < half; i++) {
				float angle = position * inverseFrequencies[i];
				float cosValue = (float) Math.cos(angle);
				float sinValue = (float) Math.sin(angle);
				int offset = position * headDim;
				cosTable[offset + i] = cosValue;
				cosTable[offset + i + half] = cosValue;
				sinTable[offset + i] = -sinValue;
				sinTable[offset + i + half] = sinValue;
			}
		}
		Shape shape = new Shape(maxPositions, 1, headDim);
		this.cos = toType(manager.create(cosTable, shape), dataType);
		this.sin = toType(manager.create(sinTable, shape), dataType);
	}

	private static NDArray toType(NDArray array, DataType dataType) {
		if (array.getDataType() == dataType) {
			return array;
		}
		NDArray converted = array.toType(dataType, false);
		array.close();
		return converted;
	}

	/**
	 * Rotates queries or keys of T consecutive positions.
	 * @param states (T, heads, D)
	 * @param position position of the first of the T tokens
	 * @return (T, heads, D)
	 */
	NDArray apply(NDArray states, int position) {
		long tokens = states.getShape().get(0);
		NDIndex rows = new NDIndex().addSliceDim(position, position + tokens);
		// (T, 1, D), broadcast over the heads
		NDArray cosRows = this.cos.get(rows);
		NDArray signedSinRows = this.sin.get(rows);

		NDList halves = states.split(2, 2);
		NDArray swapped = halves.get(1).concat(halves.get(0), 2);
		return states.mul(cosRows).add(swapped.mul(signedSinRows));
	}

	@Override
	public void close() {
		this.cos.close();
		this.sin.close();
	}

}
