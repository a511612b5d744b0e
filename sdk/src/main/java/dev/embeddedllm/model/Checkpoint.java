package dev.embeddedllm.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

import dev.embeddedllm.ModelLoadException;

/**
 * A Hugging Face checkpoint folder: {@code config.json}, optional
 * {@code generation_config.json}, {@code model.safetensors} or a sharded
 * {@code model.safetensors.index.json}, {@code tokenizer.json} and optional
 * {@code tokenizer_config.json}.
 *
 * <p>
 * Pickle checkpoints ({@code .bin}, {@code .pt}, {@code .pth}) are never opened, because
 * unpickling can run arbitrary code; a folder that has only those is rejected with the
 * conversion to safetensors as the fix.
 */
public final class Checkpoint implements AutoCloseable {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final Path directory;

	private final ModelConfig config;

	private final Set<Integer> eosTokenIds;

	private final JsonNode tokenizerConfig;

	private final List<SafetensorsFile> files;

	private final Map<String, SafetensorsFile> fileByTensor;

	private Checkpoint(Path directory, ModelConfig config, Set<Integer> eosTokenIds, JsonNode tokenizerConfig,
			List<SafetensorsFile> files, Map<String, SafetensorsFile> fileByTensor) {
		this.directory = directory;
		this.config = config;
		this.eosTokenIds = eosTokenIds;
		this.tokenizerConfig = tokenizerConfig;
		this.files = files;
		this.fileByTensor = fileByTensor;
	}

	/**
	 * Opens a checkpoint folder and validates its configuration and safetensors headers.
	 * @throws ModelLoadException naming the missing or invalid file
	 */
	public static Checkpoint open(Path directory) {
		Path folder = directory.toAbsolutePath().normalize();
		if (!Files.isDirectory(folder)) {
			throw new ModelLoadException(folder, "Model folder '" + folder + "' does not exist or is not a folder.");
		}
		Path configFile = requireFile(folder, "config.json");
		JsonNode configJson = readJson(configFile);
		ModelConfig config = ModelConfig.parse(configFile, configJson);
		requireFile(folder, "tokenizer.json");

		Path generationConfigFile = folder.resolve("generation_config.json");
		JsonNode generationConfig = Files.isRegularFile(generationConfigFile) ? readJson(generationConfigFile)
				: MissingNode.getInstance();
		Set<Integer> eosTokenIds = new LinkedHashSet<>();
		addTokenIds(eosTokenIds, configJson.path("eos_token_id"));
		addTokenIds(eosTokenIds, generationConfig.path("eos_token_id"));

		Path tokenizerConfigFile = folder.resolve("tokenizer_config.json");
		JsonNode tokenizerConfig = Files.isRegularFile(tokenizerConfigFile) ? readJson(tokenizerConfigFile)
				: MissingNode.getInstance();

		List<Path> weightFiles = findWeightFiles(folder);
		List<SafetensorsFile> files = new ArrayList<>();
		Map<String, SafetensorsFile> fileByTensor = new LinkedHashMap<>();
		try {
			for (Path weightFile : weightFiles) {
				SafetensorsFile file = SafetensorsFile.open(weightFile);
				files.add(file);
				for (String name : file.tensors().keySet()) {
					if (fileByTensor.putIfAbsent(name, file) != null) {
						throw new ModelLoadException(weightFile, "Tensor '" + name + "' appears in both '"
								+ fileByTensor.get(name).path().getFileName() + "' and '" + weightFile.getFileName() + "'.");
					}
				}
			}
		}
		catch (RuntimeException ex) {
			files.forEach(SafetensorsFile::close);
			throw ex;
		}
		return new Checkpoint(folder, config, Set.copyOf(eosTokenIds), tokenizerConfig, List.copyOf(files),
				fileByTensor);
	}

