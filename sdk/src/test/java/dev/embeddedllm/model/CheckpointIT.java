package dev.embeddedllm.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.embeddedllm.GenerationOptions;
import dev.embeddedllm.GenerationRequest;
import dev.embeddedllm.GenerationResult;
import dev.embeddedllm.ModelLoadException;
import dev.embeddedllm.runtime.LocalLlmClient;
import dev.embeddedllm.testkit.SafetensorsFixtures;
import dev.embeddedllm.testkit.SafetensorsFixtures.Tensor;
import dev.embeddedllm.testkit.TestKit;
import dev.embeddedllm.testkit.TestKit.Golden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Loads rewritten copies of the tiny-llama-32k checkpoint: split into two shards, and with
 * one tensor stored under the wrong shape. The copies live in a temporary folder, and only
 * the small JSON files and the rewritten weights are written there.
 */
class CheckpointIT {

	private static final String SHARD_1 = "model-00001-of-00002.safetensors";

	private static final String SHARD_2 = "model-00002-of-00002.safetensors";

	@TempDir
	Path folder;

	@Test
	void open_sharded_mapsTensorsToShards() throws IOException {
		Path source = TestKit.model(TestKit.TINY_LLAMA);
		List<Tensor> tensors = SafetensorsFixtures.read(source.resolve("model.safetensors"));
		writeShardedCopy(source, tensors);

		try (Checkpoint checkpoint = Checkpoint.open(this.folder)) {
			for (int i = 0; i < tensors.size(); i++) {
				String expectedShard = (i < tensors.size() / 2) ? SHARD_1 : SHARD_2;
				assertThat(checkpoint.fileOf(tensors.get(i).name()).path().getFileName())
					.as("shard of %s", tensors.get(i).name())
					.hasToString(expectedShard);
			}
		}
	}

	@Test
	void build_shardedCheckpoint_generatesGoldenText() throws IOException {
		Path source = TestKit.model(TestKit.TINY_LLAMA);
		writeShardedCopy(source, SafetensorsFixtures.read(source.resolve("model.safetensors")));
		Golden golden = TestKit.goldens(TestKit.TINY_LLAMA).get(1);
		GenerationRequest request = GenerationRequest.ofPrompt(golden.prompt(),
				GenerationOptions.builder().temperature(0.0).maxTokens(golden.greedyIds().length).build());

		GenerationResult result;
		try (LocalLlmClient client = LocalLlmClient.builder(this.folder).device("cpu").build()) {
			result = client.generate(request);
		}

		assertThat(result.completionTokenIds()).containsExactly(boxed(golden.greedyIds()));
		assertThat(result.text()).isEqualTo(golden.completionText());
	}

	@Test
	void build_tensorShapeDisagreesWithConfig_rejected() throws IOException {
		Path source = TestKit.model(TestKit.TINY_LLAMA);
		String name = "model.layers.0.mlp.up_proj.weight";
		List<Tensor> tensors = new ArrayList<>();
		for (Tensor tensor : SafetensorsFixtures.read(source.resolve("model.safetensors"))) {
			// Same bytes under the transposed shape, so the file itself stays valid.
			tensors.add(tensor.name().equals(name) ? tensor.withShape(128, 352) : tensor);
		}
		copyJsonFiles(source);
		SafetensorsFixtures.write(this.folder.resolve("model.safetensors"), tensors);

		// config.json sets intermediate_size 352 and hidden_size 128.
		assertThatThrownBy(() -> LocalLlmClient.builder(this.folder).device("cpu").build())
			.isInstanceOf(ModelLoadException.class)
			.hasMessage("Tensor '" + name + "' has shape [128, 352] but config.json implies [352, 128].");
	}

	@Test
	void build_tensorMissing_rejected() throws IOException {
		Path source = TestKit.model(TestKit.TINY_LLAMA);
		List<Tensor> tensors = SafetensorsFixtures.read(source.resolve("model.safetensors"))
			.stream()
			.filter((tensor) -> !tensor.name().equals("model.norm.weight"))
			.toList();
		copyJsonFiles(source);
		SafetensorsFixtures.write(this.folder.resolve("model.safetensors"), tensors);

		assertThatThrownBy(() -> LocalLlmClient.builder(this.folder).device("cpu").build())
			.isInstanceOf(ModelLoadException.class)
			.hasMessageContaining("Tensor 'model.norm.weight' is missing from the checkpoint");
	}

	/**
	 * Writes the first half of the tensors to one shard and the rest to another, with the
	 * index that maps each tensor to its shard.
	 */
	private void writeShardedCopy(Path source, List<Tensor> tensors) throws IOException {
		copyJsonFiles(source);
		int half = tensors.size() / 2;
		SafetensorsFixtures.write(this.folder.resolve(SHARD_1), tensors.subList(0, half));
		SafetensorsFixtures.write(this.folder.resolve(SHARD_2), tensors.subList(half, tensors.size()));

		List<String> entries = new ArrayList<>();
		for (int i = 0; i < tensors.size(); i++) {
			entries.add("\"" + tensors.get(i).name() + "\": \"" + ((i < half) ? SHARD_1 : SHARD_2) + "\"");
		}
		String index = entries.stream().collect(Collectors.joining(",\n", "{\"weight_map\": {\n", "\n}}\n"));
		Files.writeString(this.folder.resolve("model.safetensors.index.json"), index);
	}

	private void copyJsonFiles(Path source) throws IOException {
		for (String name : List.of("config.json", "generation_config.json", "tokenizer.json",
				"tokenizer_config.json")) {
			Files.copy(source.resolve(name), this.folder.resolve(name));
		}
	}

	private static Integer[] boxed(int[] values) {
		Integer[] result = new Integer[values.length];
		for (int i = 0; i < values.length; i++) {
			result[i] = values[i];
		}
		return result;
	}

}
