package dev.embeddedllm.runtime;

import java.util.Random;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import org.junit.jupiter.api.Test;

import dev.embeddedllm.model.Checkpoint;
import dev.embeddedllm.testkit.TestKit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks that a prompt longer than one prefill chunk gives the same logits as feeding the
 * same tokens one decode step at a time through the KV cache.
 */
class ChunkedPrefillIT {

	@Test
	void chunkedPrefill_matchesTokenByTokenDecode() {
		Engine engine = EngineSupport.pytorch();
		try (NDManager manager = engine.newBaseManager();
				Checkpoint checkpoint = Checkpoint.open(TestKit.model(TestKit.TINY_QWEN2));
				LlamaModel model = LlamaModel.load(checkpoint, manager, Device.cpu(), DataType.FLOAT32, 512)) {
			int length = LlamaModel.PREFILL_CHUNK_TOKENS + 44;
			int[] ids = new int[length];
			Random random = new Random(7);
			for (int i = 0; i < length; i++) {
				ids[i] = 3 + random.nextInt(31_000);
			}

			float[] chunked;
			try (KvCache cache = model.newKvCache(length)) {
				chunked = model.forward(ids, cache);
			}
			float[] stepwise = null;
			try (KvCache cache = model.newKvCache(length)) {
				for (int id : ids) {
					stepwise = model.forward(new int[] { id }, cache);
				}
			}

			float worst = 0;
			for (int i = 0; i < chunked.length; i++) {
				worst = Math.max(worst, Math.abs(chunked[i] - stepwise[i]));
			}
			assertThat(chunked).hasSize(32_000);
			assertThat(worst).as("max |logit difference|").isLessThan(1e-4f);
		}
	}

}
