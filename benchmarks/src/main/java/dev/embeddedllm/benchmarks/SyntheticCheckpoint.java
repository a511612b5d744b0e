package dev.embeddedllm.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.embeddedllm.benchmarks.SafetensorsWriter.TensorSpec;

/**
 * Writes a Hugging Face checkpoint folder with the shapes of a real Qwen2 model and random
 * float32 weights, for speed measurements without downloading a model.
 *
 * <p>
 * Linear weights, biases and the embedding are drawn from a normal distribution with mean 0
 * and standard deviation {@code --std}; RMSNorm weights are 1. Each tensor has its own
 * generator, seeded from {@code --seed} and the tensor name, so a tensor's values do not
 * depend on the order of the others. The model computes nothing meaningful, but every
 * matrix has the real size, so it reads the same bytes per token as the real model.
 */
public final class SyntheticCheckpoint {

	private static final Logger logger = LoggerFactory.getLogger(SyntheticCheckpoint.class);

	private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	private static final List<String> BOS_TOKENS = List.of("<s>", "<|begin_of_text|>");

	private static final List<String> EOS_TOKENS = List.of("</s>", "<|endoftext|>", "<|end_of_text|>", "<|im_end|>");

	private static final String USAGE = """
			Usage: SyntheticCheckpoint --tokenizer PATH [--preset NAME] [--output DIR] [--seed N] [--std X] [--force]

			Writes config.json, generation_config.json, model.safetensors (float32, random values) and
			tokenizer.json into DIR.

			  --tokenizer PATH  tokenizer.json to copy, or a checkpoint folder that contains one (required).
			                    The weights are random, so any tokenizer whose ids are all below the preset's
			                    vocab_size works; the Llama 32k tokenizer of the shared test kit
			                    (tiny-llama-32k/tokenizer.json, ids < 32000) fits every preset. The
			                    bos_token_id and eos_token_id of the config files are looked up in its
			                    added tokens (<s>, </s>, <|endoftext|> and similar).
			  --preset NAME     model shapes: qwen2-0.5b (default; about 494 million parameters, 1.98 GB)
			                    or tiny (Qwen2 layout, hidden size 128, 4 layers, vocab 32000; 19 MB)
			  --output DIR      folder to create or fill; default benchmarks/checkpoints/<preset>-synthetic
			                    under the current folder, which git ignores
			  --seed N          seed of the random values (default 42)
			  --std X           standard deviation of the random weights (default 0.02)
			  --force           overwrite a model.safetensors that DIR already contains
			""";

	private SyntheticCheckpoint() {
	}

	/**
	 * Hyperparameters of a preset, with the field names of Hugging Face's Qwen2 config.
	 */
	record ModelShape(String name, int hiddenSize, int intermediateSize, int numHiddenLayers, int numAttentionHeads,
			int numKeyValueHeads, int vocabSize, double ropeTheta, double rmsNormEps, int maxPositionEmbeddings) {

		/** Shapes of Qwen2-0.5B as published in its config.json. */
		static final ModelShape QWEN2_0_5B = new ModelShape("qwen2-0.5b", 896, 4864, 24, 14, 2, 151936, 1_000_000.0,
				1e-6, 32768);

		/** A small Qwen2 layout for checking the tool and the harness in seconds. */
		static final ModelShape TINY = new ModelShape("tiny", 128, 352, 4, 8, 2, 32000, 1_000_000.0, 1e-6, 2048);

		static ModelShape byName(String name) {
			for (ModelShape shape : List.of(QWEN2_0_5B, TINY)) {
				if (shape.name().equals(name.toLowerCase(Locale.ROOT))) {
					return shape;
				}
			}
			throw new IllegalArgumentException("Invalid --preset '" + name + "': use qwen2-0.5b or tiny.");
		}

		int headDim() {
			return this.hiddenSize / this.numAttentionHeads;
		}

		/**
		 * Lists the tensors of a Qwen2ForCausalLM checkpoint with tied embeddings, so without
		 * {@code lm_head.weight}.
		 */
		List<TensorSpec> tensors() {
			long hidden = this.hiddenSize;
			long queryWidth = (long) this.numAttentionHeads * headDim();
			long keyValueWidth = (long) this.numKeyValueHeads * headDim();
			long intermediate = this.intermediateSize;

			List<TensorSpec> tensors = new ArrayList<>();
			tensors.add(new TensorSpec("model.embed_tokens.weight", this.vocabSize, hidden));
			for (int layer = 0; layer < this.numHiddenLayers; layer++) {
				String prefix = "model.layers." + layer + ".";
				tensors.add(new TensorSpec(prefix + "input_layernorm.weight", hidden));
				tensors.add(new TensorSpec(prefix + "self_attn.q_proj.weight", queryWidth, hidden));
				tensors.add(new TensorSpec(prefix + "self_attn.q_proj.bias", queryWidth));
				tensors.add(new TensorSpec(prefix + "self_attn.k_proj.weight", keyValueWidth, hidden));
				tensors.add(new TensorSpec(prefix + "self_attn.k_proj.bias", keyValueWidth));
				tensors.add(new TensorSpec(prefix + "self_attn.v_proj.weight", keyValueWidth, hidden));
				tensors.add(new TensorSpec(prefix + "self_attn.v_proj.bias", keyValueWidth));
				tensors.add(new TensorSpec(prefix + "self_attn.o_proj.weight", hidden, queryWidth));
				tensors.add(new TensorSpec(prefix + "post_attention_layernorm.weight", hidden));
				tensors.add(new TensorSpec(prefix + "mlp.gate_proj.weight", intermediate, hidden));
				tensors.add(new TensorSpec(prefix + "mlp.up_proj.weight", intermediate, hidden));
				tensors.add(new TensorSpec(prefix + "mlp.down_proj.weight", hidden, intermediate));
			}
			tensors.add(new TensorSpec("model.norm.weight", hidden));
			return tensors;
		}

	}

