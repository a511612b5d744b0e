package dev.embeddedllm.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.embeddedllm.LlmException;
import dev.embeddedllm.model.Checkpoint;
import dev.embeddedllm.model.ModelConfig;
import dev.embeddedllm.runtime.EngineSupport;
import dev.embeddedllm.runtime.KvCache;
import dev.embeddedllm.runtime.LlamaModel;
import dev.embeddedllm.runtime.RuntimeDtype;
import dev.embeddedllm.sampling.Sampler;

/**
 * Measures prefill and decode speed of a checkpoint on the CPU with the SDK's forward pass,
 * next to the read memory bandwidth of the machine, and prints one Markdown table.
 *
 * <p>
 * The prompt is random token ids, so no tokenizer runs. Each timed run allocates a fresh KV
 * cache and runs the prompt through the model in one forward pass (prefill). It then picks
 * the first token greedily and runs M decode steps of one token each, every step feeding
 * the token picked from the previous logits. Memory bandwidth is sampled just before and just
 * after the decode steps of every run, because the bandwidth a shared machine gives drifts
 * from minute to minute, and the mean of the two samples sets that run's bandwidth limit.
 */
public final class InferenceBenchmark {

	private static final Logger logger = LoggerFactory.getLogger(InferenceBenchmark.class);

	/** Decode steps of the warm-up run, enough for the JIT and PyTorch's allocator to settle. */
	private static final int WARM_UP_DECODE_STEPS = 8;

	/** CPU use by other processes, in cores, above which the report flags the run as contended. */
	private static final double CONTENDED_CORES = 0.1;

	private static final String USAGE = """
			Usage: InferenceBenchmark --model DIR [options]

			  --model DIR             Hugging Face checkpoint folder (config.json, model.safetensors)
			  --prompt-tokens N       tokens in the prompt of the prefill (default 128)
			  --decode-tokens M       decode steps timed after the prefill (default 64)
			  --repeats R             timed runs after one warm-up run; the table gives median, min
			                          and max over them (default 3)
			  --dtype TYPE            float32 (default), float16 or bfloat16 weights and activations
			  --threads T             PyTorch intra-op threads; 0 keeps PyTorch's default (default 0)
			  --bandwidth-mib S       size of each bandwidth buffer in MiB (default 512). The Java
			                          buffer needs that much heap, so run with -Xmx of at least twice it.
			                          Use at least 8 times the last-level cache.
			  --bandwidth-threads T   threads of both bandwidth measurements (default: available
			                          processors), independent of --threads
			  --bandwidth-passes P    passes per bandwidth sample, best one kept (default 5)
			  --seed N                seed of the random prompt (default 1)
			""";

	private InferenceBenchmark() {
	}

	/**
	 * Options of one benchmark invocation.
	 */
	record Settings(Path model, int promptTokens, int decodeTokens, int repeats, DataType dataType,
			int intraOpThreads, long bandwidthBytes, int bandwidthThreads, int bandwidthPasses, long seed) {

		static Settings parse(String[] args) {
			Map<String, String> options = CommandLine.parse(args,
					List.of("--model", "--prompt-tokens", "--decode-tokens", "--repeats", "--dtype", "--threads",
							"--bandwidth-mib", "--bandwidth-threads", "--bandwidth-passes", "--seed"),
					List.of("--help"));
			if (options.containsKey("--help")) {
				return null;
			}
			String model = options.get("--model");
			if (model == null) {
				throw new IllegalArgumentException("Missing --model DIR: give the checkpoint folder to measure.");
			}
			return new Settings(Path.of(model), CommandLine.parseInt(options, "--prompt-tokens", 128, 1),
					CommandLine.parseInt(options, "--decode-tokens", 64, 1),
					CommandLine.parseInt(options, "--repeats", 3, 1),
					RuntimeDtype.parse(options.getOrDefault("--dtype", "float32")).resolve(false),
					CommandLine.parseInt(options, "--threads", 0, 0),
					CommandLine.parseInt(options, "--bandwidth-mib", 512, 1) * 1024L * 1024L,
					CommandLine.parseInt(options, "--bandwidth-threads", Runtime.getRuntime().availableProcessors(), 1),
					CommandLine.parseInt(options, "--bandwidth-passes", 5, 1), CommandLine.parseLong(options, "--seed", 1));
		}

	}

