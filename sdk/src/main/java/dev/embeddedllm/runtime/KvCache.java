package dev.embeddedllm.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of one sequence, for every layer, so that a decode step attends to the
 * prefix without recomputing it.
 *
 * <p>
 * Each layer owns two preallocated arrays with C positions of capacity, KVH key and value
 * heads and head size D: keys as (KVH, D, C) and values as (KVH, C, D). Keys are stored
 * transposed so that the attention scores {@code queries.matMul(keys)} read them without a
 * transposed view, which PyTorch multiplies about three times slower. A forward pass
 * writes its T new positions with {@link #update} in every layer and then calls
 * {@link #advance} once, so all layers see the same length during the pass.
 */
public final class KvCache implements AutoCloseable {

	private final NDManager manager;

	private final NDArray[] keyCache;

	private final NDArray[] valueCache;

	private final int capacity;

	private int length;

	/**
	 * Allocates the cache on the device of {@code parent}.
	 * @param capacity maximum number of positions, prompt and completion together
	 */
	public KvCache(NDManager parent, int numLayers, int numKeyValueHeads, int headDim, int capacity,
			DataType dataType) {
		this.manager = parent.newSubManager();
		this.capacity = capacity;
		this.keyCache = new NDArray[numLayers];
		this.valueCache = new NDArray[numLayers];
		Shape keyShape = new Shape(numKeyValueHeads, headDim, capacity);
		Shape valueShape = new Shape(numKeyValueHeads, capacity, headDim);
		for (int layer = 0; layer < numLayers; layer++) {
			this.keyCache[layer] = this.manager.zeros(keyShape, dataType);
			this.valueCache[layer] = this.manager.zeros(valueShape, dataType);
		}
	}

	/**
	 * Number of positions already stored.
	 */
	public int length() {
		return this.length;
	}

	public int capacity() {
		return this.capacity;
	}

	/**
	 * Writes the keys and values of T new positions of one layer after the stored ones and
	 * returns views of all positions, old and new.
	 * @param keyStates (KVH, D, T)
	 * @param valueStates (KVH, T, D)
	 * @return keys (KVH, D, length + T) and values (KVH, length + T, D)
	 * @throws IllegalStateException if the new positions exceed the capacity
	 */
	public NDArray[] update(int layer, NDArray keyStates, NDArray valueStates) {
		long newTokens = valueStates.getShape().get(1);
		long end = this.length + newTokens;
		if (end > this.capacity) {
			throw new IllegalStateException(
					"KV cache is full: " + end + " positions requested, capacity " + this.capacity + ".");
		}
		this.keyCache[layer].set(new NDIndex().addAllDim(2).addSliceDim(this.length, end), keyStates);
		this.valueCache[layer].set(new NDIndex().addAllDim().addSliceDim(this.length, end), valueStates);

		return new NDArray[] { this.keyCache[layer].get(new NDIndex().addAllDim(2).addSliceDim(0, end)),
				this.valueCache[layer].get(new NDIndex().addAllDim().addSliceDim(0, end)) };
	}

	/**
	 * Marks {@code newTokens} positions, written to every layer, as stored.
	 */
	public void advance(int newTokens) {
		this.length += newTokens;
	}

	@Override
	public void close() {
		this.manager.close();
	}

}
