package dev.embeddedllm.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

import dev.embeddedllm.GenerationOptions;
import dev.embeddedllm.runtime.RuntimeDtype;

/**
 * Configuration of the in-process model, under the {@code llm} prefix.
 */
@ConfigurationProperties("llm")
public class LlmProperties {

	/**
	 * Whether to create the LlmClient bean and the REST endpoints.
	 */
	private boolean enabled = true;

	private final Model model = new Model();

	private final Runtime runtime = new Runtime();

	private final Generation generation = new Generation();

	private final Web web = new Web();

	private final Prompts prompts = new Prompts();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Model getModel() {
		return this.model;
	}

	public Runtime getRuntime() {
		return this.runtime;
	}

	public Generation getGeneration() {
		return this.generation;
	}

	public Web getWeb() {
		return this.web;
	}

	public Prompts getPrompts() {
		return this.prompts;
	}

	/**
	 * The checkpoint to load.
	 */
	public static class Model {

		/**
		 * Folder of a Hugging Face checkpoint: config.json, model.safetensors (or a sharded
		 * model.safetensors.index.json) and tokenizer.json.
		 */
		private @Nullable String path;

		/**
		 * Jinja chat template that replaces the chat_template of tokenizer_config.json, for
		 * models that ship none: the template text, or a 'classpath:' or 'file:' location of
		 * a file that contains it.
		 */
		private @Nullable String chatTemplate;

		public @Nullable String getPath() {
			return this.path;
		}

		public void setPath(@Nullable String path) {
			this.path = path;
		}

		public @Nullable String getChatTemplate() {
			return this.chatTemplate;
		}

		public void setChatTemplate(@Nullable String chatTemplate) {
			this.chatTemplate = chatTemplate;
		}

	}

	/**
	 * Device, precision and context window of the model.
	 */
	public static class Runtime {

		/**
		 * Device to run on: 'auto' (the first GPU that DJL's PyTorch engine detects, else the
		 * CPU), 'cpu', 'gpu' or 'gpu:N'.
		 */
		private String device = "auto";

		/**
		 * Data type of weights and activations. 'auto' is float32 on the CPU and float16 on a
		 * GPU.
		 */
		private RuntimeDtype dtype = RuntimeDtype.AUTO;

		/**
		 * Maximum number of tokens of prompt and completion together. 0 uses the model's
		 * max_position_embeddings; larger values are lowered to it.
		 */
		private int contextLength = 0;

		public String getDevice() {
			return this.device;
		}

		public void setDevice(String device) {
			this.device = device;
		}

		public RuntimeDtype getDtype() {
			return this.dtype;
		}

		public void setDtype(RuntimeDtype dtype) {
			this.dtype = dtype;
		}

		public int getContextLength() {
			return this.contextLength;
		}

		public void setContextLength(int contextLength) {
			this.contextLength = contextLength;
		}

	}

	/**
	 * Sampling defaults for requests that do not set them.
	 */
	public static class Generation {

		/**
		 * Number of tokens to generate when a request does not set max_tokens.
		 */
		private int maxTokens = GenerationOptions.DEFAULT_MAX_TOKENS;

		/**
		 * Largest max_tokens a request may ask for; larger requests are rejected.
		 */
		private int maxTokensLimit = 4096;

		/**
		 * Softmax temperature; 0 selects greedy decoding.
		 */
		private double temperature = GenerationOptions.DEFAULT_TEMPERATURE;

		/**
		 * Nucleus sampling mass in (0, 1]; 1 turns the filter off.
		 */
		private double topP = GenerationOptions.DEFAULT_TOP_P;

		/**
		 * Number of most likely tokens sampling keeps; 0 turns the filter off.
		 */
		private int topK = GenerationOptions.DEFAULT_TOP_K;

		/**
		 * Random seed for requests that set none, which makes sampled output repeatable.
		 * Unset gives every request its own seed.
		 */
		private @Nullable Long seed;

		/**
		 * Strings that end generation; the output stops before them.
		 */
		private List<String> stop = new ArrayList<>();

		public int getMaxTokens() {
			return this.maxTokens;
		}

