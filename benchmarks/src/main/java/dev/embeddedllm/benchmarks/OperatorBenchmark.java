package dev.embeddedllm.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.embeddedllm.LlmException;
import dev.embeddedllm.model.Checkpoint;
import dev.embeddedllm.model.ModelConfig;
import dev.embeddedllm.runtime.EngineSupport;

/**
 * Times the DJL operations a decoder forward pass is made of, one at a time, on random
 * float32 arrays with the shapes of a checkpoint's config.json, to show where a decode step
 * or a prefill spends its time.
 *
 * <p>
 * It measures:
 * <ul>
 * <li>each matrix-vector product of a decode step with the weight in the (in, out) layout
 * the SDK stores, {@code x.matMul(w)}, and in PyTorch's (out, in) layout through
 * {@code linear} and through {@code w.matMul(x)} with a 1-D {@code x},</li>
 * <li>all products of one decode step chained, without the other operations,</li>
 * <li>the fixed cost of one small element-wise operation,</li>
 * <li>the token embedding lookup through a transposed view of the LM head,</li>
 * <li>the attention products and softmax of one layer at one decode step,</li>
 * <li>the matrix products of a prefill.</li>
 * </ul>
 * Rates count the weight bytes read (GB/s) or the floating-point operations (GFLOP/s) of
 * each product.
 */
public final class OperatorBenchmark {

	private static final Logger logger = LoggerFactory.getLogger(OperatorBenchmark.class);

	private static final String USAGE = """
			Usage: OperatorBenchmark --model DIR [--prompt-tokens N] [--iterations I] [--threads T]

			  --model DIR          checkpoint folder; only config.json is read, the weights are random
			  --prompt-tokens N    rows of the prefill products (default 128)
			  --iterations I       timed calls per measurement after as many warm-up calls (default 20)
			  --threads T          PyTorch intra-op threads; 0 keeps PyTorch's default (default 0)
			""";

	/**
	 * Minimum size of the set of weight copies a timed product cycles through. The set is
	 * at least 8 times the L3 cache where sysfs publishes its size.
	 */
	private static final long MIN_COLD_SET_BYTES = 256L * 1024 * 1024;

	private final NDManager manager;

	private final int iterations;

	private OperatorBenchmark(NDManager manager, int iterations) {
		this.manager = manager;
		this.iterations = iterations;
	}

	public static void main(String[] args) {
		Map<String, String> options;
		try {
			options = CommandLine.parse(args, List.of("--model", "--prompt-tokens", "--iterations", "--threads"),
					List.of("--help"));
			if (options.containsKey("--help")) {
				System.out.print(USAGE);
				return;
			}
			if (!options.containsKey("--model")) {
				throw new IllegalArgumentException("Missing --model DIR: give a checkpoint folder to take shapes from.");
			}
		}
		catch (IllegalArgumentException ex) {
			System.err.println(ex.getMessage());
			System.err.print(USAGE);
			System.exit(2);
			return;
		}
		try {
			run(options);
		}
		catch (IllegalArgumentException | LlmException ex) {
			System.err.println(ex.getMessage());
			System.exit(1);
		}
	}

	private static void run(Map<String, String> options) {
		int promptTokens = CommandLine.parseInt(options, "--prompt-tokens", 128, 1);
		int iterations = CommandLine.parseInt(options, "--iterations", 20, 1);
		int threads = CommandLine.parseInt(options, "--threads", 0, 0);
		ModelConfig config;
		try (Checkpoint checkpoint = Checkpoint.open(Path.of(options.get("--model")))) {
			config = checkpoint.config();
		}

		Engine engine = EngineSupport.pytorch();
		if (threads > 0) {
			JniUtils.setNumThreads(threads);
		}
		System.out.println("Machine: " + MachineInfo.describe(engine));
		MachineInfo.CpuTimes start = MachineInfo.CpuTimes.now();
		try (NDManager manager = engine.newBaseManager(Device.cpu())) {
			new OperatorBenchmark(manager, iterations).measure(config, promptTokens);
		}
		System.out.printf(Locale.ROOT, "%nCPU used by other processes during the measurements: %.2f cores on average%n",
				MachineInfo.CpuTimes.now().otherProcessCoresSince(start));
	}

