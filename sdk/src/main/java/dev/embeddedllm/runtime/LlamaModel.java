package dev.embeddedllm.runtime;

import java.util.Arrays;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

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

	private final ModelConfig config;

	private final NDManager manager;

	private final DataType dataType;

	private final LlamaWeights weights;

	private final RotaryEmbedding rotaryEmbedding;

	private final int maxPositions;

	private final float attentionScale;

	private LlamaModel(ModelConfig config, NDManager manager, DataType dataType, LlamaWeights weights,
			RotaryEmbedding rotaryEmbedding, int maxPositions) {
		this.config = config;
		this.manager = manager;
		this.dataType = dataType;
		this.weights = weights;
		this.rotaryEmbedding = rotaryEmbedding;
		this.maxPositions = maxPositions;
		this.attentionScale = (float) (1.0 / Math.sqrt(config.headDim()));
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
					maxPositions, dataType);
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
		try (NDScope scope = new NDScope()) {
			scope.suppressNotUsedWarning();
			NDArray ids = this.manager.create(toLongs(tokenIds));

			// (T) -> (T, H)
			NDArray hiddenStates = embed(ids);
			NDArray mask = (tokenIds.length > 1) ? causalMask(tokenIds.length, position) : null;
			for (int layer = 0; layer < this.weights.layers.size(); layer++) {
				hiddenStates = decoderLayer(this.weights.layers.get(layer), layer, hiddenStates, position, mask, cache);
			}
			cache.advance(tokenIds.length);

			// Only the last position produces the next token: (1, H) -> (1, V)
			NDArray last = hiddenStates.get(new NDIndex("{}:", tokenIds.length - 1));
			NDArray logits = rmsNorm(last, this.weights.norm).matMul(this.weights.lmHead);
			return logits.toType(DataType.FLOAT32, false).toFloatArray();
		}
	}

	private NDArray embed(NDArray ids) {
		if (this.weights.embedTokens != null) {
			return this.weights.embedTokens.get(ids);
		}
		// Tied weights: the (H, V) LM head viewed as the (V, H) embedding.
		return this.weights.lmHead.transpose().get(ids);
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

		// (T, H) -> (T, Hq*D + 2*KVH*D)
		NDArray qkv = hiddenStates.matMul(weights.qkvProj());
		if (weights.qkvBias() != null) {
			qkv = qkv.add(weights.qkvBias());
		}

		// Queries and keys are rotated together: (T, (Hq + KVH)*D) -> (T, Hq + KVH, D)
		NDArray queryKey = qkv.get(new NDIndex(":, :{}", queryWidth + keyValueWidth))
			.reshape(tokens, numHeads + numKeyValueHeads, headDim);
		queryKey = this.rotaryEmbedding.apply(queryKey, position);
		NDArray queryStates = queryKey.get(new NDIndex(":, :{}", numHeads));
		// (T, KVH, D) -> (KVH, T, D)
		NDArray keyStates = queryKey.get(new NDIndex(":, {}:", numHeads)).transpose(1, 0, 2);
		NDArray valueStates = qkv.get(new NDIndex(":, {}:", queryWidth + keyValueWidth))
			.reshape(tokens, numKeyValueHeads, headDim)
			.transpose(1, 0, 2);

		// (KVH, S, D) each
		NDArray[] cached = cache.update(layer, keyStates, valueStates);

		// Query head h reads key head h / G: (T, Hq, D) -> (KVH, G*T, D), rows ordered (g, t)
		NDArray groupedQueries = queryStates.reshape(tokens, numKeyValueHeads, groupSize, headDim)
			.transpose(1, 2, 0, 3)
			.reshape(numKeyValueHeads, groupSize * tokens, headDim)
			.mul(this.attentionScale);

		// (KVH, G*T, D) x (KVH, D, S) -> (KVH, G*T, S)
		NDArray scores = groupedQueries.matMul(cached[0].transpose(0, 2, 1));
		if (mask != null) {
			scores = scores.add(mask);
		}
		NDArray probabilities = scores.softmax(-1);

		// (KVH, G*T, S) x (KVH, S, D) -> (KVH, G, T, D) -> (T, KVH, G, D) -> (T, Hq*D)
		NDArray context = probabilities.matMul(cached[1])
			.reshape(numKeyValueHeads, groupSize, tokens, headDim)
			.transpose(2, 0, 1, 3)
			.reshape(tokens, queryWidth);
		return context.matMul(weights.oProj());
	}

	private NDArray mlp(LayerWeights weights, NDArray hiddenStates) {
		long intermediate = this.config.intermediateSize();

		// (T, H) -> (T, 2*I)
		NDArray gateUp = hiddenStates.matMul(weights.gateUpProj());
		NDArray gate = gateUp.get(new NDIndex(":, :{}", intermediate));
		NDArray up = gateUp.get(new NDIndex(":, {}:", intermediate));

		// (T, I) -> (T, H)
		return Activation.sigmoid(gate).mul(gate).mul(up).matMul(weights.downProj());
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
	 * query t may attend to positions up to {@code position + t}. The mask has one row per
	 * (g, t) pair, (G*T, S), to match the grouped query layout.
	 */
	private NDArray causalMask(int tokens, int position) {
		int groupSize = this.config.groupSize();
		int positions = position + tokens;
		float[] values = new float[groupSize * tokens * positions];
		for (int group = 0; group < groupSize; group++) {
			for (int token = 0; token < tokens; token++) {
				int rowStart = (group * tokens + token) * positions;
				Arrays.fill(values, rowStart + position + token + 1, rowStart + positions, Float.NEGATIVE_INFINITY);
			}
		}
		NDArray mask = this.manager.create(values, new Shape((long) groupSize * tokens, positions));
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
