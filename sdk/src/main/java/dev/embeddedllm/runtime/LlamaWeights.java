package dev.embeddedllm.runtime;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import org.jspecify.annotations.Nullable;

import dev.embeddedllm.model.Checkpoint;
import dev.embeddedllm.model.ModelConfig;

/**
 * All weights of a Llama-family decoder, in the layouts the forward pass reads.
 *
 * <p>
 * The LM head is stored transposed, (H, V), because one row of hidden states times an (H,
 * V) matrix is the fastest matrix-vector layout measured through DJL. With tied embeddings
 * that same array also serves the token embedding lookup through a transposed view, so the
 * embedding is held once.
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
			if (config.tieWordEmbeddings()) {
				lmHead = loader.loadTransposed(List.of("model.embed_tokens.weight"), List.of(new long[] { vocab, hidden }));
			}
			else {
				embedTokens = loader.load("model.embed_tokens.weight", vocab, hidden);
				lmHead = loader.loadTransposed(List.of("lm_head.weight"), List.of(new long[] { vocab, hidden }));
			}
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
		}
		NDArray oProj = loader.loadTransposed(List.of(prefix + "self_attn.o_proj.weight"),
				List.<long[]>of(new long[] { hidden, queryWidth }));
		NDArray gateUpProj = loader.loadTransposed(List.of(prefix + "mlp.gate_proj.weight", prefix + "mlp.up_proj.weight"),
				List.of(new long[] { intermediate, hidden }, new long[] { intermediate, hidden }));
		NDArray downProj = loader.loadTransposed(List.of(prefix + "mlp.down_proj.weight"),
				List.<long[]>of(new long[] { hidden, intermediate }));

		return new LayerWeights(loader.load(prefix + "input_layernorm.weight", hidden), qkvProj, qkvBias, oProj,
				loader.load(prefix + "post_attention_layernorm.weight", hidden), gateUpProj, downProj);
	}

	@Override
	public void close() {
		this.manager.close();
	}

}