	/**
	 * Measurements of one timed run.
	 * @param prefillSeconds wall time of the prefill forward pass
	 * @param firstTokenSeconds wall time of the prefill plus picking the first token
	 * @param decodeSeconds wall time of the decode steps, each a forward pass and a pick
	 * @param before bandwidth sampled just before the decode steps
	 * @param after bandwidth sampled just after them
	 */
	record Run(double prefillSeconds, double firstTokenSeconds, double decodeSeconds, MemoryBandwidth.Sample before,
			MemoryBandwidth.Sample after) {

		double javaGbps() {
			return (this.before.javaGbps() + this.after.javaGbps()) / 2;
		}

		double torchGbps() {
			return (this.before.torchGbps() + this.after.torchGbps()) / 2;
		}

		double bandwidthGbps() {
			return (this.before.best() + this.after.best()) / 2;
		}

	}

	public static void main(String[] args) {
		Settings settings;
		try {
			settings = Settings.parse(args);
		}
		catch (IllegalArgumentException | LlmException ex) {
			System.err.println(ex.getMessage());
			System.err.print(USAGE);
			System.exit(2);
			return;
		}
		if (settings == null) {
			System.out.print(USAGE);
			return;
		}
		try {
			run(settings);
		}
		catch (IllegalArgumentException | LlmException ex) {
			System.err.println(ex.getMessage());
			System.exit(1);
		}
	}

	static void run(Settings settings) {
		Engine engine = EngineSupport.pytorch();
		if (settings.intraOpThreads() > 0) {
			JniUtils.setNumThreads(settings.intraOpThreads());
		}
		String machine = MachineInfo.describe(engine);
		logger.info("Machine: {}", machine);

		int capacity = settings.promptTokens() + settings.decodeTokens();
		try (NDManager manager = engine.newBaseManager(Device.cpu());
				LlamaModel model = loadModel(settings, manager, capacity);
				MemoryBandwidth bandwidth = new MemoryBandwidth(manager, settings.bandwidthBytes(),
						settings.bandwidthThreads())) {
			int[] prompt = randomPrompt(settings, model.config().vocabSize());

			logger.info("Warm-up run: prefill of {} tokens and {} decode steps", prompt.length,
					Math.min(WARM_UP_DECODE_STEPS, settings.decodeTokens()));
			bandwidth.sample(1);
			timeRun(model, prompt, Math.min(WARM_UP_DECODE_STEPS, settings.decodeTokens()), bandwidth, 1);

			List<Run> runs = new ArrayList<>();
			MachineInfo.CpuTimes start = MachineInfo.CpuTimes.now();
			for (int repeat = 1; repeat <= settings.repeats(); repeat++) {
				Run run = timeRun(model, prompt, settings.decodeTokens(), bandwidth, settings.bandwidthPasses());
				logger.info("Run {}/{}: prefill {} ms, decode {} tok/s, bandwidth {} GB/s", repeat, settings.repeats(),
						format(run.prefillSeconds() * 1000), format(settings.decodeTokens() / run.decodeSeconds()),
						format(run.bandwidthGbps()));
				runs.add(run);
			}
			double otherCores = MachineInfo.CpuTimes.now().otherProcessCoresSince(start);
			System.out.print(report(settings, model, bandwidth, machine, otherCores, runs));
		}
	}

	private static LlamaModel loadModel(Settings settings, NDManager manager, int capacity) {
		long start = System.nanoTime();
		try (Checkpoint checkpoint = Checkpoint.open(settings.model())) {
			int maxPositions = checkpoint.config().maxPositionEmbeddings();
			if (capacity > maxPositions) {
				throw new IllegalArgumentException("Invalid --prompt-tokens plus --decode-tokens " + capacity
						+ ": the model's max_position_embeddings is " + maxPositions + ".");
			}
			LlamaModel model = LlamaModel.load(checkpoint, manager, Device.cpu(), settings.dataType(), capacity);
			logger.info("Loaded {} ({} parameters, {}) in {} s", checkpoint.name(), model.parameterCount(),
					settings.dataType(), format((System.nanoTime() - start) / 1e9));
			return model;
		}
	}