	private void measure(ModelConfig config, int promptTokens) {
		long hidden = config.hiddenSize();
		long queryWidth = (long) config.numAttentionHeads() * config.headDim();
		long qkvWidth = queryWidth + 2L * config.numKeyValueHeads() * config.headDim();
		long intermediate = config.intermediateSize();
		long vocab = config.vocabSize();
		List<long[]> layerShapes = List.of(new long[] { hidden, qkvWidth }, new long[] { queryWidth, hidden },
				new long[] { hidden, 2 * intermediate }, new long[] { intermediate, hidden });
		String[] layerNames = { "qkv_proj", "o_proj", "gate_up_proj", "down_proj" };

		System.out.println();
		System.out.println("Decode: one row times each weight matrix");
		System.out.println(
				"| matrix | in x out | x.matMul(w), w (in, out) | linear(x, w), w (out, in) | w.matMul(x), w (out, in), x 1-D |");
		System.out.println("|---|---|---:|---:|---:|");
		for (int i = 0; i < layerShapes.size(); i++) {
			compareLayouts(layerNames[i], layerShapes.get(i)[0], layerShapes.get(i)[1]);
		}
		compareLayouts("lm_head", hidden, vocab);

		System.out.println();
		chainDecodeProducts(config, layerShapes, vocab);
		elementWiseCost(hidden);
		embeddingLookup(hidden, vocab, promptTokens);
		decodeAttention(config, promptTokens);

		System.out.println();
		System.out.println("Prefill: " + promptTokens + " rows times each weight matrix, x.matMul(w)");
		System.out.println("| matrix | in x out | time | rate |");
		System.out.println("|---|---|---:|---:|");
		for (int i = 0; i < layerShapes.size(); i++) {
			prefillProduct(layerNames[i], promptTokens, layerShapes.get(i)[0], layerShapes.get(i)[1]);
		}
	}

	/**
	 * Times one decode product in the three forms. Each timed call reads another copy of the
	 * weight from a set several times larger than the L3 cache. The weight then comes from
	 * DRAM as in a real decode step, not from the cache the previous call filled.
	 */
	private void compareLayouts(String name, long in, long out) {
		long bytes = in * out * Float.BYTES;
		long coldSetBytes = Math.max(MIN_COLD_SET_BYTES, 8 * MachineInfo.lastLevelCacheBytes());
		int copies = (int) Math.max(1, (coldSetBytes + bytes - 1) / bytes);
		List<NDArray> weightsInOut = new ArrayList<>();
		List<NDArray> weightsOutIn = new ArrayList<>();
		try (NDArray x = this.manager.randomNormal(new Shape(1, in)); NDArray vector = x.reshape(in)) {
			for (int i = 0; i < copies; i++) {
				weightsInOut.add(this.manager.randomNormal(0, 0.02f, new Shape(in, out), DataType.FLOAT32));
				weightsOutIn.add(this.manager.randomNormal(0, 0.02f, new Shape(out, in), DataType.FLOAT32));
			}
			int[] call = { 0 };
			double matMulSeconds = time(() -> x.matMul(weightsInOut.get(call[0]++ % copies)));
			double linearSeconds = time(
					() -> x.getNDArrayInternal().linear(x, weightsOutIn.get(call[0]++ % copies), null).singletonOrThrow());
			// A 2-D by 1-D matMul is torch.matmul's matrix-vector case, which calls torch.mv.
			double vectorSeconds = time(() -> weightsOutIn.get(call[0]++ % copies).matMul(vector));
			System.out.printf(Locale.ROOT, "| %s | %d x %d | %s | %s | %s |%n", name, in, out, rate(matMulSeconds, bytes),
					rate(linearSeconds, bytes), rate(vectorSeconds, bytes));
		}
		finally {
			weightsInOut.forEach(NDArray::close);
			weightsOutIn.forEach(NDArray::close);
		}
	}

