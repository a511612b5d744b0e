package dev.embeddedllm;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Sampling settings of one request. A field left unset ({@code null}) takes the client's
 * default, so requests carry only what they change.
 *
 * <p>
 * Every builder method validates its argument and names it in the error, using the field
 * names of the REST API ({@code temperature}, {@code top_p}, {@code top_k},
 * {@code max_tokens}, {@code stop}).
 */
public final class GenerationOptions {

	/** Default number of tokens to generate. */
	public static final int DEFAULT_MAX_TOKENS = 256;

	/** Default temperature. */
	public static final double DEFAULT_TEMPERATURE = 0.7;

	/** Default nucleus mass; 1.0 keeps the whole distribution. */
	public static final double DEFAULT_TOP_P = 1.0;

	/** Default top-k; 0 keeps every token. */
	public static final int DEFAULT_TOP_K = 0;

	private static final GenerationOptions EMPTY = new Builder().build();

	private final @Nullable Integer maxTokens;

	private final @Nullable Double temperature;

	private final @Nullable Double topP;

	private final @Nullable Integer topK;

	private final @Nullable Long seed;

	private final @Nullable List<String> stop;

	private GenerationOptions(Builder builder) {
		this.maxTokens = builder.maxTokens;
		this.temperature = builder.temperature;
		this.topP = builder.topP;
		this.topK = builder.topK;
		this.seed = builder.seed;
		this.stop = (builder.stop != null) ? List.copyOf(builder.stop) : null;
	}

	/**
	 * Returns options with every field unset.
	 */
	public static GenerationOptions empty() {
		return EMPTY;
	}

	/**
	 * Returns options with the library defaults set: 256 tokens, temperature 0.7, no top-k or
	 * top-p filtering, no seed and no stop strings.
	 */
	public static GenerationOptions ofDefaults() {
		return builder().maxTokens(DEFAULT_MAX_TOKENS)
			.temperature(DEFAULT_TEMPERATURE)
			.topP(DEFAULT_TOP_P)
			.topK(DEFAULT_TOP_K)
			.stop(List.of())
			.build();
	}

	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Returns a copy where each unset field takes the value of {@code defaults}.
	 */
	public GenerationOptions withDefaults(GenerationOptions defaults) {
		Builder merged = new Builder();
		merged.maxTokens = (this.maxTokens != null) ? this.maxTokens : defaults.maxTokens;
		merged.temperature = (this.temperature != null) ? this.temperature : defaults.temperature;
		merged.topP = (this.topP != null) ? this.topP : defaults.topP;
		merged.topK = (this.topK != null) ? this.topK : defaults.topK;
		merged.seed = (this.seed != null) ? this.seed : defaults.seed;
		merged.stop = (this.stop != null) ? this.stop : defaults.stop;
		return merged.build();
	}

	public @Nullable Integer maxTokens() {
		return this.maxTokens;
	}

	public @Nullable Double temperature() {
		return this.temperature;
	}

	public @Nullable Double topP() {
		return this.topP;
	}

	public @Nullable Integer topK() {
		return this.topK;
	}

	public @Nullable Long seed() {
		return this.seed;
	}

	public @Nullable List<String> stop() {
		return this.stop;
	}

	@Override
	public boolean equals(Object other) {
		if (this == other) {
			return true;
		}
		if (!(other instanceof GenerationOptions that)) {
			return false;
		}
		return Objects.equals(this.maxTokens, that.maxTokens) && Objects.equals(this.temperature, that.temperature)
				&& Objects.equals(this.topP, that.topP) && Objects.equals(this.topK, that.topK)
				&& Objects.equals(this.seed, that.seed) && Objects.equals(this.stop, that.stop);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.maxTokens, this.temperature, this.topP, this.topK, this.seed, this.stop);
	}

	@Override
	public String toString() {
		return "GenerationOptions{maxTokens=" + this.maxTokens + ", temperature=" + this.temperature + ", topP="
				+ this.topP + ", topK=" + this.topK + ", seed=" + this.seed + ", stop=" + this.stop + "}";
	}

	/**
	 * Builder of {@link GenerationOptions}.
	 */
	public static final class Builder {

		private @Nullable Integer maxTokens;

		private @Nullable Double temperature;

		private @Nullable Double topP;

		private @Nullable Integer topK;

		private @Nullable Long seed;

		private @Nullable List<String> stop;

		private Builder() {
		}

		/**
		 * Sets the maximum number of tokens to generate. Generation also ends at the end of
		 * the context window, whichever comes first.
		 * @throws InvalidRequestException if {@code maxTokens} is less than 1
		 */
		public Builder maxTokens(@Nullable Integer maxTokens) {
			if (maxTokens != null && maxTokens < 1) {
				throw new InvalidRequestException("max_tokens",
						"Invalid max_tokens " + maxTokens + ": it must be at least 1.");
			}
			this.maxTokens = maxTokens;
			return this;
		}

		/**
		 * Sets the softmax temperature. Zero selects greedy decoding: the token with the
		 * largest logit, the lowest id on a tie.
		 * @throws InvalidRequestException if {@code temperature} is negative, NaN or infinite
		 */
		public Builder temperature(@Nullable Double temperature) {
			if (temperature != null && (!Double.isFinite(temperature) || temperature < 0)) {
				throw new InvalidRequestException("temperature",
						"Invalid temperature " + temperature + ": it must be a finite number of at least 0.");
			}
			this.temperature = temperature;
			return this;
		}

		/**
		 * Sets the nucleus mass: sampling keeps the smallest set of most likely tokens whose
		 * probabilities add up to at least {@code topP}. 1.0 turns the filter off.
		 * @throws InvalidRequestException if {@code topP} is not in (0, 1]
		 */
		public Builder topP(@Nullable Double topP) {
			if (topP != null && !(topP > 0 && topP <= 1)) {
				throw new InvalidRequestException("top_p", "Invalid top_p " + topP + ": it must be in (0, 1].");
			}
			this.topP = topP;
			return this;
		}

		/**
		 * Sets how many of the most likely tokens sampling keeps. 0 turns the filter off.
		 * @throws InvalidRequestException if {@code topK} is negative
		 */
		public Builder topK(@Nullable Integer topK) {
			if (topK != null && topK < 0) {
				throw new InvalidRequestException("top_k", "Invalid top_k " + topK + ": it must be at least 0.");
			}
			this.topK = topK;
			return this;
		}

		/**
		 * Sets the random seed. The same seed, prompt and options give the same output on
		 * the same device and dtype; without a seed each request draws its own.
		 */
		public Builder seed(@Nullable Long seed) {
			this.seed = seed;
			return this;
		}

		/**
		 * Sets the stop strings. Generation ends before the first occurrence of any of them,
		 * and the stop string is not part of the output.
		 * @throws InvalidRequestException if a stop string is null or empty
		 */
		public Builder stop(@Nullable List<String> stop) {
			if (stop != null) {
				for (String candidate : stop) {
					if (candidate == null || candidate.isEmpty()) {
						throw new InvalidRequestException("stop", "Invalid stop " + quoted(stop)
								+ ": stop strings must not be null or empty.");
					}
				}
				this.stop = new ArrayList<>(stop);
			}
			else {
				this.stop = null;
			}
			return this;
		}

		private static String quoted(List<String> values) {
			List<String> quoted = new ArrayList<>();
			for (String value : values) {
				quoted.add((value != null) ? "\"" + value + "\"" : "null");
			}
			return quoted.toString();
		}

		public GenerationOptions build() {
			return new GenerationOptions(this);
		}

	}

}
