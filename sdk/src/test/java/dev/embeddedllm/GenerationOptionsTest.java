package dev.embeddedllm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Checks the validation of each option, the REST field names in its errors, and the
 * merging of request options with defaults.
 */
class GenerationOptionsTest {

	@ParameterizedTest
	@ValueSource(doubles = { -0.1, -1e9, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY })
	void temperature_invalid_rejected(double temperature) {
		assertRejected(() -> GenerationOptions.builder().temperature(temperature), "temperature",
				String.valueOf(temperature));
	}

	@ParameterizedTest
	@ValueSource(doubles = { 0.0, 0.7, 2.0, 100.0 })
	void temperature_valid_accepted(double temperature) {
		GenerationOptions options = GenerationOptions.builder().temperature(temperature).build();

		assertThat(options.temperature()).isEqualTo(temperature);
	}

	@ParameterizedTest
	@ValueSource(doubles = { 0.0, -0.5, 1.0000001, 2.0, Double.NaN, Double.POSITIVE_INFINITY })
	void topP_invalid_rejected(double topP) {
		assertRejected(() -> GenerationOptions.builder().topP(topP), "top_p", String.valueOf(topP));
	}

	@ParameterizedTest
	@ValueSource(doubles = { 1e-9, 0.5, 1.0 })
	void topP_valid_accepted(double topP) {
		GenerationOptions options = GenerationOptions.builder().topP(topP).build();

		assertThat(options.topP()).isEqualTo(topP);
	}

	@ParameterizedTest
	@ValueSource(ints = { -1, -40, Integer.MIN_VALUE })
	void topK_negative_rejected(int topK) {
		assertRejected(() -> GenerationOptions.builder().topK(topK), "top_k", String.valueOf(topK));
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, 1, 50 })
	void topK_valid_accepted(int topK) {
		GenerationOptions options = GenerationOptions.builder().topK(topK).build();

		assertThat(options.topK()).isEqualTo(topK);
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, -1, Integer.MIN_VALUE })
	void maxTokens_belowOne_rejected(int maxTokens) {
		assertRejected(() -> GenerationOptions.builder().maxTokens(maxTokens), "max_tokens",
				String.valueOf(maxTokens));
	}

	@Test
	void maxTokens_one_accepted() {
		GenerationOptions options = GenerationOptions.builder().maxTokens(1).build();

		assertThat(options.maxTokens()).isEqualTo(1);
	}

	@Test
	void stop_emptyString_rejected() {
		List<String> stop = List.of("###", "");

		assertRejected(() -> GenerationOptions.builder().stop(stop), "stop", "[\"###\", \"\"]");
	}

	@Test
	void stop_nullElement_rejected() {
		List<String> stop = Arrays.asList("###", null);

		assertRejected(() -> GenerationOptions.builder().stop(stop), "stop", "[\"###\", null]");
	}

	@Test
	void stop_laterChangeToList_notSeen() {
		List<String> stop = new ArrayList<>(List.of("###"));
		GenerationOptions options = GenerationOptions.builder().stop(stop).build();

		stop.add("END");

		assertThat(options.stop()).containsExactly("###");
	}

	@Test
	void nullValues_leaveFieldsUnset() {
		GenerationOptions options = GenerationOptions.builder()
			.maxTokens(null)
			.temperature(null)
			.topP(null)
			.topK(null)
			.seed(null)
			.stop(null)
			.build();

		assertThat(options).isEqualTo(GenerationOptions.empty());
	}

	@Test
	void ofDefaults_libraryValues() {
		GenerationOptions defaults = GenerationOptions.ofDefaults();

		assertThat(defaults.maxTokens()).isEqualTo(256);
		assertThat(defaults.temperature()).isEqualTo(0.7);
		assertThat(defaults.topP()).isEqualTo(1.0);
		assertThat(defaults.topK()).isEqualTo(0);
		assertThat(defaults.seed()).isNull();
		assertThat(defaults.stop()).isEmpty();
	}

	@Test
	void withDefaults_unsetFields_takeDefaults() {
		GenerationOptions request = GenerationOptions.builder().temperature(0.0).stop(List.of("###")).build();
		GenerationOptions defaults = GenerationOptions.builder()
			.maxTokens(64)
			.temperature(0.9)
			.topP(0.95)
			.topK(40)
			.seed(7L)
			.stop(List.of("END"))
			.build();

		GenerationOptions merged = request.withDefaults(defaults);

		assertThat(merged.temperature()).as("temperature").isEqualTo(0.0);
		assertThat(merged.stop()).as("stop").containsExactly("###");
		assertThat(merged.maxTokens()).as("max_tokens").isEqualTo(64);
		assertThat(merged.topP()).as("top_p").isEqualTo(0.95);
		assertThat(merged.topK()).as("top_k").isEqualTo(40);
		assertThat(merged.seed()).as("seed").isEqualTo(7L);
	}

	@Test
	void withDefaults_emptyStopList_overridesDefaultStops() {
		GenerationOptions request = GenerationOptions.builder().stop(List.of()).build();
		GenerationOptions defaults = GenerationOptions.builder().stop(List.of("END")).build();

		GenerationOptions merged = request.withDefaults(defaults);

		assertThat(merged.stop()).isEmpty();
	}

	@Test
	void withDefaults_chained_fillsEveryField() {
		GenerationOptions request = GenerationOptions.builder().maxTokens(5).build();
		GenerationOptions clientDefaults = GenerationOptions.builder().temperature(0.2).build();

		GenerationOptions merged = request.withDefaults(clientDefaults.withDefaults(GenerationOptions.ofDefaults()));

		assertThat(merged).isEqualTo(GenerationOptions.builder()
			.maxTokens(5)
			.temperature(0.2)
			.topP(1.0)
			.topK(0)
			.stop(List.of())
			.build());
	}

	@Test
	void withDefaults_emptyDefaults_keepsOptions() {
		GenerationOptions request = GenerationOptions.builder().maxTokens(3).seed(1L).build();

		GenerationOptions merged = request.withDefaults(GenerationOptions.empty());

		assertThat(merged).isEqualTo(request);
	}

	private static void assertRejected(Runnable call, String field, String value) {
		assertThatThrownBy(call::run).isInstanceOf(InvalidRequestException.class)
			.hasMessageContaining(value)
			.satisfies((ex) -> assertThat(((InvalidRequestException) ex).getField()).as("field").isEqualTo(field));
	}

}