	private static int[] randomPrompt(Settings settings, int vocabSize) {
		SplittableRandom random = new SplittableRandom(settings.seed());
		int[] prompt = new int[settings.promptTokens()];
		Arrays.setAll(prompt, (i) -> random.nextInt(vocabSize));
		return prompt;
	}

	/**
	 * Runs one prefill and {@code decodeSteps} decode steps in a fresh KV cache, sampling
	 * the memory bandwidth around the decode steps.
	 */
	private static Run timeRun(LlamaModel model, int[] prompt, int decodeSteps, MemoryBandwidth bandwidth,
			int bandwidthPasses) {
		Sampler greedy = new Sampler(0, 0, 1, 0);
		try (KvCache cache = model.newKvCache(prompt.length + decodeSteps)) {
			long start = System.nanoTime();
			float[] logits = model.forward(prompt, cache);
			long prefillEnd = System.nanoTime();
			int next = greedy.sample(logits);
			long firstToken = System.nanoTime();

			MemoryBandwidth.Sample before = bandwidth.sample(bandwidthPasses);
			long decodeStart = System.nanoTime();
			for (int step = 0; step < decodeSteps; step++) {
				logits = model.forward(new int[] { next }, cache);
				next = greedy.sample(logits);
			}
			long decodeEnd = System.nanoTime();
			MemoryBandwidth.Sample after = bandwidth.sample(bandwidthPasses);

			return new Run((prefillEnd - start) / 1e9, (firstToken - start) / 1e9, (decodeEnd - decodeStart) / 1e9,
					before, after);
		}
	}

	/**
	 * Returns the bytes of weights one decode step reads: every weight the model holds,
	 * once, except that of the token embedding only one row is read. With tied embeddings
	 * the embedding matrix is also the LM head, so it is read whole once, plus the one row
	 * of the lookup. Without them the separate embedding matrix adds only that row.
	 */
	static long weightBytesPerToken(LlamaModel model) {
		ModelConfig config = model.config();
		long embeddingElements = (long) config.vocabSize() * config.hiddenSize();
		long elements = model.parameterCount() - (config.tieWordEmbeddings() ? 0 : embeddingElements)
				+ config.hiddenSize();
		return elements * model.dataType().getNumOfBytes();
	}

	/**
	 * Returns the mean bytes of keys and values one decode step reads from the KV cache,
	 * which the bandwidth limit leaves out.
	 */
	static long kvCacheBytesPerToken(LlamaModel model, int promptTokens, int decodeTokens) {
		ModelConfig config = model.config();
		double meanPositions = promptTokens + (decodeTokens + 1) / 2.0;
		return (long) (2.0 * config.numHiddenLayers() * config.numKeyValueHeads() * config.headDim() * meanPositions
				* model.dataType().getNumOfBytes());
	}

	private static String report(Settings settings, LlamaModel model, MemoryBandwidth bandwidth, String machine,
			double otherCores, List<Run> runs) {
		StringBuilder out = new StringBuilder();
		appendSetup(out, settings, model, bandwidth, machine, otherCores, runs.size());
		out.append(System.lineSeparator());
		appendTable(out, settings, weightBytesPerToken(model), bandwidth.threads(), runs);
		return out.toString();
	}

