package dev.embeddedllm.runtime;

import java.util.Locale;

import ai.djl.Device;
import ai.djl.engine.Engine;

import dev.embeddedllm.LlmException;

/**
 * Turns the {@code device} setting into a DJL {@link Device}.
 */
public final class DeviceSelector {

	private DeviceSelector() {
	}

	/**
	 * Resolves {@code auto} (the first GPU when the engine detects one, else the CPU),
	 * {@code cpu}, {@code gpu}, {@code cuda} or {@code gpu:N} / {@code cuda:N}.
	 * @throws LlmException if the value is unknown or names a GPU the engine does not detect
	 */
	public static Device select(Engine engine, String setting) {
		String value = setting.trim().toLowerCase(Locale.ROOT);
		int gpuCount = engine.getGpuCount();
		if (value.equals("auto")) {
			return (gpuCount > 0) ? Device.gpu(0) : Device.cpu();
		}
		if (value.equals("cpu")) {
			return Device.cpu();
		}
		if (value.startsWith("gpu") || value.startsWith("cuda")) {
			int index = parseGpuIndex(setting, value);
			if (index >= gpuCount) {
				throw new LlmException("Invalid device '" + setting + "': the PyTorch engine detects " + gpuCount
						+ " GPU(s). Use device 'cpu' or 'auto', or install DJL's CUDA native library.");
			}
			return Device.gpu(index);
		}
		throw new LlmException(
				"Invalid device '" + setting + "': use 'auto', 'cpu', 'gpu' or 'gpu:N' (N is the GPU index).");
	}

	private static int parseGpuIndex(String setting, String value) {
		int colon = value.indexOf(':');
		if (colon < 0) {
			if (value.equals("gpu") || value.equals("cuda")) {
				return 0;
			}
			throw new LlmException("Invalid device '" + setting + "': use 'gpu' or 'gpu:N' (N is the GPU index).");
		}
		try {
			return Integer.parseInt(value.substring(colon + 1));
		}
		catch (NumberFormatException ex) {
			throw new LlmException("Invalid device '" + setting + "': the GPU index must be a whole number.");
		}
	}

}
