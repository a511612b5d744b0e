package dev.embeddedllm.sampling;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Chooses the next token from the logits of one step.
 *
 * <p>
 * Temperature 0 is greedy decoding: the largest logit wins, the lowest id on a tie. Otherwise
 * the logits are divided by the temperature and the top-k filter keeps the k largest. The
 * softmax turns them into probabilities, and the top-p (nucleus) filter keeps the smallest
 * set of most likely tokens whose mass reaches p. A token is then drawn from what is left in
 * proportion to its probability. The filters run in the order Hugging Face's
 * {@code generate} applies them. Candidates are sorted once per step: each candidate's logit
 * and id are packed into one {@code long} so that a primitive sort orders them.
 *
 * <p>
 * A sampler holds its random generator, so one instance serves one sequence.
 */
public final class Sampler {

	private final double temperature;

	private final int topK;

	private final double topP;

	private final SplittableRandom random;

	/**
	 * @param temperature 0 for greedy decoding, else the softmax temperature
	 * @param topK number of tokens kept, 0 for all
	 * @param topP nucleus mass in (0, 1], 1 for all
	 * @param seed seed of the random generator
	 */
	public Sampler(double temperature, int topK, double topP, long seed) {
		this.temperature = temperature;
		this.topK = topK;
		this.topP = topP;
		this.random = new SplittableRandom(seed);
	}

	public boolean isGreedy() {
		return this.temperature == 0;
	}

	/**
	 * Returns the id of the next token.
	 */
	public int sample(float[] logits) {
		if (isGreedy()) {
			return argMax(logits);
		}
		long[] candidates = sortedCandidates(logits);
		int count = candidates.length;
		if (this.topK > 0 && this.topK < count) {
			count = this.topK;
		}

		// Softmax over the kept candidates, largest first, scaled by the temperature.
		double maxLogit = logitOf(candidates[0]);
		double[] weights = new double[count];
		double total = 0;
		for (int i = 0; i < count; i++) {
			weights[i] = Math.exp((logitOf(candidates[i]) - maxLogit) / this.temperature);
			total += weights[i];
		}

		if (this.topP < 1.0) {
			double cumulative = 0;
			for (int i = 0; i < count; i++) {
				cumulative += weights[i] / total;
				if (cumulative >= this.topP) {
					count = i + 1;
					break;
				}
			}
			total = 0;
			for (int i = 0; i < count; i++) {
				total += weights[i];
			}
		}

		double draw = this.random.nextDouble() * total;
		for (int i = 0; i < count; i++) {
			draw -= weights[i];
			if (draw < 0) {
				return idOf(candidates[i]);
			}
		}
		return idOf(candidates[count - 1]);
	}

	/**
	 * Returns the index of the largest value, the lowest index on a tie.
	 */
	public static int argMax(float[] logits) {
		int best = 0;
		for (int i = 1; i < logits.length; i++) {
			if (logits[i] > logits[best]) {
				best = i;
			}
		}
		return best;
	}

	/**
	 * Packs (logit, id) pairs so that an ascending sort puts the largest logit first and
	 * breaks ties by the lowest id: the high 32 bits hold the logit's order-reversed bits,
	 * the low 32 bits the id.
	 */
	private static long[] sortedCandidates(float[] logits) {
		long[] packed = new long[logits.length];
		for (int id = 0; id < logits.length; id++) {
			int bits = Float.floatToIntBits(logits[id]);
			// Map float order onto signed int order, then reverse it.
			int ordered = (bits >= 0) ? bits : bits ^ 0x7fffffff;
			packed[id] = ((long) ~ordered << 32) | id;
		}
		Arrays.sort(packed);
		return packed;
	}

	private static int idOf(long candidate) {
		return (int) candidate;
	}

	private static float logitOf(long candidate) {
		int ordered = ~(int) (candidate >> 32);
		int bits = (ordered >= 0) ? ordered : ordered ^ 0x7fffffff;
		return Float.intBitsToFloat(bits);
	}

}