	public static void main(String[] args) throws IOException {
		Map<String, String> options;
		try {
			options = CommandLine.parse(args, List.of("--tokenizer", "--preset", "--output", "--seed", "--std"),
					List.of("--force", "--help"));
		}
		catch (IllegalArgumentException ex) {
			System.err.println(ex.getMessage());
			System.err.print(USAGE);
			System.exit(2);
			return;
		}
		if (options.containsKey("--help")) {
			System.out.print(USAGE);
			return;
		}
		if (!options.containsKey("--tokenizer")) {
			System.err.println("Missing --tokenizer: give a tokenizer.json or a folder that contains one.");
			System.err.print(USAGE);
			System.exit(2);
		}
		try {
			ModelShape shape = ModelShape.byName(options.getOrDefault("--preset", ModelShape.QWEN2_0_5B.name()));
			Path output = Path.of(options.getOrDefault("--output", defaultOutput(shape)));
			long seed = CommandLine.parseLong(options, "--seed", 42);
			double std = CommandLine.parseDouble(options, "--std", 0.02);
			write(shape, resolveTokenizer(Path.of(options.get("--tokenizer"))), output, seed, std,
					options.containsKey("--force"));
		}
		catch (IllegalArgumentException ex) {
			System.err.println(ex.getMessage());
			System.exit(2);
		}
	}

	private static String defaultOutput(ModelShape shape) {
		if (!Files.isDirectory(Path.of("benchmarks"))) {
			throw new IllegalArgumentException("Missing benchmarks/ folder under the current folder "
					+ Path.of("").toAbsolutePath() + ": run from the repository root or pass --output DIR.");
		}
		return "benchmarks/checkpoints/" + shape.name() + "-synthetic";
	}

	private static Path resolveTokenizer(Path path) {
		Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
		if (!Files.isRegularFile(file)) {
			throw new IllegalArgumentException(
					"Tokenizer file '" + file + "' not found: give a tokenizer.json or a folder that contains one.");
		}
		return file;
	}

	/**
	 * Writes the checkpoint folder. The weights go to a temporary file that replaces
	 * {@code model.safetensors} only once complete, so an interrupted run never leaves a
	 * truncated checkpoint that looks valid.
	 */
	static void write(ModelShape shape, Path tokenizerFile, Path output, long seed, double std, boolean force)
			throws IOException {
		Path weightsFile = output.resolve("model.safetensors");
		if (Files.exists(weightsFile) && !force) {
			throw new IllegalArgumentException(
					"'" + weightsFile + "' already exists: pass --force to overwrite it or choose another --output.");
		}
		JsonNode tokenizer = readTokenizer(tokenizerFile);
		int maxTokenId = maxTokenId(tokenizer);
		if (maxTokenId >= shape.vocabSize()) {
			throw new IllegalArgumentException("Tokenizer '" + tokenizerFile + "' has token id " + maxTokenId
					+ ", which does not fit the preset's vocab_size " + shape.vocabSize() + ".");
		}
		Integer bosTokenId = findAddedToken(tokenizer, BOS_TOKENS);
		Integer eosTokenId = findAddedToken(tokenizer, EOS_TOKENS);

		Files.createDirectories(output);
		List<TensorSpec> tensors = shape.tensors();
		long parameters = tensors.stream().mapToLong(TensorSpec::elementCount).sum();
		logger.info("Writing {} ({} parameters, {} MB of float32) to {}", shape.name(), parameters,
				parameters * Float.BYTES / 1_000_000, output.toAbsolutePath());

		long start = System.nanoTime();
		Path partial = output.resolve("model.safetensors.partial");
		try (SafetensorsWriter writer = SafetensorsWriter.create(partial, tensors)) {
			for (TensorSpec tensor : tensors) {
				writer.writeTensor(tensor.name(), valuesOf(tensor.name(), seed, std));
			}
		}
		Files.move(partial, weightsFile, StandardCopyOption.REPLACE_EXISTING);

		JSON.writeValue(output.resolve("config.json").toFile(), config(shape, bosTokenId, eosTokenId));
		JSON.writeValue(output.resolve("generation_config.json").toFile(), generationConfig(bosTokenId, eosTokenId));
		Files.copy(tokenizerFile, output.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
		logger.info("Wrote {} in {} s", output.toAbsolutePath(), (System.nanoTime() - start) / 1_000_000_000);
	}

	/**
	 * Returns the generator of one tensor: 1 for RMSNorm weights, else normal(0, std).
	 */
	private static SafetensorsWriter.ValueSource valuesOf(String name, long seed, double std) {
		if (name.endsWith("layernorm.weight") || name.equals("model.norm.weight")) {
			return (values, count) -> Arrays.fill(values, 0, count, 1.0f);
		}
		// Mix the name into the seed so that every tensor draws a different sequence.
		SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + name.hashCode());
		return (values, count) -> {
			for (int i = 0; i < count; i++) {
				values[i] = (float) (random.nextGaussian() * std);
			}
		};
	}

