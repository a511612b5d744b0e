package dev.embeddedllm.runtime;

import java.util.Arrays;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;

import dev.embeddedllm.model.Checkpoint;
import dev.embeddedllm.model.ModelConfig;

/**
 * Forward pass of a Llama-family decoder (Llama, Mistral, Qwen2) in DJL array operations.
 *
 * <p>
 * Letters used in shapes: T new tokens of this pass, S positions attended to (cached plus
 * new), H hidden size, I intermediate size, Hq query heads, KVH key and value heads, G = Hq /
 * KVH query heads per key head, D head size, V vocabulary size.
 *
 * <p>
 * Each layer is pre-norm: {@code h += attention(rmsNorm(h))}, then
 * {@code h += mlp(rmsNorm(h))}. Attention uses rotary position embedding, grouped-query
 * attention without copying the key and value heads, and the causal mask. The MLP is SwiGLU,
 * {@code down(silu(gate(x)) * up(x))}.
 *
 * <p>
 * The same method serves prefill (T prompt tokens) and a decode step (T = 1). Every array
 * created during a pass lives in an {@link NDScope} closed at the end of the pass; only the
 * KV cache, written in place, survives it.
 */
public final class LlamaModel implements AutoCloseable {

	/** Prompt tokens per prefill pass; longer prompts run in several passes. */
	static final int PREFILL_CHUNK_TOKENS = 256;

	private final ModelConfig config;

	private final NDManager manager;

	private final DataType dataType;

	private final LlamaWeights weights;

	private final RotaryEmbedding rotaryEmbedding;

	private final int maxPositions;

	private LlamaModel(ModelConfig config, NDManager manager, DataType dataType, LlamaWeights weights,
			RotaryEmbedding rotaryEmbedding, int maxPositions) {
		this.config = config;
		this.manager = manager;
		this.dataType = dataType;
		this.weights = weights;
		this.rotaryEmbedding = rotaryEmbedding;
		this.maxPositions = maxPositions;
	}

	/**
	 * Loads the weights of a checkpoint onto a device.
	 * @param maxPositions longest sequence the model will process, at most
	 * {@code max_position_embeddings}
	 */
	public static LlamaModel load(Checkpoint checkpoint, NDManager parent, Device device, DataType dataType,
			int maxPositions) {
		NDManager manager = parent.newSubManager(device);
		try {
			ModelConfig config = checkpoint.config();
			LlamaWeights weights = LlamaWeights.load(checkpoint, manager, dataType);
			RotaryEmbedding rotaryEmbedding = new RotaryEmbedding(manager, config.headDim(), config.ropeTheta(),
					config.ropeScaling(), maxPositions, dataType);
			return new LlamaModel(config, manager, dataType, weights, rotaryEmbedding, maxPositions);
		}
		catch (RuntimeException ex) {
			manager.close();
			throw ex;
		}
	}

	public ModelConfig config() {
		return this.config;
	}

	public DataType dataType() {
		return this.dataType;
	}

	public Device device() {
		return this.manager.getDevice();
	}

	public long parameterCount() {
		return this.weights.parameterCount;
	}

	public int maxPositions() {
		return this.maxPositions;
	}

	/**
	 * Allocates a KV cache for one sequence on this model's device.
	 */
	public KvCache newKvCache(int capacity) {
		return new KvCache(this.manager, this.config.numHiddenLayers(), this.config.numKeyValueHeads(),
				this.config.headDim(), capacity, this.dataType);
	}

	/**
	 * Runs T tokens through the decoder after the positions already in the cache, stores their
	 * keys and values in the cache, and returns the logits of the last token.
	 * @param tokenIds the T new tokens
	 * @return float32 logits over the vocabulary, (V)
	 */
	public float[] forward(int[] tokenIds, KvCache cache) {
		int position = cache.length();
		if (position + tokenIds.length > cache.capacity()) {
			throw new IllegalStateException("Sequence of " + (position + tokenIds.length)
					+ " tokens exceeds the KV cache capacity " + cache.capacity() + ".");
		}
		// Long prompts run in chunks: the products keep an efficient size while the attention
		// scores and mask stay small; only the last chunk computes logits.
		for (int start = 0; start + PREFILL_CHUNK_TOKENS < tokenIds.length; start += PREFILL_CHUNK_TOKENS) {
			forwardChunk(Arrays.copyOfRange(tokenIds, start, start + PREFILL_CHUNK_TOKENS), cache, false);
		}
		int lastStart = ((tokenIds.length - 1) / PREFILL_CHUNK_TOKENS) * PREFILL_CHUNK_TOKENS;
		return forwardChunk(Arrays.copyOfRange(tokenIds, lastStart, tokenIds.length), cache, true);
	}

