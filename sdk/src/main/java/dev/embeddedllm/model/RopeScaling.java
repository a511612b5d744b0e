package dev.embeddedllm.model;

import java.nio.file.Path;

import tools.jackson.databind.JsonNode;

import dev.embeddedllm.ModelLoadException;

/**
 * The {@code rope_scaling} entry of {@code config.json}, for the types the runtime
 * implements: {@code linear} (positions divided by {@code factor}) and {@code llama3} (the
 * frequency-dependent scaling of Llama 3.1 and 3.2).
 *
 * @param type {@code linear} or {@code llama3}
 * @param factor how many times longer the context is than the original
 * @param lowFreqFactor llama3 only: wavelengths above original / lowFreqFactor are scaled
 * fully
 * @param highFreqFactor llama3 only: wavelengths below original / highFreqFactor are kept
 * @param originalMaxPositionEmbeddings llama3 only: the context length of pretraining
 */
// NOTE: llama3 scaling is checked against transformers' formula only, not yet against the
// logits of a real Llama 3.1 or 3.2 checkpoint.
public record RopeScaling(String type, double factor, double lowFreqFactor, double highFreqFactor,
		int originalMaxPositionEmbeddings) {

	/**
	 * Reads {@code rope_scaling}; {@code rope_type} and the older {@code type} key are both
	 * accepted.
	 * @throws ModelLoadException if the type is not implemented or a value is missing
	 */
	static RopeScaling parse(Path file, JsonNode node) {
		String type = node.path("rope_type").asString(node.path("type").asString(""));
		double factor = node.path("factor").asDouble(0);
		if (!type.equals("linear") && !type.equals("llama3")) {
			throw new ModelLoadException(file, "Unsupported rope_scaling type '" + type + "' in '" + file
					+ "'; the implemented types are linear and llama3.");
		}
		if (!(factor >= 1)) {
			throw new ModelLoadException(file,
					"Invalid rope_scaling factor " + node.path("factor") + " in '" + file + "': it must be at least 1.");
		}
		if (type.equals("linear")) {
			return new RopeScaling(type, factor, 0, 0, 0);
		}
		double low = node.path("low_freq_factor").asDouble(0);
		double high = node.path("high_freq_factor").asDouble(0);
		int original = node.path("original_max_position_embeddings").asInt(0);
		if (!(low > 0) || !(high > low) || original < 1) {
			throw new ModelLoadException(file, "Invalid llama3 rope_scaling " + node + " in '" + file
					+ "': it needs 0 < low_freq_factor < high_freq_factor and original_max_position_embeddings.");
		}
		return new RopeScaling(type, factor, low, high, original);
	}

	/**
	 * Scales the inverse frequencies of rotary embedding in place, as transformers'
	 * {@code ROPE_INIT_FUNCTIONS} do for the same type.
	 */
	public void apply(float[] inverseFrequencies) {
		if (this.type.equals("linear")) {
			for (int i = 0; i < inverseFrequencies.length; i++) {
				inverseFrequencies[i] = (float) (inverseFrequencies[i] / this.factor);
			}
			return;
		}
		double lowFreqWavelength = this.originalMaxPositionEmbeddings / this.lowFreqFactor;
		double highFreqWavelength = this.originalMaxPositionEmbeddings / this.highFreqFactor;
		for (int i = 0; i < inverseFrequencies.length; i++) {
			double frequency = inverseFrequencies[i];
			double wavelength = 2 * Math.PI / frequency;
			if (wavelength > lowFreqWavelength) {
				frequency = frequency / this.factor;
			}
			else if (wavelength >= highFreqWavelength) {
				// Between the two wavelengths, blend the scaled and unscaled frequency.
				double smooth = (this.originalMaxPositionEmbeddings / wavelength - this.lowFreqFactor)
						/ (this.highFreqFactor - this.lowFreqFactor);
				frequency = (1 - smooth) * frequency / this.factor + smooth * frequency;
			}
			inverseFrequencies[i] = (float) frequency;
		}
	}

}
