package dev.embeddedllm.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Assumptions;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Access to the shared test checkpoints named by the system property
 * {@code embeddedllm.testkit}. Tests that need them are skipped when the property is unset,
 * and fail when it is set but a file is missing.
 */
public final class TestKit {

	public static final String PROPERTY = "embeddedllm.testkit";

	public static final String TINY_LLAMA = "tiny-llama-32k";

	public static final String TINY_QWEN2 = "tiny-qwen2-style";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private TestKit() {
	}

	/**
	 * Returns the folder of a test checkpoint.
	 */
	public static Path model(String name) {
		String root = System.getProperty(PROPERTY, "");
		Assumptions.assumeFalse(root.isBlank(), "System property " + PROPERTY + " is not set; skipping checkpoint test");
		Path folder = Path.of(root).resolve(name);
		for (String file : List.of("config.json", "model.safetensors", "tokenizer.json", "goldens.jsonl")) {
			if (!Files.isRegularFile(folder.resolve(file))) {
				throw new IllegalStateException(PROPERTY + " is set to '" + root + "', but " + folder.resolve(file)
						+ " is missing.");
			}
		}
		return folder;
	}

	/**
	 * Reads the goldens of a test checkpoint, one JSON object per line.
	 */
	public static List<Golden> goldens(String name) {
		Path file = model(name).resolve("goldens.jsonl");
		List<Golden> goldens = new ArrayList<>();
		try {
			for (String line : Files.readAllLines(file)) {
				if (!line.isBlank()) {
					goldens.add(Golden.of(JSON.readTree(line)));
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return goldens;
	}

	/**
	 * One golden prompt with the reference implementation's outputs.
	 */
	public record Golden(String prompt, int[] promptIds, int[] greedyIds, String completionText, int[] top5Ids,
			float[] top5Logits, double minMargin) {

		static Golden of(JsonNode node) {
			JsonNode top5 = node.path("top5_first_step");
			int[] top5Ids = new int[top5.size()];
			float[] top5Logits = new float[top5.size()];
			for (int i = 0; i < top5.size(); i++) {
				top5Ids[i] = top5.get(i).get(0).asInt();
				top5Logits[i] = (float) top5.get(i).get(1).asDouble();
			}
			return new Golden(node.path("prompt").asString(), ints(node.path("prompt_ids")),
					ints(node.path("greedy_ids")), node.path("completion_text").asString(), top5Ids, top5Logits,
					node.path("min_margin").asDouble());
		}

		private static int[] ints(JsonNode array) {
			int[] values = new int[array.size()];
			for (int i = 0; i < values.length; i++) {
				values[i] = array.get(i).asInt();
			}
			return values;
		}

		@Override
		public String toString() {
			String shown = this.prompt.length() > 40 ? this.prompt.substring(0, 40) + "..." : this.prompt;
			return "\"" + shown.replace("\n", "\\n") + "\"";
		}

	}

}