		public void setMaxTokens(int maxTokens) {
			this.maxTokens = maxTokens;
		}

		public int getMaxTokensLimit() {
			return this.maxTokensLimit;
		}

		public void setMaxTokensLimit(int maxTokensLimit) {
			this.maxTokensLimit = maxTokensLimit;
		}

		public double getTemperature() {
			return this.temperature;
		}

		public void setTemperature(double temperature) {
			this.temperature = temperature;
		}

		public double getTopP() {
			return this.topP;
		}

		public void setTopP(double topP) {
			this.topP = topP;
		}

		public int getTopK() {
			return this.topK;
		}

		public void setTopK(int topK) {
			this.topK = topK;
		}

		public @Nullable Long getSeed() {
			return this.seed;
		}

		public void setSeed(@Nullable Long seed) {
			this.seed = seed;
		}

		public List<String> getStop() {
			return this.stop;
		}

		public void setStop(List<String> stop) {
			this.stop = stop;
		}

	}

	/**
	 * The REST endpoints.
	 */
	public static class Web {

		/**
		 * Whether to expose POST /api/generate in a servlet web application.
		 */
		private boolean enabled = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

	/**
	 * The prompt-template registry.
	 */
	public static class Prompts {

		/**
		 * Folders of prompt template files (*.yaml, *.yml, *.json), as Spring resource
		 * locations such as 'classpath:/prompts/' or 'file:/etc/chatbot/prompts/'.
		 */
		private List<String> locations = new ArrayList<>(List.of("classpath:/prompts/"));

		/**
		 * Templates defined in properties, by name; they replace file templates of the same
		 * name.
		 */
		private Map<String, InlineTemplate> templates = new LinkedHashMap<>();

		public List<String> getLocations() {
			return this.locations;
		}

		public void setLocations(List<String> locations) {
			this.locations = locations;
		}

		public Map<String, InlineTemplate> getTemplates() {
			return this.templates;
		}

		public void setTemplates(Map<String, InlineTemplate> templates) {
			this.templates = templates;
		}

	}

	/**
	 * A prompt template written in properties.
	 */
	public static class InlineTemplate {

		/**
		 * Version label, for logs and clients.
		 */
		private @Nullable String version;

		/**
		 * System message, with {variable} placeholders.
		 */
		private @Nullable String system;

		/**
		 * User message, with {variable} placeholders.
		 */
		private @Nullable String user;

		/**
		 * Few-shot examples shown before the live user message.
		 */
		private List<Example> examples = new ArrayList<>();

		/**
		 * Default temperature of requests that use this template.
		 */
		private @Nullable Double temperature;

		/**
		 * Default max tokens of requests that use this template.
		 */
		private @Nullable Integer maxTokens;

		public @Nullable String getVersion() {
			return this.version;
		}

		public void setVersion(@Nullable String version) {
			this.version = version;
		}

		public @Nullable String getSystem() {
			return this.system;
		}

		public void setSystem(@Nullable String system) {
			this.system = system;
		}

		public @Nullable String getUser() {
			return this.user;
		}

		public void setUser(@Nullable String user) {
			this.user = user;
		}

		public List<Example> getExamples() {
			return this.examples;
		}

		public void setExamples(List<Example> examples) {
			this.examples = examples;
		}

		public @Nullable Double getTemperature() {
			return this.temperature;
		}

		public void setTemperature(@Nullable Double temperature) {
			this.temperature = temperature;
		}

		public @Nullable Integer getMaxTokens() {
			return this.maxTokens;
		}

		public void setMaxTokens(@Nullable Integer maxTokens) {
			this.maxTokens = maxTokens;
		}

	}

	/**
	 * A few-shot example: an input and the output the model should imitate.
	 */
	public static class Example {

		/**
		 * Example user message.
		 */
		private String input = "";

		/**
		 * Example assistant reply.
		 */
		private String output = "";

		public String getInput() {
			return this.input;
		}

		public void setInput(String input) {
			this.input = input;
		}

		public String getOutput() {
			return this.output;
		}

		public void setOutput(String output) {
			this.output = output;
		}

	}

}