	/**
	 * Runs every product of one decode step back to back, layer after layer and then the LM
	 * head, with nothing else in between: the time a decode step would take if the matrix
	 * products were its only cost.
	 */
	private void chainDecodeProducts(ModelConfig config, List<long[]> layerShapes, long vocab) {
		long hidden = config.hiddenSize();
		List<NDArray> weights = new ArrayList<>();
		long bytes = 0;
		try {
			for (int layer = 0; layer < config.numHiddenLayers(); layer++) {
				for (long[] shape : layerShapes) {
					weights.add(this.manager.randomNormal(0, 0.02f, new Shape(shape[0], shape[1]), DataType.FLOAT32));
					bytes += shape[0] * shape[1] * Float.BYTES;
				}
			}
			weights.add(this.manager.randomNormal(0, 0.02f, new Shape(hidden, vocab), DataType.FLOAT32));
			bytes += hidden * vocab * Float.BYTES;

			Map<Long, NDArray> inputs = new HashMap<>();
			for (NDArray weight : weights) {
				inputs.computeIfAbsent(weight.getShape().get(0), (in) -> this.manager.randomNormal(new Shape(1, in)));
			}
			try {
				double seconds = time(() -> {
					for (NDArray weight : weights) {
						inputs.get(weight.getShape().get(0)).matMul(weight).toByteBuffer();
					}
					return null;
				});
				System.out.printf(Locale.ROOT,
						"All products of one decode step (%d layers and the LM head, %.1f MB of weights),"
								+ " nothing else: %s, that is %.1f tok/s%n",
						config.numHiddenLayers(), bytes / 1e6, rate(seconds, bytes), 1 / seconds);
			}
			finally {
				inputs.values().forEach(NDArray::close);
			}
		}
		finally {
			weights.forEach(NDArray::close);
		}
	}

	/**
	 * Times {@code a.add(b)} on one row of hidden states, where the arithmetic is negligible
	 * and the time is the fixed cost of an operation: DJL's Java side, JNI and PyTorch's
	 * dispatch.
	 */
	private void elementWiseCost(long hidden) {
		try (NDArray a = this.manager.randomNormal(new Shape(1, hidden));
				NDArray b = this.manager.randomNormal(new Shape(1, hidden))) {
			int operations = 100;
			double seconds = time(() -> {
				NDArray sum = a;
				for (int i = 0; i < operations; i++) {
					sum = sum.add(b);
				}
				return sum;
			});
			System.out.printf(Locale.ROOT, "Fixed cost of one small operation, a.add(b) on (1, %d): %.1f us%n", hidden,
					seconds / operations * 1e6);
		}
	}

	/**
	 * Times the token embedding lookup as the SDK does it for tied embeddings, rows of a
	 * transposed view of the (H, V) LM head, against rows of a contiguous (V, H) matrix.
	 */
	private void embeddingLookup(long hidden, long vocab, int promptTokens) {
		try (NDArray lmHead = this.manager.randomNormal(0, 0.02f, new Shape(hidden, vocab), DataType.FLOAT32);
				NDArray embedding = lmHead.transpose().flatten().reshape(vocab, hidden)) {
			for (int tokens : new int[] { 1, promptTokens }) {
				long[] ids = new long[tokens];
				for (int i = 0; i < tokens; i++) {
					ids[i] = (i * 7919L) % vocab;
				}
				try (NDArray idArray = this.manager.create(ids)) {
					double viewSeconds = time(() -> lmHead.transpose().get(idArray));
					double contiguousSeconds = time(() -> embedding.get(idArray));
					System.out.printf(Locale.ROOT,
							"Embedding lookup of %d ids: transposed view of (H, V) %.1f us, contiguous (V, H) %.1f us%n",
							tokens, viewSeconds * 1e6, contiguousSeconds * 1e6);
				}
			}
		}
	}

