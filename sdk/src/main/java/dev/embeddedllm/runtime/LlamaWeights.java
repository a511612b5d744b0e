package dev.embeddedllm.runtime;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

import org.jspecify.annotations.Nullable;

import dev.embeddedllm.model.Checkpoint;
import dev.embeddedllm.model.ModelConfig;

/**
 * All weights of a Llama-family decoder, in the layouts the forward pass reads.
 *
 * <p>
 * Linear weights are stored in the layout whose matrix-vector product DJL's PyTorch engine
 * ran fastest on the benchmark machine (see docs/benchmarks.md): (in, out) with
 * {@code x.matMul(w)} for the q/k/v and output projections; PyTorch's own (out, in) with
 * {@code linear} for the down projection; and (2, in, out / 2) blocks with a batched product
 * for the gate/up projection and the LM head, because MKL runs a single one-row product on
 * one thread while a batch of two runs on two.
 *
 * <p>
 * The LM head is (P, H, V / P) with P = 2 for an even vocabulary size, else 1. With tied
 * embeddings the same array also serves the token embedding lookup, so the embedding is
 * held once.
 */
final class LlamaWeights implements AutoCloseable {

	private final NDManager manager;

	final @Nullable NDArray embedTokens;

	final NDArray lmHead;

	final NDArray norm;

	final List<LayerWeights> layers;

	final long parameterCount;

	private LlamaWeights(NDManager manager, @Nullable NDArray embedTokens, NDArray lmHead, NDArray norm,
			List<LayerWeights> layers, long parameterCount) {
		this.manager = manager;
		this.embedTokens = embedTokens;
		this.lmHead = lmHead;
		this.norm = norm;
		this.layers = layers;
		this.parameterCount = parameterCount;
	}

	static LlamaWeights load(Checkpoint checkpoint, NDManager parent, DataType dataType) {
		ModelConfig config = checkpoint.config();
		NDManager manager = parent.newSubManager();
		try {
			WeightLoader loader = new WeightLoader(checkpoint, manager, dataType);
			long hidden = config.hiddenSize();
			long vocab = config.vocabSize();

			NDArray embedTokens = null;
			NDArray lmHead;
			int lmHeadParts = (vocab % 2 == 0) ? 2 : 1;
			String lmHeadName = config.tieWordEmbeddings() ? "model.embed_tokens.weight" : "lm_head.weight";
			if (!config.tieWordEmbeddings()) {
				embedTokens = loader.load("model.embed_tokens.weight", vocab, hidden);
			}
			lmHead = loader.loadBatchedTransposed(List.of(lmHeadName), List.<long[]>of(new long[] { vocab, hidden }),
					lmHeadParts);
			NDArray norm = loader.load("model.norm.weight", hidden);

			List<LayerWeights> layers = new ArrayList<>();
			for (int layer = 0; layer < config.numHiddenLayers(); layer++) {
				layers.add(loadLayer(loader, config, "model.layers." + layer + "."));
			}
			return new LlamaWeights(manager, embedTokens, lmHead, norm, List.copyOf(layers), loader.parameterCount());
		}
		catch (RuntimeException ex) {
			manager.close();
			throw ex;
		}
	}

	private static LayerWeights loadLayer(WeightLoader loader, ModelConfig config, String prefix) {
		long hidden = config.hiddenSize();
		long queryWidth = (long) config.numAttentionHeads() * config.headDim();
		long keyValueWidth = (long) config.numKeyValueHeads() * config.headDim();
		long intermediate = config.intermediateSize();

		List<String> qkvNames = List.of(prefix + "self_attn.q_proj.weight", prefix + "self_attn.k_proj.weight",
				prefix + "self_attn.v_proj.weight");
		NDArray qkvProj = loader.loadTransposed(qkvNames, List.of(new long[] { queryWidth, hidden },
				new long[] { keyValueWidth, hidden }, new long[] { keyValueWidth, hidden }));
		NDArray qkvBias = null;
		if (config.attentionBias()) {
			qkvBias = loader.loadConcatenated(
					List.of(prefix + "self_attn.q_proj.bias", prefix + "self_attn.k_proj.bias",
							prefix + "self_attn.v_proj.bias"),
					List.of(new long[] { queryWidth }, new long[] { keyValueWidth }, new long[] { keyValueWidth }));
			scaleColumns(qkvBias, queryWidth, config);
		}
		scaleColumns(qkvProj, queryWidth, config);
		NDArray oProj = loader.loadTransposed(List.of(prefix + "self_attn.o_proj.weight"),
				List.<long[]>of(new long[] { hidden, queryWidth }));
		NDArray gateUpProj = loader.loadBatchedTransposed(
				List.of(prefix + "mlp.gate_proj.weight", prefix + "mlp.up_proj.weight"),
				List.of(new long[] { intermediate, hidden }, new long[] { intermediate, hidden }), 2);
		NDArray downProj = loader.load(prefix + "mlp.down_proj.weight", hidden, intermediate);

		return new LayerWeights(loader.load(prefix + "input_layernorm.weight", hidden), qkvProj, qkvBias, oProj,
				loader.load(prefix + "post_attention_layernorm.weight", hidden), gateUpProj, downProj);
	}

	/**
	 * Multiplies the query part of the fused q/k/v weight or bias by 1/sqrt(D), in place, so
	 * attention needs no separate scaling step. Rotary embedding is linear, so scaling before
	 * it equals scaling the scores after; for D a power of four the factor is exact.
	 */
	private static void scaleColumns(NDArray array, long queryWidth, ModelConfig config) {
		float scale = (float) (1.0 / Math.sqrt(config.headDim()));
		NDIndex queryColumns = (array.getShape().dimension() == 1) ? new NDIndex().addSliceDim(0, queryWidth)
				: new NDIndex().addAllDim().addSliceDim(0, queryWidth);
		try (NDArray query = array.get(queryColumns); NDArray scaled = query.mul(scale)) {
			array.set(queryColumns, scaled);
		}
	}

	@Override
	public void close() {
		this.manager.close();
	}

}