	private static JsonNode readTokenizer(Path file) {
		try {
			return JSON.readTree(file.toFile());
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("Invalid JSON in tokenizer file '" + file + "': " + ex.getOriginalMessage());
		}
	}

	/**
	 * Returns the largest token id of a tokenizer.json: the vocabulary of a BPE or WordPiece
	 * model maps tokens to ids, a Unigram model lists its pieces in id order, and added
	 * tokens carry their own ids.
	 */
	private static int maxTokenId(JsonNode tokenizer) {
		int maxId = -1;
		JsonNode vocab = tokenizer.path("model").path("vocab");
		if (vocab.isObject()) {
			for (JsonNode id : vocab.values()) {
				maxId = Math.max(maxId, id.asInt());
			}
		}
		else if (vocab.isArray()) {
			maxId = vocab.size() - 1;
		}
		for (JsonNode added : tokenizer.path("added_tokens")) {
			maxId = Math.max(maxId, added.path("id").asInt());
		}
		if (maxId < 0) {
			throw new IllegalArgumentException("The tokenizer file has no model.vocab and no added_tokens.");
		}
		return maxId;
	}

	private static Integer findAddedToken(JsonNode tokenizer, List<String> candidates) {
		for (String candidate : candidates) {
			Iterator<JsonNode> added = tokenizer.path("added_tokens").iterator();
			while (added.hasNext()) {
				JsonNode token = added.next();
				if (candidate.equals(token.path("content").asString(""))) {
					return token.path("id").asInt();
				}
			}
		}
		return null;
	}

	private static ObjectNode config(ModelShape shape, Integer bosTokenId, Integer eosTokenId) {
		ObjectNode config = JSON.createObjectNode();
		config.putArray("architectures").add("Qwen2ForCausalLM");
		config.put("model_type", "qwen2");
		config.put("hidden_act", "silu");
		config.put("hidden_size", shape.hiddenSize());
		config.put("intermediate_size", shape.intermediateSize());
		config.put("num_hidden_layers", shape.numHiddenLayers());
		config.put("num_attention_heads", shape.numAttentionHeads());
		config.put("num_key_value_heads", shape.numKeyValueHeads());
		config.put("vocab_size", shape.vocabSize());
		config.put("max_position_embeddings", shape.maxPositionEmbeddings());
		config.put("rope_theta", shape.ropeTheta());
		config.put("rms_norm_eps", shape.rmsNormEps());
		config.put("tie_word_embeddings", true);
		config.put("use_sliding_window", false);
		config.put("attention_dropout", 0.0);
		config.put("initializer_range", 0.02);
		config.put("torch_dtype", "float32");
		config.put("use_cache", true);
		putTokenIds(config, bosTokenId, eosTokenId);
		return config;
	}

	private static ObjectNode generationConfig(Integer bosTokenId, Integer eosTokenId) {
		ObjectNode config = JSON.createObjectNode();
		putTokenIds(config, bosTokenId, eosTokenId);
		config.put("do_sample", false);
		return config;
	}

	private static void putTokenIds(ObjectNode config, Integer bosTokenId, Integer eosTokenId) {
		if (bosTokenId != null) {
			config.put("bos_token_id", bosTokenId);
		}
		if (eosTokenId != null) {
			config.put("eos_token_id", eosTokenId);
		}
	}

}
