package dev.embeddedllm.prompt;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

import dev.embeddedllm.GenerationOptions;
import dev.embeddedllm.LlmException;

/**
 * Reads prompt templates from YAML or JSON files, one template per file:
 *
 * <pre>
 * name: order-status              # optional, defaults to the file name without extension
 * version: "2"                    # optional
 * system: You answer for {company}.
 * user: "Customer: {question}"
 * examples:                       # optional; input/output or user/assistant pairs
 *   - input: Where is my parcel?
 *     output: Could you share the order number?
 * options:                        # optional default sampling settings
 *   temperature: 0.2
 *   max_tokens: 150
 * </pre>
 */
public final class PromptTemplateParser {

	private static final ObjectMapper YAML = YAMLMapper.builder().build();

	private static final ObjectMapper JSON = JsonMapper.builder().build();

	private static final Set<String> FIELDS = Set.of("name", "version", "system", "user", "examples", "options");

	private static final Set<String> OPTION_FIELDS = Set.of("temperature", "max_tokens", "top_p", "top_k", "seed",
			"stop");

	private PromptTemplateParser() {
	}

	/**
	 * Returns whether a file name has an extension this parser reads: {@code .yaml},
	 * {@code .yml} or {@code .json}.
	 */
	public static boolean isTemplateFile(String fileName) {
		String lower = fileName.toLowerCase(Locale.ROOT);
		return lower.endsWith(".yaml") || lower.endsWith(".yml") || lower.endsWith(".json");
	}

	/**
	 * Parses one template file.
	 * @param fileName the file name, for the format, the default template name and errors
	 * @throws LlmException naming the file and the invalid field
	 */
	public static PromptTemplate parse(String fileName, InputStream content) {
		JsonNode root;
		try {
			ObjectMapper mapper = fileName.toLowerCase(Locale.ROOT).endsWith(".json") ? JSON : YAML;
			root = mapper.readTree(content.readAllBytes());
		}
		catch (IOException | JacksonException ex) {
			throw new LlmException("Invalid prompt template file '" + fileName + "': " + ex.getMessage(), ex);
		}
		if (root == null || !root.isObject()) {
			throw invalid(fileName, "the file must contain one mapping with at least a 'user' field");
		}
		for (String field : root.propertyNames()) {
			if (!FIELDS.contains(field)) {
				throw invalid(fileName, "unknown field '" + field + "'; the fields are " + FIELDS);
			}
		}

		String user = text(fileName, root, "user");
		if (user == null) {
			throw invalid(fileName, "missing field 'user', the user message with {variable} placeholders");
		}
		String name = text(fileName, root, "name");
		if (name == null) {
			name = fileName.replaceAll("^.*/", "").replaceAll("\\.(ya?ml|json)$", "");
		}
		return PromptTemplate.builder(name, user)
			.version(text(fileName, root, "version"))
			.system(text(fileName, root, "system"))
			.examples(examples(fileName, root.path("examples")))
			.options(options(fileName, root.path("options")))
			.build();
	}

	private static String text(String fileName, JsonNode root, String field) {
		JsonNode node = root.path(field);
		if (node.isMissingNode() || node.isNull()) {
			return null;
		}
		if (!node.isValueNode()) {
			throw invalid(fileName, "field '" + field + "' must be text");
		}
		return node.asString();
	}

	private static List<FewShotExample> examples(String fileName, JsonNode node) {
		List<FewShotExample> examples = new ArrayList<>();
		if (node.isMissingNode() || node.isNull()) {
			return examples;
		}
		if (!node.isArray()) {
			throw invalid(fileName, "field 'examples' must be a list of input/output pairs");
		}
		for (int i = 0; i < node.size(); i++) {
			JsonNode example = node.get(i);
			String input = firstText(example, "input", "user");
			String output = firstText(example, "output", "assistant");
			if (input == null || output == null) {
				throw invalid(fileName, "example " + (i + 1) + " needs 'input' and 'output' (or 'user' and 'assistant')");
			}
			examples.add(new FewShotExample(input, output));
		}
		return examples;
	}

	private static String firstText(JsonNode node, String name, String alternative) {
		JsonNode value = node.has(name) ? node.get(name) : node.get(alternative);
		return (value != null && value.isValueNode()) ? value.asString() : null;
	}

	private static GenerationOptions options(String fileName, JsonNode node) {
		if (node.isMissingNode() || node.isNull()) {
			return GenerationOptions.empty();
		}
		if (!node.isObject()) {
			throw invalid(fileName, "field 'options' must be a mapping");
		}
		for (String field : node.propertyNames()) {
			if (!OPTION_FIELDS.contains(field)) {
				throw invalid(fileName, "unknown option '" + field + "'; the options are " + OPTION_FIELDS);
			}
		}
		try {
			GenerationOptions.Builder builder = GenerationOptions.builder();
			if (node.has("temperature")) {
				builder.temperature(node.get("temperature").asDouble());
			}
			if (node.has("max_tokens")) {
				builder.maxTokens(node.get("max_tokens").asInt());
			}
			if (node.has("top_p")) {
				builder.topP(node.get("top_p").asDouble());
			}
			if (node.has("top_k")) {
				builder.topK(node.get("top_k").asInt());
			}
			if (node.has("seed")) {
				builder.seed(node.get("seed").asLong());
			}
			if (node.has("stop")) {
				List<String> stop = new ArrayList<>();
				node.get("stop").forEach((value) -> stop.add(value.asString()));
				builder.stop(stop);
			}
			return builder.build();
		}
		catch (LlmException ex) {
			throw invalid(fileName, ex.getMessage());
		}
	}

	private static LlmException invalid(String fileName, String problem) {
		return new LlmException("Invalid prompt template file '" + fileName + "': " + problem + ".");
	}

}
