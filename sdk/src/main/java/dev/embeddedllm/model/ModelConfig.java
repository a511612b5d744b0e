package dev.embeddedllm.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import tools.jackson.databind.JsonNode;

import dev.embeddedllm.ModelLoadException;

/**
 * Decoder hyperparameters read from a Hugging Face {@code config.json}, with the names
 * transformers uses.
 *
 * @param architecture the first entry of {@code architectures}
 * @param hiddenSize width of the residual stream
 * @param intermediateSize width of the MLP
 * @param numHiddenLayers number of decoder layers
 * @param numAttentionHeads number of query heads
 * @param numKeyValueHeads number of key and value heads; fewer than query heads means
 * grouped-query attention
 * @param headDim width of one attention head
 * @param rmsNormEps epsilon added to the mean square in RMSNorm
 * @param ropeTheta base of the rotary position embedding frequencies
 * @param maxPositionEmbeddings longest sequence the model was trained for
 * @param vocabSize number of rows of the embedding and of the LM head
 * @param tieWordEmbeddings whether the LM head reuses the token embedding
 * @param attentionBias whether the q, k and v projections have biases (Qwen2 always does)
 * @param slidingWindow the attention window of Mistral's sliding-window attention, 0 for
 * full attention
 * @param ropeScaling the scaling of rotary embedding frequencies, or {@code null} for none
 */
public record ModelConfig(String architecture, int hiddenSize, int intermediateSize, int numHiddenLayers,
		int numAttentionHeads, int numKeyValueHeads, int headDim, double rmsNormEps, double ropeTheta,
		int maxPositionEmbeddings, int vocabSize, boolean tieWordEmbeddings, boolean attentionBias,
		int slidingWindow, @Nullable RopeScaling ropeScaling) {

	/** Architectures the runtime implements. */
	public static final List<String> SUPPORTED_ARCHITECTURES = List.of("LlamaForCausalLM", "MistralForCausalLM",
			"Qwen2ForCausalLM");

	private static final Set<String> SUPPORTED_ACTIVATIONS = Set.of("silu", "swish");

	/**
	 * Reads the hyperparameters and rejects what the runtime does not implement.
	 * @param file the {@code config.json} the values came from, named in errors
	 * @throws ModelLoadException if the architecture, activation or RoPE scaling is not
	 * supported or a value is missing or inconsistent
	 */
	public static ModelConfig parse(Path file, JsonNode root) {
		JsonNode architectures = root.path("architectures");
		String architecture = (architectures.isArray() && !architectures.isEmpty()) ? architectures.get(0).asString()
				: "(none)";
		if (!SUPPORTED_ARCHITECTURES.contains(architecture)) {
			throw new ModelLoadException(file, "Unsupported architecture '" + architecture + "' in '" + file
					+ "'. Supported architectures: " + String.join(", ", SUPPORTED_ARCHITECTURES) + ".");
		}

		String activation = root.path("hidden_act").asString("silu");
		if (!SUPPORTED_ACTIVATIONS.contains(activation)) {
			throw new ModelLoadException(file,
					"Unsupported hidden_act '" + activation + "' in '" + file + "'; only silu is implemented.");
		}
		JsonNode ropeScalingNode = root.path("rope_scaling");
		RopeScaling ropeScaling = (ropeScalingNode.isMissingNode() || ropeScalingNode.isNull()) ? null
				: RopeScaling.parse(file, ropeScalingNode);
		if (root.path("use_sliding_window").asBoolean(false)) {
			throw new ModelLoadException(file, "Unsupported use_sliding_window true in '" + file
					+ "'; only full attention is implemented.");
		}

		int hiddenSize = requirePositive(file, root, "hidden_size");
		int numAttentionHeads = requirePositive(file, root, "num_attention_heads");
		int numKeyValueHeads = root.path("num_key_value_heads").asInt(numAttentionHeads);
		int headDim = root.path("head_dim").isNull() ? hiddenSize / numAttentionHeads
				: root.path("head_dim").asInt(hiddenSize / numAttentionHeads);
		if (numKeyValueHeads < 1 || numAttentionHeads % numKeyValueHeads != 0) {
			throw new ModelLoadException(file, "Invalid num_key_value_heads " + numKeyValueHeads + " in '" + file
					+ "': it must divide num_attention_heads " + numAttentionHeads + ".");
		}
		if (headDim < 2 || headDim % 2 != 0) {
			throw new ModelLoadException(file,
					"Invalid head_dim " + headDim + " in '" + file + "': rotary embedding needs an even head size.");
		}

		boolean qwen2 = architecture.equals("Qwen2ForCausalLM");
		// Qwen2 configs carry sliding_window too, but only use it when use_sliding_window is true.
		int slidingWindow = architecture.equals("MistralForCausalLM") ? root.path("sliding_window").asInt(0) : 0;
		return new ModelConfig(architecture, hiddenSize, requirePositive(file, root, "intermediate_size"),
				requirePositive(file, root, "num_hidden_layers"), numAttentionHeads, numKeyValueHeads, headDim,
				root.path("rms_norm_eps").asDouble(1e-6), root.path("rope_theta").asDouble(10000.0),
				root.path("max_position_embeddings").asInt(2048), requirePositive(file, root, "vocab_size"),
				root.path("tie_word_embeddings").asBoolean(false),
				qwen2 || root.path("attention_bias").asBoolean(false), Math.max(0, slidingWindow), ropeScaling);
	}

	private static int requirePositive(Path file, JsonNode root, String field) {
		JsonNode node = root.path(field);
		if (!node.canConvertToInt() || node.asInt() < 1) {
			throw new ModelLoadException(file,
					"Missing or invalid '" + field + "' in '" + file + "': a positive integer is required.");
		}
		return node.asInt();
	}

	/**
	 * Number of query heads that share one key and value head.
	 */
	public int groupSize() {
		return this.numAttentionHeads / this.numKeyValueHeads;
	}

}
