package dev.embeddedllm.sampling;

import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Checks greedy decoding, seeding, the top-k and top-p filters and the sampled
 * distribution. Every sampler has a fixed seed, so each run draws the same tokens.
 */
class SamplerTest {

	private static final int DRAWS = 100_000;

	@Test
	void sample_greedy_picksLargestLogit() {
		Sampler sampler = new Sampler(0.0, 0, 1.0, 1);

		int id = sampler.sample(new float[] { 1.0f, 5.0f, 3.0f, -2.0f });

		assertThat(id).isEqualTo(1);
	}

	@Test
	void sample_greedyTie_picksLowestId() {
		Sampler sampler = new Sampler(0.0, 0, 1.0, 1);

		int id = sampler.sample(new float[] { 2.0f, 7.0f, 1.0f, 7.0f, 7.0f });

		assertThat(id).isEqualTo(1);
	}

	@Test
	void sample_topKOneTie_picksLowestId() {
		Sampler sampler = new Sampler(1.0, 1, 1.0, 1);

		int id = sampler.sample(new float[] { 2.0f, 7.0f, 1.0f, 7.0f, 7.0f });

		assertThat(id).isEqualTo(1);
	}

	@Test
	void isGreedy_onlyAtZeroTemperature() {
		assertThat(new Sampler(0.0, 0, 1.0, 1).isGreedy()).as("temperature 0").isTrue();
		assertThat(new Sampler(0.7, 0, 1.0, 1).isGreedy()).as("temperature 0.7").isFalse();
	}

	@Test
	void sample_sameSeed_sameTokens() {
		float[] logits = randomLogits(new Random(11), 1000);
		Sampler first = new Sampler(1.0, 0, 1.0, 42);
		Sampler second = new Sampler(1.0, 0, 1.0, 42);

		int[] firstIds = new int[500];
		int[] secondIds = new int[500];
		for (int i = 0; i < firstIds.length; i++) {
			firstIds[i] = first.sample(logits);
			secondIds[i] = second.sample(logits);
		}

		assertThat(secondIds).containsExactly(firstIds);
	}

	@Test
	void sample_otherSeed_otherTokens() {
		float[] logits = randomLogits(new Random(11), 1000);
		Sampler first = new Sampler(1.0, 0, 1.0, 42);
		Sampler second = new Sampler(1.0, 0, 1.0, 43);

		int[] firstIds = new int[500];
		int[] secondIds = new int[500];
		for (int i = 0; i < firstIds.length; i++) {
			firstIds[i] = first.sample(logits);
			secondIds[i] = second.sample(logits);
		}

		assertThat(secondIds).isNotEqualTo(firstIds);
	}

	@Test
	void sample_topKOne_equalsGreedy() {
		Random random = new Random(3);
		Sampler sampler = new Sampler(1.5, 1, 1.0, 7);

		for (int step = 0; step < 200; step++) {
			float[] logits = randomLogits(random, 500);

			assertThat(sampler.sample(logits)).as("step %d", step).isEqualTo(Sampler.argMax(logits));
		}
	}

	@Test
	void sample_tinyTopP_equalsGreedy() {
		Random random = new Random(5);
		Sampler sampler = new Sampler(1.5, 0, 1e-9, 7);

		for (int step = 0; step < 200; step++) {
			float[] logits = randomLogits(random, 500);

			assertThat(sampler.sample(logits)).as("step %d", step).isEqualTo(Sampler.argMax(logits));
		}
	}

	@Test
	void sample_topKTwo_drawsOnlyTwoBestIds() {
		// Ids 4 and 1 have the two largest logits, close enough that both get drawn often.
		float[] logits = { 0.5f, 2.0f, 1.9f, -1.0f, 2.1f, 1.95f };
		Sampler sampler = new Sampler(1.0, 2, 1.0, 9);

		int[] counts = count(sampler, logits, 10_000);

		assertThat(counts[0] + counts[2] + counts[3] + counts[5]).as("draws of ids outside the top 2").isZero();
		assertThat(counts[4]).as("draws of id 4").isPositive();
		assertThat(counts[1]).as("draws of id 1").isPositive();
	}

	@Test
	void sample_topP_keepsSmallestSetReachingMass() {
		// Probabilities 0.5, 0.3 and 0.2 (logits ln 5, ln 3, ln 2): with top_p 0.7 the first
		// two reach 0.8 and the third is cut.
		float[] logits = { (float) Math.log(5), (float) Math.log(3), (float) Math.log(2) };
		Sampler sampler = new Sampler(1.0, 0, 0.7, 13);

		int[] counts = count(sampler, logits, DRAWS);

		assertThat(counts[2]).as("draws of id 2").isZero();
		// Renormalized over the kept pair: 0.5 / 0.8 and 0.3 / 0.8.
		assertThat(counts[0] / (double) DRAWS).as("frequency of id 0").isCloseTo(0.625, within(0.01));
		assertThat(counts[1] / (double) DRAWS).as("frequency of id 1").isCloseTo(0.375, within(0.01));
	}

