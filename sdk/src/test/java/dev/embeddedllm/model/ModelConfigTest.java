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
	void parse_unsupportedRopeScaling_isRejected() {
		assertThatThrownBy(() -> parse("LlamaForCausalLM", ", \"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4}"))
			.isInstanceOf(ModelLoadException.class)
			.hasMessageContaining("'yarn'")
			.hasMessageContaining("linear and llama3");
	}

	@Test
	void ropeScaling_llama3_scalesLowFrequencies() {
		ModelConfig config = parse("LlamaForCausalLM", ", \"rope_scaling\": {\"rope_type\": \"llama3\", \"factor\": 32.0,"
				+ " \"low_freq_factor\": 1.0, \"high_freq_factor\": 4.0, \"original_max_position_embeddings\": 8192}");
		float[] frequencies = new float[32];
		for (int i = 0; i < frequencies.length; i++) {
			frequencies[i] = (float) (1.0 / Math.pow(500000.0, (float) (2 * i) / 64));
		}

		config.ropeScaling().apply(frequencies);

		// Expected values from the formula of transformers' _compute_llama3_parameters, in
		// float64: index 10 (wavelength 379) is kept, 16 (4443) is blended, 20 and 31 (above
		// 8192) are divided by the factor 32.
		assertThat(frequencies[0]).isEqualTo(1.0f);
		assertThat(frequencies[10]).isCloseTo(0.016560440883040428f, org.assertj.core.data.Percentage.withPercentage(1e-4));
		assertThat(frequencies[16]).isCloseTo(0.00042955679656939616f, org.assertj.core.data.Percentage.withPercentage(1e-4));
		assertThat(frequencies[20]).isCloseTo(8.570255886297673e-06f, org.assertj.core.data.Percentage.withPercentage(1e-4));
		assertThat(frequencies[31]).isCloseTo(9.418306490260875e-08f, org.assertj.core.data.Percentage.withPercentage(1e-4));
	}

	@Test
	void ropeScaling_linear_dividesByFactor() {
		ModelConfig config = parse("LlamaForCausalLM", ", \"rope_scaling\": {\"type\": \"linear\", \"factor\": 4}");
		float[] frequencies = { 1.0f, 0.5f };

		config.ropeScaling().apply(frequencies);

		assertThat(frequencies).containsExactly(0.25f, 0.125f);
	}

}
