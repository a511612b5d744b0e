package dev.embeddedllm.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Measures read memory bandwidth in two ways, over buffers far larger than the last-level
 * cache so that every pass streams from DRAM. One is a Java loop that sums a {@code float[]}
 * in several threads. The other is PyTorch's {@code sum()} over a float32 array through DJL,
 * on as many intra-op threads, with vectorized loads.
 *
 * <p>
 * A sample reports the best pass of each method, the rate the memory sustained at that
 * moment. Bandwidth is counted as bytes of the buffer divided by the wall time of one pass,
 * in decimal GB/s (10^9 bytes per second).
 */
final class MemoryBandwidth implements AutoCloseable {

	/** Independent partial sums per thread, enough to hide the latency of a float add. */
	private static final int ACCUMULATORS = 8;

	private final float[] javaBuffer;

	private final NDArray torchBuffer;

	private final int threads;

	private final ExecutorService executor;

	/** Written after every Java pass so that the JIT cannot drop the loop as dead code. */
	private volatile float sink;

	/**
	 * Result of one sample, in GB/s.
	 */
	record Sample(double javaGbps, double torchGbps) {

		double best() {
			return Math.max(this.javaGbps, this.torchGbps);
		}

	}

	/**
	 * Allocates and fills both buffers.
	 * @param bytes size of each buffer, which the Java one takes from the heap
	 * @param threads number of threads of the Java loop
	 */
	MemoryBandwidth(NDManager manager, long bytes, int threads) {
		long elements = bytes / Float.BYTES;
		if (elements > Integer.MAX_VALUE - 8) {
			throw new IllegalArgumentException("Invalid bandwidth buffer size " + bytes
					+ " bytes: a float[] holds at most 8 GiB, so pass a smaller --bandwidth-mib.");
		}
		this.javaBuffer = new float[(int) elements];
		Arrays.fill(this.javaBuffer, 1.0f);
		this.torchBuffer = manager.ones(new Shape(elements), DataType.FLOAT32);
		this.threads = threads;
		this.executor = Executors.newFixedThreadPool(threads, (task) -> {
			Thread thread = new Thread(task, "bandwidth");
			thread.setDaemon(true);
			return thread;
		});
	}

	long bufferBytes() {
		return (long) this.javaBuffer.length * Float.BYTES;
	}

	int threads() {
		return this.threads;
	}

	/**
	 * Runs {@code passes} passes of each method and returns the best of each. PyTorch's
	 * intra-op thread count is set to the Java loop's thread count for the sample and
	 * restored after it, so both methods measure the same number of cores whatever the
	 * forward pass uses.
	 */
	Sample sample(int passes) {
		double bestJava = 0;
		double bestTorch = 0;
		int intraOpThreads = JniUtils.getNumThreads();
		JniUtils.setNumThreads(this.threads);
		try {
			for (int pass = 0; pass < passes; pass++) {
				bestJava = Math.max(bestJava, javaPass());
				bestTorch = Math.max(bestTorch, torchPass());
			}
		}
		finally {
			JniUtils.setNumThreads(intraOpThreads);
		}
		return new Sample(bestJava, bestTorch);
	}

	private double javaPass() {
		int length = this.javaBuffer.length;
		int slice = length / this.threads;
		long start = System.nanoTime();
		List<Future<Float>> parts = new ArrayList<>(this.threads);
		for (int thread = 0; thread < this.threads; thread++) {
			int from = thread * slice;
			int to = (thread == this.threads - 1) ? length : from + slice;
			parts.add(this.executor.submit(() -> sum(this.javaBuffer, from, to)));
		}
		float total = 0;
		for (Future<Float> part : parts) {
			try {
				total += part.get();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while measuring memory bandwidth.", ex);
			}
			catch (ExecutionException ex) {
				throw new IllegalStateException("Memory bandwidth thread failed.", ex.getCause());
			}
		}
		long nanos = System.nanoTime() - start;
		this.sink = total;
		return bufferBytes() / (double) nanos;
	}

	private static float sum(float[] values, int from, int to) {
		float s0 = 0;
		float s1 = 0;
		float s2 = 0;
		float s3 = 0;
		float s4 = 0;
		float s5 = 0;
		float s6 = 0;
		float s7 = 0;
		int i = from;
		for (; i + ACCUMULATORS <= to; i += ACCUMULATORS) {
			s0 += values[i];
			s1 += values[i + 1];
			s2 += values[i + 2];
			s3 += values[i + 3];
			s4 += values[i + 4];
			s5 += values[i + 5];
			s6 += values[i + 6];
			s7 += values[i + 7];
		}
		float tail = 0;
		for (; i < to; i++) {
			tail += values[i];
		}
		return tail + s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7;
	}

	private double torchPass() {
		long start = System.nanoTime();
		float total;
		try (NDArray sum = this.torchBuffer.sum()) {
			total = sum.getFloat();
		}
		long nanos = System.nanoTime() - start;
		this.sink = total;
		return bufferBytes() / (double) nanos;
	}

	@Override
	public void close() {
		this.executor.shutdownNow();
		this.torchBuffer.close();
	}

}