	@Test
	void sample_temperatureOne_followsSoftmax() {
		float[] logits = { 1.0f, -0.5f, 2.0f, 0.0f, -2.0f };
		Sampler sampler = new Sampler(1.0, 0, 1.0, 17);

		int[] counts = count(sampler, logits, DRAWS);

		// With 100,000 draws the standard error of a frequency is at most 0.0016, so 0.01 is
		// more than 6 standard errors. The fixed seed makes the outcome the same every run.
		double[] expected = softmax(logits, 1.0);
		for (int id = 0; id < logits.length; id++) {
			assertThat(counts[id] / (double) DRAWS).as("frequency of id %d", id).isCloseTo(expected[id], within(0.01));
		}
	}

	@Test
	void sample_temperatureHalf_sharpensSoftmax() {
		float[] logits = { 1.0f, -0.5f, 2.0f, 0.0f, -2.0f };
		Sampler sampler = new Sampler(0.5, 0, 1.0, 19);

		int[] counts = count(sampler, logits, DRAWS);

		// softmax(logits / 0.5), within the same 0.01 bound as at temperature 1.
		double[] expected = softmax(logits, 0.5);
		for (int id = 0; id < logits.length; id++) {
			assertThat(counts[id] / (double) DRAWS).as("frequency of id %d", id).isCloseTo(expected[id], within(0.01));
		}
	}

	@Test
	void sample_allNegativeLogits_followsSoftmax() {
		float[] logits = { -3.0f, -1.0f, -7.5f, -1.5f };
		Sampler sampler = new Sampler(1.0, 0, 1.0, 23);

		int[] counts = count(sampler, logits, DRAWS);

		// Softmax ignores a common shift, so negative logits give the usual distribution.
		double[] expected = softmax(logits, 1.0);
		for (int id = 0; id < logits.length; id++) {
			assertThat(counts[id] / (double) DRAWS).as("frequency of id %d", id).isCloseTo(expected[id], within(0.01));
		}
	}

	@Test
	void sample_allNegativeLogitsGreedy_picksLargest() {
		float[] logits = { -3.0f, -1.0f, -7.5f, -1.5f };

		assertThat(new Sampler(0.0, 0, 1.0, 1).sample(logits)).as("greedy").isEqualTo(1);
		assertThat(new Sampler(1.0, 1, 1.0, 1).sample(logits)).as("top-k 1").isEqualTo(1);
	}

	@Test
	void sample_negativeInfinityLogits_neverDrawn() {
		float ninf = Float.NEGATIVE_INFINITY;
		float[] logits = { ninf, 0.0f, ninf, 0.5f, ninf };
		Sampler sampler = new Sampler(1.0, 0, 1.0, 29);

		int[] counts = count(sampler, logits, 10_000);

		assertThat(counts[0] + counts[2] + counts[4]).as("draws of ids with -Infinity logits").isZero();
		assertThat(counts[1]).as("draws of id 1").isPositive();
		assertThat(counts[3]).as("draws of id 3").isPositive();
	}

	@Test
	void sample_negativeInfinityFirstGreedy_picksLargest() {
		float ninf = Float.NEGATIVE_INFINITY;
		float[] logits = { ninf, -4.0f, ninf, -3.0f };

		assertThat(new Sampler(0.0, 0, 1.0, 1).sample(logits)).as("greedy").isEqualTo(3);
		assertThat(new Sampler(1.0, 1, 1.0, 1).sample(logits)).as("top-k 1").isEqualTo(3);
	}

	@Test
	void sample_singleFiniteLogit_alwaysDrawsIt() {
		float ninf = Float.NEGATIVE_INFINITY;
		float[] logits = { ninf, ninf, -20.0f, ninf };
		Sampler sampler = new Sampler(0.8, 0, 0.95, 31);

		int[] counts = count(sampler, logits, 1000);

		assertThat(counts[2]).isEqualTo(1000);
	}

	private static int[] count(Sampler sampler, float[] logits, int draws) {
		int[] counts = new int[logits.length];
		for (int i = 0; i < draws; i++) {
			counts[sampler.sample(logits)]++;
		}
		return counts;
	}

	private static double[] softmax(float[] logits, double temperature) {
		double max = Double.NEGATIVE_INFINITY;
		for (float logit : logits) {
			max = Math.max(max, logit);
		}
		double[] weights = new double[logits.length];
		double total = 0;
		for (int i = 0; i < logits.length; i++) {
			weights[i] = Math.exp((logits[i] - max) / temperature);
			total += weights[i];
		}
		for (int i = 0; i < logits.length; i++) {
			weights[i] /= total;
		}
		return weights;
	}

	private static float[] randomLogits(Random random, int size) {
		float[] logits = new float[size];
		for (int i = 0; i < size; i++) {
			logits[i] = (float) (random.nextGaussian() * 3.0);
		}
		return logits;
	}

}
