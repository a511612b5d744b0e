package dev.embeddedllm.model;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.json.JsonMapper;

import dev.embeddedllm.ModelLoadException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelConfigTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Path FILE = Path.of("config.json");

	private static ModelConfig parse(String architecture, String extra) {
		String json = "{\"architectures\": [\"" + architecture + "\"], \"hidden_size\": 64, \"intermediate_size\": 128,"
				+ " \"num_hidden_layers\": 2, \"num_attention_heads\": 4, \"num_key_value_heads\": 2,"
				+ " \"vocab_size\": 100, \"max_position_embeddings\": 8192" + extra + "}";
		return ModelConfig.parse(FILE, JSON.readTree(json));
	}

	@Test
	void parse_mistralSlidingWindow_isKept() {
		assertThat(parse("MistralForCausalLM", ", \"sliding_window\": 4096").slidingWindow()).isEqualTo(4096);
	}

	@Test
	void parse_mistralNullSlidingWindow_isFullAttention() {
		assertThat(parse("MistralForCausalLM", ", \"sliding_window\": null").slidingWindow()).isZero();
	}

	@Test
	void parse_qwen2SlidingWindowUnused_isFullAttention() {
		ModelConfig config = parse("Qwen2ForCausalLM", ", \"sliding_window\": 512, \"use_sliding_window\": false");

		assertThat(config.slidingWindow()).isZero();
		assertThat(config.attentionBias()).isTrue();
	}

	@Test
	void parse_headDimDefaultsToHiddenOverHeads() {
		assertThat(parse("LlamaForCausalLM", "").headDim()).isEqualTo(16);
	}

	@Test
	void parse_ropeScaling_isRejected() {
		assertThatThrownBy(() -> parse("LlamaForCausalLM", ", \"rope_scaling\": {\"rope_type\": \"llama3\"}"))
			.isInstanceOf(ModelLoadException.class)
			.hasMessageContaining("rope_scaling");
	}

}
