package dev.embeddedllm.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * One-line description of the machine and software a benchmark ran on.
 */
final class MachineInfo {

	private MachineInfo() {
	}

	/**
	 * Describes the CPU model, cores, last-level cache and memory (from /proc and /sys on
	 * Linux, "unknown" elsewhere), the JVM, the DJL and PyTorch versions and PyTorch's
	 * intra-op and inter-op thread counts.
	 */
	static String describe(Engine engine) {
		return String.format("CPU %s, %d cores, L3 %s, RAM %s; JVM %s %s; DJL %s, PyTorch %s,"
				+ " intra-op threads %d, inter-op threads %d", cpuModel(), Runtime.getRuntime().availableProcessors(),
				lastLevelCache(), totalMemory(), System.getProperty("java.vm.name"),
				System.getProperty("java.runtime.version"), Engine.getDjlVersion(), engine.getVersion(),
				JniUtils.getNumThreads(), JniUtils.getNumInteropThreads());
	}

	private static String cpuModel() {
		return readLines(Path.of("/proc/cpuinfo")).stream()
			.filter((line) -> line.startsWith("model name"))
			.map((line) -> line.substring(line.indexOf(':') + 1).trim())
			.findFirst()
			.orElse("unknown");
	}

	private static String lastLevelCache() {
		long bytes = lastLevelCacheBytes();
		return (bytes > 0) ? (bytes / (1024 * 1024)) + " MiB" : "unknown";
	}

	/**
	 * Returns the size of the L3 cache of the first CPU from sysfs, or 0 where it is not
	 * published.
	 */
	static long lastLevelCacheBytes() {
		List<String> lines = readLines(Path.of("/sys/devices/system/cpu/cpu0/cache/index3/size"));
		if (lines.isEmpty()) {
			return 0;
		}
		// sysfs writes the size as "32768K".
		String size = lines.get(0).trim();
		try {
			long value = Long.parseLong(size.replaceAll("[^0-9]", ""));
			return size.endsWith("M") ? value * 1024 * 1024 : size.endsWith("K") ? value * 1024 : value;
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	/**
	 * CPU time counters of the whole machine and of this process, from /proc/stat and
	 * /proc/self/stat, in clock ticks.
	 */
	record CpuTimes(long machineBusyTicks, long processTicks, long nanoTime) {

		/** Clock ticks per second of the /proc counters, USER_HZ, which is 100 on Linux x86-64. */
		private static final double TICKS_PER_SECOND = 100;

		static CpuTimes now() {
			long machineBusy = -1;
			List<String> stat = readLines(Path.of("/proc/stat"));
			if (!stat.isEmpty() && stat.get(0).startsWith("cpu ")) {
				// cpu user nice system idle iowait irq softirq steal ...: busy is all but idle and iowait.
				String[] fields = stat.get(0).trim().split("\\s+");
				machineBusy = 0;
				for (int i = 1; i < Math.min(fields.length, 9); i++) {
					if (i != 4 && i != 5) {
						machineBusy += Long.parseLong(fields[i]);
					}
				}
			}
			long process = -1;
			List<String> self = readLines(Path.of("/proc/self/stat"));
			if (!self.isEmpty()) {
				// Fields after the command name, which may contain spaces, start at state (field 3);
				// utime and stime are fields 14 and 15.
				String[] fields = self.get(0).substring(self.get(0).lastIndexOf(')') + 2).split(" ");
				process = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
			}
			return new CpuTimes(machineBusy, process, System.nanoTime());
		}

		/**
		 * Returns the mean number of cores that other processes kept busy since
		 * {@code earlier}, or -1 where /proc is not available.
		 */
		double otherProcessCoresSince(CpuTimes earlier) {
			if (this.machineBusyTicks < 0 || this.processTicks < 0 || earlier.machineBusyTicks < 0) {
				return -1;
			}
			long otherTicks = (this.machineBusyTicks - earlier.machineBusyTicks)
					- (this.processTicks - earlier.processTicks);
			double seconds = (this.nanoTime - earlier.nanoTime) / 1e9;
			return Math.max(0, otherTicks / TICKS_PER_SECOND / seconds);
		}

	}

	private static String totalMemory() {
		return readLines(Path.of("/proc/meminfo")).stream()
			.filter((line) -> line.startsWith("MemTotal:"))
			.map((line) -> {
				long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
				return String.format("%.1f GiB", kib / (1024.0 * 1024.0));
			})
			.findFirst()
			.orElse("unknown");
	}

	private static List<String> readLines(Path file) {
		try {
			return Files.readAllLines(file);
		}
		catch (IOException ex) {
			return List.of();
		}
	}

}