	private static List<Path> findWeightFiles(Path folder) {
		Path single = folder.resolve("model.safetensors");
		if (Files.isRegularFile(single)) {
			return List.of(single);
		}
		Path index = folder.resolve("model.safetensors.index.json");
		if (Files.isRegularFile(index)) {
			JsonNode weightMap = readJson(index).path("weight_map");
			if (!weightMap.isObject() || weightMap.isEmpty()) {
				throw new ModelLoadException(index, "Sharded index '" + index + "' has no weight_map.");
			}
			Set<Path> shards = new LinkedHashSet<>();
			for (Map.Entry<String, JsonNode> entry : weightMap.properties()) {
				Path shard = folder.resolve(entry.getValue().asString()).normalize();
				if (!shard.startsWith(folder)) {
					throw new ModelLoadException(index,
							"Sharded index '" + index + "' points outside the model folder: '" + shard + "'.");
				}
				if (!Files.isRegularFile(shard)) {
					throw new ModelLoadException(shard,
							"Shard '" + shard + "' listed in '" + index.getFileName() + "' is missing.");
				}
				shards.add(shard);
			}
			return List.copyOf(shards);
		}
		List<String> pickles = listPickleFiles(folder);
		if (!pickles.isEmpty()) {
			throw new ModelLoadException(folder, "Model folder '" + folder + "' has only pickle weights " + pickles
					+ ", which are never loaded because unpickling can run arbitrary code. Convert the checkpoint to"
					+ " safetensors (for example with transformers: model.save_pretrained(dir, safe_serialization=True)).");
		}
		throw new ModelLoadException(folder.resolve("model.safetensors"), "Model folder '" + folder
				+ "' has no model.safetensors and no model.safetensors.index.json.");
	}

	private static List<String> listPickleFiles(Path folder) {
		try (Stream<Path> entries = Files.list(folder)) {
			return entries.map((entry) -> entry.getFileName().toString())
				.filter((name) -> name.endsWith(".bin") || name.endsWith(".pt") || name.endsWith(".pth")
						|| name.endsWith(".ckpt"))
				.sorted()
				.toList();
		}
		catch (IOException ex) {
			return List.of();
		}
	}

	private static Path requireFile(Path folder, String name) {
		Path file = folder.resolve(name);
		if (!Files.isRegularFile(file)) {
			throw new ModelLoadException(file, "Model folder '" + folder + "' has no " + name + ".");
		}
		return file;
	}

	private static JsonNode readJson(Path file) {
		try {
			return JSON.readTree(file.toFile());
		}
		catch (JacksonException ex) {
			throw new ModelLoadException(file, "Invalid JSON in '" + file + "': " + ex.getOriginalMessage(), ex);
		}
	}

	private static void addTokenIds(Set<Integer> target, JsonNode node) {
		if (node.isArray()) {
			node.forEach((element) -> target.add(element.asInt()));
		}
		else if (node.canConvertToInt()) {
			target.add(node.asInt());
		}
	}

	public Path directory() {
		return this.directory;
	}

	public String name() {
		return this.directory.getFileName().toString();
	}

	public ModelConfig config() {
		return this.config;
	}

	/**
	 * Returns the end-of-sequence ids of {@code config.json} and
	 * {@code generation_config.json} together.
	 */
	public Set<Integer> eosTokenIds() {
		return this.eosTokenIds;
	}

	/**
	 * Returns the parsed {@code tokenizer_config.json}, a missing node when the folder has
	 * none.
	 */
	public JsonNode tokenizerConfig() {
		return this.tokenizerConfig;
	}

	public Path tokenizerFile() {
		return this.directory.resolve("tokenizer.json");
	}

	/**
	 * Returns the header entry of a tensor, or {@code null} when the checkpoint lacks it.
	 */
	public @Nullable TensorInfo findTensor(String name) {
		SafetensorsFile file = this.fileByTensor.get(name);
		return (file != null) ? file.tensors().get(name) : null;
	}

	/**
	 * Returns the file that stores a tensor.
	 * @throws ModelLoadException if no file stores it
	 */
	public SafetensorsFile fileOf(String name) {
		SafetensorsFile file = this.fileByTensor.get(name);
		if (file == null) {
			throw new ModelLoadException(this.directory,
					"Tensor '" + name + "' is missing from the checkpoint in '" + this.directory + "'.");
		}
		return file;
	}

	@Override
	public void close() {
		this.files.forEach(SafetensorsFile::close);
	}

}
