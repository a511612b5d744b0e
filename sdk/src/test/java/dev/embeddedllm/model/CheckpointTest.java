package dev.embeddedllm.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import dev.embeddedllm.ModelLoadException;
import dev.embeddedllm.testkit.SafetensorsFixtures;
import dev.embeddedllm.testkit.SafetensorsFixtures.Tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Checks how checkpoint folders are opened and rejected, on small folders written in a
 * temporary directory. {@link Checkpoint#open} reads only config.json, the optional JSON
 * files and the safetensors headers, so the tokenizer file here is a placeholder.
 */
class CheckpointTest {

	private static final String LLAMA_CONFIG = """
			{
			  "architectures": ["LlamaForCausalLM"],
			  "hidden_size": 8,
			  "intermediate_size": 16,
			  "num_hidden_layers": 1,
			  "num_attention_heads": 2,
			  "num_key_value_heads": 1,
			  "vocab_size": 4,
			  "eos_token_id": 2
			}
			""";

	@TempDir
	Path folder;

	@BeforeEach
	void writeConfigAndTokenizer() throws IOException {
		Files.writeString(this.folder.resolve("config.json"), LLAMA_CONFIG);
		Files.writeString(this.folder.resolve("tokenizer.json"), "{}");
	}

	@Test
	void open_singleFile_readsConfigAndTensors() {
		writeShard("model.safetensors", "model.norm.weight");

		try (Checkpoint checkpoint = Checkpoint.open(this.folder)) {
			assertThat(checkpoint.config().architecture()).isEqualTo("LlamaForCausalLM");
			assertThat(checkpoint.config().headDim()).isEqualTo(4);
			assertThat(checkpoint.findTensor("model.norm.weight").shape()).containsExactly(8);
			assertThat(checkpoint.findTensor("absent")).isNull();
			assertThat(checkpoint.tokenizerConfig().isMissingNode()).isTrue();
		}
	}

	@Test
	void open_generationConfig_mergesEosIds() throws IOException {
		writeShard("model.safetensors", "model.norm.weight");
		Files.writeString(this.folder.resolve("generation_config.json"), "{\"eos_token_id\": [2, 7]}");

		try (Checkpoint checkpoint = Checkpoint.open(this.folder)) {
			assertThat(checkpoint.eosTokenIds()).containsExactlyInAnyOrder(2, 7);
		}
	}

	@Test
	void open_missingFolder_rejected() {
		Path missing = this.folder.resolve("no-such-model");

		assertThatThrownBy(() -> Checkpoint.open(missing)).isInstanceOf(ModelLoadException.class)
			.hasMessage("Model folder '" + missing + "' does not exist or is not a folder.");
	}

	@Test
	void open_missingConfig_rejected() throws IOException {
		Files.delete(this.folder.resolve("config.json"));

		assertThatThrownBy(() -> Checkpoint.open(this.folder)).isInstanceOf(ModelLoadException.class)
			.hasMessage("Model folder '" + this.folder + "' has no config.json.");
	}

	@Test
	void open_invalidConfigJson_rejected() throws IOException {
		Files.writeString(this.folder.resolve("config.json"), "{\"architectures\": [");

		assertThatThrownBy(() -> Checkpoint.open(this.folder)).isInstanceOf(ModelLoadException.class)
			.hasMessageStartingWith("Invalid JSON in '" + this.folder.resolve("config.json") + "'");
	}

	@Test
	void open_missingTokenizer_rejected() throws IOException {
		writeShard("model.safetensors", "model.norm.weight");
		Files.delete(this.folder.resolve("tokenizer.json"));

		assertThatThrownBy(() -> Checkpoint.open(this.folder)).isInstanceOf(ModelLoadException.class)
			.hasMessage("Model folder '" + this.folder + "' has no tokenizer.json.");
	}

	@Test
	void open_unsupportedArchitecture_listsSupportedOnes() throws IOException {
		Files.writeString(this.folder.resolve("config.json"),
				LLAMA_CONFIG.replace("LlamaForCausalLM", "GPT2LMHeadModel"));

		assertThatThrownBy(() -> Checkpoint.open(this.folder)).isInstanceOf(ModelLoadException.class)
			.hasMessageContainingAll("Unsupported architecture 'GPT2LMHeadModel'", "LlamaForCausalLM",
					"MistralForCausalLM", "Qwen2ForCausalLM");
	}

	@Test
	void open_pickleOnly_rejectedWithConversionHint() throws IOException {
		Files.write(this.folder.resolve("pytorch_model.bin"), new byte[] { (byte) 0x80, 0x02, '.' });

		assertThatThrownBy(() -> Checkpoint.open(this.folder)).isInstanceOf(ModelLoadException.class)
			.hasMessageContainingAll("[pytorch_model.bin]", "never loaded", "unpickling can run arbitrary code",
					"Convert the checkpoint to safetensors", "safe_serialization=True");
	}

	/**
	 * Names a FIFO {@code pytorch_model.bin}: opening a FIFO for reading blocks until a
	 * writer appears, and none ever does, so a reader that touched the pickle file would
	 * hang until the timeout fails the test.
	 */
	@Test
	@EnabledOnOs({ OS.LINUX, OS.MAC })
	@Timeout(value = 20, unit = TimeUnit.SECONDS)
	void open_pickleOnly_neverOpensPickle() throws Exception {
		Path pickle = this.folder.resolve("pytorch_model.bin");
		Process mkfifo = new ProcessBuilder("mkfifo", pickle.toString()).inheritIO().start();
		assertThat(mkfifo.waitFor()).as("exit status of mkfifo").isZero();

		assertThatThrownBy(() -> Checkpoint.open(this.folder)).isInstanceOf(ModelLoadException.class)
			.hasMessageContaining("[pytorch_model.bin]");
	}

	@Test
	void open_noWeights_rejected() {
		assertThatThrownBy(() -> Checkpoint.open(this.folder)).isInstanceOf(ModelLoadException.class)
			.hasMessage("Model folder '" + this.folder + "' has no model.safetensors and no model.safetensors.index.json.");
	}

	@Test
	void open_sharded_loadsBothShards() throws IOException {
		writeShard("model-00001-of-00002.safetensors", "model.embed_tokens.weight", "model.layers.0.weight");
		writeShard("model-00002-of-00002.safetensors", "model.norm.weight");
		writeIndex("""
				{"weight_map": {
				  "model.embed_tokens.weight": "model-00001-of-00002.safetensors",
				  "model.layers.0.weight": "model-00001-of-00002.safetensors",
				  "model.norm.weight": "model-00002-of-00002.safetensors"
				}}
				""");

		try (Checkpoint checkpoint = Checkpoint.open(this.folder)) {
			assertThat(checkpoint.fileOf("model.embed_tokens.weight").path())
				.isEqualTo(this.folder.resolve("model-00001-of-00002.safetensors"));
			assertThat(checkpoint.fileOf("model.layers.0.weight").path())
				.isEqualTo(this.folder.resolve("model-00001-of-00002.safetensors"));
			assertThat(checkpoint.fileOf("model.norm.weight").path())
				.isEqualTo(this.folder.resolve("model-00002-of-00002.safetensors"));
			assertThat(checkpoint.findTensor("model.norm.weight").shape()).containsExactly(8);
		}
	}

	@Test
	void open_shardOutsideFolder_rejected() throws IOException {
		Path outside = this.folder.resolveSibling(this.folder.getFileName() + "-outside.safetensors");
		writeIndex("{\"weight_map\": {\"model.norm.weight\": \"../" + outside.getFileName() + "\"}}");

		assertThatThrownBy(() -> Checkpoint.open(this.folder)).isInstanceOf(ModelLoadException.class)
			.hasMessageContainingAll("points outside the model folder", "'" + outside + "'");
	}

	@Test
	void open_shardAbsolutePath_rejected() throws IOException {
		writeIndex("{\"weight_map\": {\"model.norm.weight\": \"/etc/passwd\"}}");

		assertThatThrownBy(() -> Checkpoint.open(this.folder)).isInstanceOf(ModelLoadException.class)
			.hasMessageContainingAll("points outside the model folder", "'/etc/passwd'");
	}

	@Test
	void open_shardMissing_rejected() throws IOException {
		writeIndex("{\"weight_map\": {\"model.norm.weight\": \"model-00001-of-00001.safetensors\"}}");

		assertThatThrownBy(() -> Checkpoint.open(this.folder)).isInstanceOf(ModelLoadException.class)
			.hasMessage("Shard '" + this.folder.resolve("model-00001-of-00001.safetensors")
					+ "' listed in 'model.safetensors.index.json' is missing.");
	}

	@Test
	void open_indexWithoutWeightMap_rejected() throws IOException {
		writeIndex("{\"metadata\": {}}");

		assertThatThrownBy(() -> Checkpoint.open(this.folder)).isInstanceOf(ModelLoadException.class)
			.hasMessageContaining("has no weight_map");
	}

	@Test
	void open_tensorInTwoShards_rejected() throws IOException {
		writeShard("a.safetensors", "model.norm.weight");
		writeShard("b.safetensors", "model.norm.weight");
		writeIndex("{\"weight_map\": {\"x\": \"a.safetensors\", \"y\": \"b.safetensors\"}}");

		assertThatThrownBy(() -> Checkpoint.open(this.folder)).isInstanceOf(ModelLoadException.class)
			.hasMessage("Tensor 'model.norm.weight' appears in both 'a.safetensors' and 'b.safetensors'.");
	}

	@Test
	void open_malformedShard_rejected() throws IOException {
		Files.write(this.folder.resolve("model.safetensors"), new byte[] { 1, 2, 3 });

		assertThatThrownBy(() -> Checkpoint.open(this.folder)).isInstanceOf(SafetensorsException.class)
			.hasMessageContaining("fewer than the 8 bytes of the header length");
	}

	private void writeShard(String fileName, String... tensorNames) {
		List<Tensor> tensors = Arrays.stream(tensorNames)
			.map((name) -> Tensor.f32(name, new long[] { 8 }, new float[8]))
			.toList();
		SafetensorsFixtures.write(this.folder.resolve(fileName), tensors);
	}

	private void writeIndex(String json) throws IOException {
		Files.writeString(this.folder.resolve("model.safetensors.index.json"), json);
	}

}