	private static void appendSetup(StringBuilder out, Settings settings, LlamaModel model, MemoryBandwidth bandwidth,
			String machine, double otherCores, int runCount) {
		ModelConfig config = model.config();
		long weightBytes = weightBytesPerToken(model);
		out.append(String.format(Locale.ROOT, "Model: %s (%s, %d parameters, %d layers, %s)%n",
				settings.model().getFileName(), config.architecture(), model.parameterCount(), config.numHiddenLayers(),
				model.dataType().toString().toLowerCase(Locale.ROOT)));
		out.append("Machine: ").append(machine).append(System.lineSeparator());
		out.append(String.format(Locale.ROOT,
				"Weights read per decode step: %d bytes (%.1f MB); KV cache read per decode step, not counted:"
						+ " %.2f MB on average%n",
				weightBytes, weightBytes / 1e6,
				kvCacheBytesPerToken(model, settings.promptTokens(), settings.decodeTokens()) / 1e6));

		long cacheBytes = MachineInfo.lastLevelCacheBytes();
		if (weightBytes < cacheBytes) {
			out.append(String.format(Locale.ROOT,
					"NOTE: the weights fit in the %d MiB L3 cache, so DRAM bandwidth does not bound decode and the"
							+ " limit below understates what this machine allows.%n",
					cacheBytes / (1024 * 1024)));
		}
		if (bandwidth.bufferBytes() < 8 * cacheBytes) {
			out.append(String.format(Locale.ROOT,
					"NOTE: the bandwidth buffers are less than 8 times the %d MiB L3 cache, so the cache may serve part"
							+ " of each pass. Raise --bandwidth-mib.%n",
					cacheBytes / (1024 * 1024)));
		}

		out.append(String.format(Locale.ROOT,
				"Runs: %d after one warm-up; bandwidth buffers %d MiB, best of %d passes, sampled before and after"
						+ " each decode run%n",
				runCount, bandwidth.bufferBytes() / (1024 * 1024), settings.bandwidthPasses()));
		if (otherCores >= 0) {
			out.append(String.format(Locale.ROOT,
					"CPU used by other processes during the timed runs: %.2f cores on average%n", otherCores));
		}
		if (otherCores > CONTENDED_CORES) {
			out.append("NOTE: other processes competed for the CPU, so these numbers understate this machine."
					+ " PyTorch's intra-op threads wait for each other at every operation, which makes decode"
					+ " especially sensitive to a busy core.").append(System.lineSeparator());
		}
	}

	private static void appendTable(StringBuilder out, Settings settings, long weightBytes, int bandwidthThreads,
			List<Run> runs) {
		int prompt = settings.promptTokens();
		int decode = settings.decodeTokens();
		ToDoubleFunction<Run> limit = (run) -> run.bandwidthGbps() * 1e9 / weightBytes;

		out.append("| metric | median | min | max | unit |").append(System.lineSeparator());
		out.append("|---|---:|---:|---:|---|").append(System.lineSeparator());
		appendRow(out, "prefill, " + prompt + " tokens", runs, (run) -> prompt / run.prefillSeconds(), "tok/s");
		appendRow(out, "time to first token", runs, (run) -> run.firstTokenSeconds() * 1000, "ms");
		appendRow(out, "decode, " + decode + " steps", runs, (run) -> decode / run.decodeSeconds(), "tok/s");
		appendRow(out, "read bandwidth, Java float[] sum, " + bandwidthThreads + " threads", runs, Run::javaGbps,
				"GB/s");
		appendRow(out, "read bandwidth, PyTorch sum()", runs, Run::torchGbps, "GB/s");
		appendRow(out, "read bandwidth, higher of the two", runs, Run::bandwidthGbps, "GB/s");
		appendRow(out, "decode limit = bandwidth / weight bytes", runs, limit, "tok/s");
		appendRow(out, "decode / limit", runs,
				(run) -> 100 * (decode / run.decodeSeconds()) / limit.applyAsDouble(run), "%");
	}

	private static void appendRow(StringBuilder out, String metric, List<Run> runs, ToDoubleFunction<Run> value,
			String unit) {
		double[] values = runs.stream().mapToDouble(value).sorted().toArray();
		out.append("| ")
			.append(metric)
			.append(" | ")
			.append(format(median(values)))
			.append(" | ")
			.append(format(values[0]))
			.append(" | ")
			.append(format(values[values.length - 1]))
			.append(" | ")
			.append(unit)
			.append(" |")
			.append(System.lineSeparator());
	}

	private static double median(double[] sorted) {
		int middle = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	}

	private static String format(double value) {
		return String.format(Locale.ROOT, "%.1f", value);
	}

}