	/**
	 * Times the attention of one decode step in one layer as the SDK computes it. The grouped
	 * queries (KVH, G, D) meet a slice of S positions of a (KVH, C, D) key cache, first
	 * through the transposed view the SDK passes and then as a contiguous (KVH, D, S) copy.
	 * The softmax and the product with the value cache slice follow.
	 */
	private void decodeAttention(ModelConfig config, int promptTokens) {
		long keyValueHeads = config.numKeyValueHeads();
		long groupSize = config.groupSize();
		long headDim = config.headDim();
		long positions = promptTokens;
		long capacity = 2 * positions;
		try (NDArray queries = this.manager.randomNormal(new Shape(keyValueHeads, groupSize, headDim));
				NDArray keyCache = this.manager.randomNormal(new Shape(keyValueHeads, capacity, headDim));
				NDArray valueCache = this.manager.randomNormal(new Shape(keyValueHeads, capacity, headDim));
				NDArray keys = keyCache.get(":, 0:{}", positions);
				NDArray keysTransposed = keys.transpose(0, 2, 1).flatten().reshape(keyValueHeads, headDim, positions);
				NDArray values = valueCache.get(":, 0:{}", positions)) {
			double viewSeconds = time(() -> queries.matMul(keys.transpose(0, 2, 1)));
			double contiguousSeconds = time(() -> queries.matMul(keysTransposed));
			double softmaxSeconds;
			double contextSeconds;
			try (NDArray scores = queries.matMul(keysTransposed)) {
				softmaxSeconds = time(() -> scores.softmax(-1));
				contextSeconds = time(() -> scores.matMul(values));
			}
			System.out.printf(Locale.ROOT,
					"Attention of one decode step in one layer, %d positions: scores through the transposed cache view"
							+ " %.1f us, against a contiguous (KVH, D, S) copy %.1f us; softmax %.1f us; scores times values"
							+ " %.1f us%n",
					positions, viewSeconds * 1e6, contiguousSeconds * 1e6, softmaxSeconds * 1e6, contextSeconds * 1e6);
		}
	}

	private void prefillProduct(String name, int tokens, long in, long out) {
		try (NDArray x = this.manager.randomNormal(new Shape(tokens, in));
				NDArray weight = this.manager.randomNormal(0, 0.02f, new Shape(in, out), DataType.FLOAT32)) {
			double seconds = time(() -> x.matMul(weight));
			double flops = 2.0 * tokens * in * out;
			System.out.printf(Locale.ROOT, "| %s | %d x %d | %.2f ms | %.1f GFLOP/s |%n", name, in, out, seconds * 1e3,
					flops / seconds / 1e9);
		}
	}

	/**
	 * Returns the mean seconds of one call after as many warm-up calls. Every call runs in
	 * an {@link NDScope}, as a forward pass does, and its result is read back so that the
	 * work is finished when the clock stops.
	 */
	private double time(Supplier<Object> operation) {
		for (int i = 0; i < this.iterations; i++) {
			callInScope(operation);
		}
		long start = System.nanoTime();
		for (int i = 0; i < this.iterations; i++) {
			callInScope(operation);
		}
		return (System.nanoTime() - start) / 1e9 / this.iterations;
	}

	private static void callInScope(Supplier<Object> operation) {
		try (NDScope scope = new NDScope()) {
			scope.suppressNotUsedWarning();
			Object result = operation.get();
			if (result instanceof NDArray array) {
				array.toByteBuffer();
			}
			else if (result instanceof NDList list) {
				list.forEach(NDArray::toByteBuffer);
			}
		}
	}

	private static String rate(double seconds, long bytes) {
		return String.format(Locale.ROOT, "%.1f us, %.1f GB/s", seconds * 1e6, bytes / seconds / 1e9);
	}

}
