package dev.embeddedllm.runtime;

import ai.djl.engine.Engine;

import dev.embeddedllm.LlmException;

/**
 * Access to DJL's PyTorch engine, started without network access.
 */
public final class EngineSupport {

	/** System property that stops DJL from downloading native libraries. */
	public static final String OFFLINE_PROPERTY = "ai.djl.offline";

	private EngineSupport() {
	}

	/**
	 * Returns the PyTorch engine. Unless the application set {@code ai.djl.offline} itself,
	 * it is set to {@code true} first, so the engine loads the native library bundled in the
	 * {@code pytorch-native-*} jar on the class path instead of downloading one.
	 * @throws LlmException if the engine cannot start, with the likely fix
	 */
	public static Engine pytorch() {
		if (System.getProperty(OFFLINE_PROPERTY) == null) {
			System.setProperty(OFFLINE_PROPERTY, "true");
		}
		try {
			return Engine.getEngine("PyTorch");
		}
		catch (RuntimeException | UnsatisfiedLinkError ex) {
			throw new LlmException("Cannot start DJL's PyTorch engine: " + ex.getMessage()
					+ ". Put ai.djl.pytorch:pytorch-engine, pytorch-jni and a pytorch-native-cpu (or CUDA) jar"
					+ " for this platform on the class path.", ex);
		}
	}

}