	private float[] forwardChunk(int[] tokenIds, KvCache cache, boolean computeLogits) {
		int position = cache.length();
		try (NDScope scope = new NDScope()) {
			scope.suppressNotUsedWarning();
			// (T) -> (T, H)
			NDArray hiddenStates = embed(tokenIds);
			NDArray mask = (tokenIds.length > 1) ? causalMask(tokenIds.length, position) : null;
			for (int layer = 0; layer < this.weights.layers.size(); layer++) {
				hiddenStates = decoderLayer(this.weights.layers.get(layer), layer, hiddenStates, position, mask, cache);
			}
			cache.advance(tokenIds.length);
			if (!computeLogits) {
				return new float[0];
			}

			// Only the last position produces the next token: (1, H) -> (1, V)
			NDArray last = (tokenIds.length == 1) ? hiddenStates
					: hiddenStates.get(new NDIndex().addSliceDim(tokenIds.length - 1, tokenIds.length));
			// (1, H) x (P, H, V/P) -> (P, 1, V/P) -> (1, V), since block p holds ids p*V/P onwards
			NDArray logits = rmsNorm(last, this.weights.norm).matMul(this.weights.lmHead)
				.reshape(1, this.config.vocabSize());
			return logits.toType(DataType.FLOAT32, false).toFloatArray();
		}
	}

	private NDArray embed(int[] tokenIds) {
		if (this.weights.embedTokens != null) {
			return this.weights.embedTokens.get(this.manager.create(toLongs(tokenIds)));
		}
		// Tied weights: row id of the (V, H) embedding is column id % (V/P) of block id / (V/P)
		// of the (P, H, V/P) LM head, read through linear indices into the flattened array.
		long hidden = this.config.hiddenSize();
		long blockWidth = this.weights.lmHead.getShape().get(2);
		long[] indices = new long[(int) (tokenIds.length * hidden)];
		for (int token = 0; token < tokenIds.length; token++) {
			long block = tokenIds[token] / blockWidth;
			long column = tokenIds[token] % blockWidth;
			long base = block * hidden * blockWidth + column;
			for (int h = 0; h < hidden; h++) {
				indices[(int) (token * hidden + h)] = base + h * blockWidth;
			}
		}
		NDArray index = this.manager.create(indices, new Shape(tokenIds.length, hidden));
		return this.weights.lmHead.flatten().take(index);
	}

	private NDArray decoderLayer(LayerWeights weights, int layer, NDArray hiddenStates, int position,
			NDArray mask, KvCache cache) {
		NDArray attentionInput = rmsNorm(hiddenStates, weights.inputLayernorm());
		NDArray attentionOutput = attention(weights, layer, attentionInput, position, mask, cache);
		NDArray residual = hiddenStates.add(attentionOutput);

		NDArray mlpInput = rmsNorm(residual, weights.postAttentionLayernorm());
		return residual.add(mlp(weights, mlpInput));
	}

