package dev.embeddedllm.runtime;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import dev.embeddedllm.ModelLoadException;
import dev.embeddedllm.model.Checkpoint;
import dev.embeddedllm.model.TensorInfo;

/**
 * Copies tensors from a checkpoint into engine arrays of the runtime dtype, checking each
 * shape against the one the configuration implies.
 */
final class WeightLoader {

	private final Checkpoint checkpoint;

	private final NDManager manager;

	private final DataType dataType;

	private long parameterCount;

	WeightLoader(Checkpoint checkpoint, NDManager manager, DataType dataType) {
		this.checkpoint = checkpoint;
		this.manager = manager;
		this.dataType = dataType;
	}

	long parameterCount() {
		return this.parameterCount;
	}

	/**
	 * Loads a tensor as it is stored.
	 * @throws ModelLoadException if it is missing, of an unsupported dtype or of another shape
	 */
	NDArray load(String name, long... expectedShape) {
		TensorInfo tensor = this.checkpoint.findTensor(name);
		if (tensor == null) {
			throw new ModelLoadException(this.checkpoint.directory(),
					"Tensor '" + name + "' is missing from the checkpoint in '" + this.checkpoint.directory() + "'.");
		}
		if (!Arrays.equals(tensor.shape(), expectedShape)) {
			throw new ModelLoadException(this.checkpoint.directory(), "Tensor '" + name + "' has shape "
					+ Arrays.toString(tensor.shape()) + " but config.json implies " + Arrays.toString(expectedShape) + ".");
		}
		if (!tensor.dtype().isSupportedWeightType()) {
			throw new ModelLoadException(this.checkpoint.directory(),
					"Tensor '" + name + "' has dtype " + tensor.dtype() + "; only F32, F16 and BF16 weights are supported.");
		}

		ByteBuffer data = this.checkpoint.fileOf(name).map(tensor);
		DataType sourceType = switch (tensor.dtype()) {
			case F16 -> DataType.FLOAT16;
			case BF16 -> DataType.BFLOAT16;
			default -> DataType.FLOAT32;
		};
		NDArray stored = this.manager.create(data, new Shape(expectedShape), sourceType);
		this.parameterCount += tensor.elementCount();
		if (sourceType == this.dataType) {
			return stored;
		}
		NDArray converted = stored.toType(this.dataType, false);
		stored.close();
		return converted;
	}

	/**
	 * Loads linear-layer weights stored as (out, in) and returns them concatenated along
	 * the output dimension and transposed to a contiguous (in, out) array, the layout that
	 * {@code x.matMul(w)} reads fastest for one row of activations.
	 */
	NDArray loadTransposed(List<String> names, List<long[]> shapes) {
		NDArray batched = loadBatchedTransposed(names, shapes, 1);
		NDArray result = batched.reshape(batched.getShape().get(1), batched.getShape().get(2));
		batched.close();
		return result;
	}

	/**
	 * Loads linear-layer weights stored as (out, in), concatenates them along the output
	 * dimension into (R, in), cuts the R output rows into {@code parts} equal blocks and
	 * returns each block transposed, as one contiguous (parts, in, R / parts) array. A
	 * batched product of one row of activations with that array runs one matrix-vector
	 * product per block, which PyTorch spreads over its threads.
	 */
	NDArray loadBatchedTransposed(List<String> names, List<long[]> shapes, int parts) {
		NDList loaded = new NDList();
		try {
			for (int i = 0; i < names.size(); i++) {
				loaded.add(load(names.get(i), shapes.get(i)));
			}
			NDArray joined = (loaded.size() == 1) ? loaded.get(0) : NDArrays.concat(loaded, 0);
			long rows = joined.getShape().get(0);
			long columns = joined.getShape().get(1);

			// flatten() of the transposed view copies into row-major order; reshape only views the copy.
			try (NDArray blocks = joined.reshape(parts, rows / parts, columns);
					NDArray transposed = blocks.transpose(0, 2, 1);
					NDArray flat = transposed.flatten()) {
				NDArray result = flat.reshape(parts, columns, rows / parts);
				if (loaded.size() > 1) {
					joined.close();
				}
				return result;
			}
		}
		finally {
			loaded.close();
		}
	}

	/**
	 * Loads biases and concatenates them.
	 */
	NDArray loadConcatenated(List<String> names, List<long[]> shapes) {
		NDList parts = new NDList();
		try {
			for (int i = 0; i < names.size(); i++) {
				parts.add(load(names.get(i), shapes.get(i)));
			}
			return NDArrays.concat(parts, 0);
		}
		finally {
			parts.close();
		}
	}

}