	private NDArray attention(LayerWeights weights, int layer, NDArray hiddenStates, int position, NDArray mask,
			KvCache cache) {
		long tokens = hiddenStates.getShape().get(0);
		int numHeads = this.config.numAttentionHeads();
		int numKeyValueHeads = this.config.numKeyValueHeads();
		int groupSize = this.config.groupSize();
		int headDim = this.config.headDim();
		long queryWidth = (long) numHeads * headDim;
		long keyValueWidth = (long) numKeyValueHeads * headDim;

		// (T, H) -> (T, Hq*D + 2*KVH*D); the query columns are pre-scaled by 1/sqrt(D)
		NDArray qkv = hiddenStates.matMul(weights.qkvProj());
		if (weights.qkvBias() != null) {
			qkv = qkv.add(weights.qkvBias());
		}
		NDList queryKeyAndValue = qkv.split(new long[] { queryWidth + keyValueWidth }, 1);

		// Queries and keys are rotated together: (T, (Hq + KVH)*D) -> (T, Hq + KVH, D)
		NDArray queryKey = queryKeyAndValue.get(0).reshape(tokens, numHeads + numKeyValueHeads, headDim);
		NDList rotated = this.rotaryEmbedding.apply(queryKey, position).split(new long[] { numHeads }, 1);
		NDArray queryStates = rotated.get(0);
		NDArray valueStates = queryKeyAndValue.get(1).reshape(tokens, numKeyValueHeads, headDim);

		// Keys (T, KVH, D) -> (KVH, D, T) and values (T, KVH, D) -> (KVH, T, D) into the cache,
		// which returns keys (KVH, D, S) and values (KVH, S, D)
		NDArray[] cached = cache.update(layer, rotated.get(1).transpose(1, 2, 0), valueStates.transpose(1, 0, 2));

		// Query head h reads key head h / G: (T, Hq, D) -> (KVH, G*T, D), rows ordered (g, t)
		NDArray groupedQueries = (tokens == 1) ? queryStates.reshape(numKeyValueHeads, groupSize, headDim)
				: queryStates.reshape(tokens, numKeyValueHeads, groupSize, headDim)
					.transpose(1, 2, 0, 3)
					.reshape(numKeyValueHeads, groupSize * tokens, headDim);

		// (KVH, G*T, D) x (KVH, D, S) -> (KVH, G*T, S)
		NDArray scores = groupedQueries.matMul(cached[0]);
		if (mask != null) {
			// (KVH, G*T, S) -> (KVH*G, T, S) + (1, T, S) -> (KVH, G*T, S)
			long positions = scores.getShape().get(2);
			scores = scores.reshape((long) numKeyValueHeads * groupSize, tokens, positions)
				.add(mask)
				.reshape(numKeyValueHeads, groupSize * tokens, positions);
		}
		NDArray probabilities = softmax(scores);

		// (KVH, G*T, S) x (KVH, S, D) -> (KVH, G, T, D) -> (T, KVH, G, D) -> (T, Hq*D)
		NDArray context = probabilities.matMul(cached[1]);
		context = (tokens == 1) ? context.reshape(1, queryWidth)
				: context.reshape(numKeyValueHeads, groupSize, tokens, headDim)
					.transpose(2, 0, 1, 3)
					.reshape(tokens, queryWidth);
		return context.matMul(weights.oProj());
	}

	/**
	 * Computes the softmax over the last axis from element-wise operations, which PyTorch
	 * runs several times faster than its softmax kernel on the small score arrays of a
	 * decode step.
	 */
	private static NDArray softmax(NDArray scores) {
		NDArray exponentials = scores.sub(scores.max(new int[] { -1 }, true)).exp();
		return exponentials.div(exponentials.sum(new int[] { -1 }, true));
	}

	private NDArray mlp(LayerWeights weights, NDArray hiddenStates) {
		long tokens = hiddenStates.getShape().get(0);

		// (1, T, H) x (2, H, I) -> (2, T, I) -> gate and up, (1, T, I) each
		NDList gateUp = hiddenStates.expandDims(0).matMul(weights.gateUpProj()).split(2, 0);
		NDArray gate = gateUp.get(0);

		// (1, T, I) -> (T, I) -> (T, H)
		NDArray activated = Activation.sigmoid(gate).mul(gate).mul(gateUp.get(1)).reshape(tokens, -1);
		return Linear.linear(activated, weights.downProj()).singletonOrThrow();
	}

	/**
	 * Computes {@code weight * x / sqrt(mean(x^2) + eps)} over the last axis, in float32 as
	 * transformers does for half-precision models.
	 */
	private NDArray rmsNorm(NDArray hiddenStates, NDArray weight) {
		NDArray input = (this.dataType == DataType.FLOAT32) ? hiddenStates
				: hiddenStates.toType(DataType.FLOAT32, false);
		NDArray variance = input.square().mean(new int[] { -1 }, true);
		NDArray normalized = input.div(variance.add((float) this.config.rmsNormEps()).sqrt());
		if (this.dataType != DataType.FLOAT32) {
			normalized = normalized.toType(this.dataType, false);
		}
		return normalized.mul(weight);
	}

	/**
	 * Builds the additive causal mask of a pass of T tokens starting at {@code position}:
	 * query t may attend to positions up to {@code position + t}. The mask is (1, T, S) and
	 * broadcasts over the G query heads of a key head.
	 */
	private NDArray causalMask(int tokens, int position) {
		int positions = position + tokens;
		float[] values = new float[tokens * positions];
		for (int token = 0; token < tokens; token++) {
			int rowStart = token * positions;
			Arrays.fill(values, rowStart + position + token + 1, rowStart + positions, Float.NEGATIVE_INFINITY);
		}
		NDArray mask = this.manager.create(values, new Shape(1, tokens, positions));
		return (this.dataType == DataType.FLOAT32) ? mask : mask.toType(this.dataType, false);
	}

	private static long[] toLongs(int[] values) {
		long[] result = new long[values.length];
		for (int i = 0; i < values.length; i++) {
			result[i] = values[i];
		}
		return result;
	}

	@Override
	public void close() {
		this.rotaryEmbedding.close();
		this.weights.close();
		this.manager.close();
	}

}
