package dev.embeddedllm.runtime;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.embeddedllm.ChatMessage;
import dev.embeddedllm.FinishReason;
import dev.embeddedllm.GenerationOptions;
import dev.embeddedllm.GenerationRequest;
import dev.embeddedllm.GenerationResult;
import dev.embeddedllm.InvalidRequestException;
import dev.embeddedllm.LlmClient;
import dev.embeddedllm.LlmException;
import dev.embeddedllm.ModelInfo;
import dev.embeddedllm.Usage;
import dev.embeddedllm.model.Checkpoint;
import dev.embeddedllm.model.ModelConfig;
import dev.embeddedllm.sampling.Sampler;
import dev.embeddedllm.tokenizer.ChatPromptEncoder;
import dev.embeddedllm.tokenizer.ChatTemplate;
import dev.embeddedllm.tokenizer.IncrementalDetokenizer;
import dev.embeddedllm.tokenizer.LlmTokenizer;

/**
 * {@link LlmClient} that runs a checkpoint in this JVM through DJL's PyTorch engine.
 *
 * <p>
 * One request runs at a time; concurrent callers wait in arrival order.
 * NOTE: there is no batching yet, so throughput under concurrent load equals that of one
 * sequence.
 */
public final class LocalLlmClient implements LlmClient {

	private static final Logger logger = LoggerFactory.getLogger(LocalLlmClient.class);

	private final String name;

	private final NDManager manager;

	private final LlamaModel model;

	private final LlmTokenizer tokenizer;

	private final @Nullable ChatPromptEncoder chatEncoder;

	private final Set<Integer> eosTokenIds;

	private final int contextLength;

	private final int maxTokensLimit;

	private final GenerationOptions defaults;

	private final ReentrantLock lock = new ReentrantLock(true);

	private volatile boolean closed;

	private LocalLlmClient(String name, NDManager manager, LlamaModel model, LlmTokenizer tokenizer,
			@Nullable ChatTemplate chatTemplate, Set<Integer> eosTokenIds, int contextLength, int maxTokensLimit,
			GenerationOptions defaults) {
		this.name = name;
		this.manager = manager;
		this.model = model;
		this.tokenizer = tokenizer;
		this.chatEncoder = (chatTemplate != null) ? new ChatPromptEncoder(chatTemplate, tokenizer) : null;
		this.eosTokenIds = eosTokenIds;
		this.contextLength = contextLength;
		this.maxTokensLimit = maxTokensLimit;
		this.defaults = defaults;
	}

	public static Builder builder(Path modelPath) {
		return new Builder(modelPath);
	}

	@Override
	public GenerationResult generate(GenerationRequest request) {
		return stream(request, (delta) -> {
		});
	}

	@Override
	public GenerationResult stream(GenerationRequest request, Consumer<String> listener) {
		Objects.requireNonNull(request, "request must not be null");
		Objects.requireNonNull(listener, "listener must not be null");
		GenerationOptions options = request.options().withDefaults(this.defaults);
		int maxTokens = Objects.requireNonNull(options.maxTokens());
		if (maxTokens > this.maxTokensLimit) {
			throw new InvalidRequestException("max_tokens", "Invalid max_tokens " + maxTokens + ": it must be at most "
					+ this.maxTokensLimit + " (llm.generation.max-tokens-limit).");
		}
		this.lock.lock();
		try {
			int[] promptIds = promptIds(request);
			return run(promptIds, options, listener);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Returns the prompt ids of a request: raw text with the tokenizer's special tokens, or
	 * chat messages rendered through the chat template, which already contains them.
	 * @throws InvalidRequestException if the prompt does not leave room for one generated
	 * token in the context window, or chat messages reach a model without a chat template
	 */
	private int[] promptIds(GenerationRequest request) {
		requireOpen();
		int[] ids;
		String field;
		if (request.isChat()) {
			ids = requireChatEncoder().encode(Objects.requireNonNull(request.messages()), true);
			field = "messages";
		}
		else {
			ids = this.tokenizer.encode(Objects.requireNonNull(request.prompt()), true);
			field = "prompt";
		}
		if (ids.length == 0) {
			throw new InvalidRequestException(field, "Invalid " + field + ": it encodes to no tokens.");
		}
		if (ids.length >= this.contextLength) {
			throw new InvalidRequestException(field, "The " + field + " has " + ids.length
					+ " tokens, but the context window holds " + this.contextLength
					+ " tokens, prompt and completion together (llm.runtime.context-length). Shorten the prompt.");
		}
		return ids;
	}

	private GenerationResult run(int[] promptIds, GenerationOptions options, Consumer<String> listener) {
		int maxTokens = Math.min(Objects.requireNonNull(options.maxTokens()), this.contextLength - promptIds.length);
		Long seed = options.seed();
		Sampler sampler = new Sampler(Objects.requireNonNull(options.temperature()),
				Objects.requireNonNull(options.topK()), Objects.requireNonNull(options.topP()),
				(seed != null) ? seed : ThreadLocalRandom.current().nextLong());
		IncrementalDetokenizer detokenizer = new IncrementalDetokenizer(this.tokenizer, promptIds);
		StopStringFilter stopFilter = new StopStringFilter(Objects.requireNonNull(options.stop()));
		StringBuilder text = new StringBuilder();
		List<Integer> completionIds = new ArrayList<>();
		FinishReason finishReason = FinishReason.LENGTH;

		try (KvCache cache = this.model.newKvCache(promptIds.length + maxTokens)) {
			long start = System.nanoTime();
			float[] logits = this.model.forward(promptIds, cache);
			if (logger.isDebugEnabled()) {
				logger.debug("Prefill of {} tokens took {} ms", promptIds.length, (System.nanoTime() - start) / 1_000_000);
			}
			while (true) {
				int next = sampler.sample(logits);
				completionIds.add(next);
				if (this.eosTokenIds.contains(next)) {
					finishReason = FinishReason.STOP;
					break;
				}
				emit(stopFilter.accept(detokenizer.add(next)), text, listener);
				if (stopFilter.stopped()) {
					finishReason = FinishReason.STOP;
					break;
				}
				if (completionIds.size() == maxTokens) {
					break;
				}
				logits = this.model.forward(new int[] { next }, cache);
			}
			if (!stopFilter.stopped()) {
				emit(stopFilter.accept(detokenizer.flush()), text, listener);
				emit(stopFilter.finish(), text, listener);
			}
			if (logger.isDebugEnabled()) {
				logger.debug("Generated {} tokens in {} ms, finish reason {}", completionIds.size(),
						(System.nanoTime() - start) / 1_000_000, finishReason.value());
			}
		}
		return new GenerationResult(text.toString(), finishReason,
				new Usage(promptIds.length, completionIds.size()), completionIds);
	}

	/**
	 * Renders chat messages through the model's chat template, as the model would see them.
	 * @throws InvalidRequestException if the model has no chat template or the template
	 * rejects the messages
	 */
	@Override
	public String applyChatTemplate(List<ChatMessage> messages, boolean addGenerationPrompt) {
		requireOpen();
		return requireChatEncoder().render(messages, addGenerationPrompt);
	}

	/**
	 * Encodes chat messages into the ids the model is fed.
	 * @throws InvalidRequestException if the model has no chat template or the template
	 * rejects the messages
	 */
	@Override
	public int[] tokenizeChat(List<ChatMessage> messages, boolean addGenerationPrompt) {
		requireOpen();
		return requireChatEncoder().encode(messages, addGenerationPrompt);
	}

	@Override
	public int[] tokenize(String text, boolean addSpecialTokens) {
		requireOpen();
		return this.tokenizer.encode(text, addSpecialTokens);
	}

	@Override
	public String detokenize(int[] ids) {
		requireOpen();
		int vocabularySize = Math.max(this.tokenizer.vocabularySize(), this.model.config().vocabSize());
		for (int id : ids) {
			if (id < 0 || id >= vocabularySize) {
				throw new InvalidRequestException("tokens",
						"Invalid token id " + id + ": ids must be in [0, " + vocabularySize + ").");
			}
		}
		return this.tokenizer.decode(ids, false);
	}

	private ChatPromptEncoder requireChatEncoder() {
		if (this.chatEncoder == null) {
			throw new InvalidRequestException("messages", "Model '" + this.name + "' has no chat template in"
					+ " tokenizer_config.json; send a raw prompt instead of chat messages, or configure a chat template"
					+ " (llm.model.chat-template in Spring Boot, LocalLlmClient.Builder.chatTemplate in the SDK).");
		}
		return this.chatEncoder;
	}

	private void requireOpen() {
		if (this.closed) {
			throw new LlmException("Model '" + this.name + "' is closed.");
		}
	}

	private static void emit(String delta, StringBuilder text, Consumer<String> listener) {
		if (!delta.isEmpty()) {
			text.append(delta);
			listener.accept(delta);
		}
	}

	/**
	 * Returns the tokenizer, for callers that count or inspect tokens.
	 */
	public LlmTokenizer tokenizer() {
		return this.tokenizer;
	}

	/**
	 * Runs one forward pass over a prompt and returns the logits of its last token, without
	 * sampling; for checks against reference implementations.
	 */
	public float[] promptLogits(int[] promptIds) {
		this.lock.lock();
		try {
			requireOpen();
			try (KvCache cache = this.model.newKvCache(promptIds.length)) {
				return this.model.forward(promptIds, cache);
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public ModelInfo modelInfo() {
		ModelConfig config = this.model.config();
		return new ModelInfo(this.name, config.architecture(), this.model.parameterCount(), this.contextLength,
				this.model.device().toString(), this.model.dataType().name().toLowerCase(Locale.ROOT),
				this.chatEncoder != null);
	}

	@Override
	public void close() {
		this.lock.lock();
		try {
			if (this.closed) {
				return;
			}
			this.closed = true;
			this.model.close();
			this.tokenizer.close();
			this.manager.close();
			logger.info("Closed model {}", this.name);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Builder of {@link LocalLlmClient}.
	 */
	public static final class Builder {

		/** Default upper bound of {@code max_tokens} in one request. */
		public static final int DEFAULT_MAX_TOKENS_LIMIT = 4096;

		private final Path modelPath;

		private String device = "auto";

		private RuntimeDtype dtype = RuntimeDtype.AUTO;

		private int contextLength;

		private int maxTokensLimit = DEFAULT_MAX_TOKENS_LIMIT;

		private GenerationOptions defaults = GenerationOptions.empty();

		private @Nullable String chatTemplate;

		private Builder(Path modelPath) {
			this.modelPath = Objects.requireNonNull(modelPath, "modelPath must not be null");
		}

		/**
		 * Sets the device: {@code auto} (a GPU when the engine detects one, else the CPU),
		 * {@code cpu}, {@code gpu} or {@code gpu:N}.
		 */
		public Builder device(String device) {
			this.device = Objects.requireNonNull(device, "device must not be null");
			return this;
		}

		/**
		 * Sets the data type of weights and activations.
		 */
		public Builder dtype(RuntimeDtype dtype) {
			this.dtype = Objects.requireNonNull(dtype, "dtype must not be null");
			return this;
		}

		/**
		 * Sets the maximum number of tokens of prompt and completion together. 0 uses the
		 * model's {@code max_position_embeddings}; larger values are lowered to it.
		 * @throws IllegalArgumentException if {@code contextLength} is negative
		 */
		public Builder contextLength(int contextLength) {
			if (contextLength < 0) {
				throw new IllegalArgumentException(
						"Invalid context length " + contextLength + ": use 0 for the model's maximum or a positive number.");
			}
			this.contextLength = contextLength;
			return this;
		}

		/**
		 * Sets the largest {@code max_tokens} a request may ask for.
		 * @throws IllegalArgumentException if {@code maxTokensLimit} is less than 1
		 */
		public Builder maxTokensLimit(int maxTokensLimit) {
			if (maxTokensLimit < 1) {
				throw new IllegalArgumentException(
						"Invalid max tokens limit " + maxTokensLimit + ": it must be at least 1.");
			}
			this.maxTokensLimit = maxTokensLimit;
			return this;
		}

		/**
		 * Sets the options a request falls back to for the fields it leaves unset; fields
		 * unset here take {@link GenerationOptions#ofDefaults()}.
		 */
		public Builder defaultOptions(GenerationOptions defaults) {
			this.defaults = Objects.requireNonNull(defaults, "defaults must not be null");
			return this;
		}

		/**
		 * Sets a Jinja chat template that replaces the one in {@code tokenizer_config.json}.
		 */
		public Builder chatTemplate(@Nullable String chatTemplate) {
			this.chatTemplate = chatTemplate;
			return this;
		}

		/**
		 * Loads the checkpoint and the tokenizer.
		 * @throws dev.embeddedllm.ModelLoadException if a file is missing or invalid
		 * @throws LlmException if the device or engine cannot be used
		 */
		public LocalLlmClient build() {
			long start = System.nanoTime();
			logger.info("Loading model from {}", this.modelPath.toAbsolutePath());
			Engine engine = EngineSupport.pytorch();
			Device selectedDevice = DeviceSelector.select(engine, this.device);
			DataType dataType = this.dtype.resolve(selectedDevice.isGpu());

			try (Checkpoint checkpoint = Checkpoint.open(this.modelPath)) {
				int context = resolveContextLength(checkpoint.config());
				NDManager manager = engine.newBaseManager(selectedDevice);
				LlamaModel model = null;
				LlmTokenizer tokenizer = null;
				try {
					model = LlamaModel.load(checkpoint, manager, selectedDevice, dataType, context);
					tokenizer = LlmTokenizer.load(checkpoint.tokenizerFile());
					ChatTemplate template = ChatTemplates.resolve(checkpoint, this.chatTemplate);
					GenerationOptions merged = limitDefaultMaxTokens(this.defaults.withDefaults(GenerationOptions.ofDefaults()));
					LocalLlmClient client = new LocalLlmClient(checkpoint.name(), manager, model, tokenizer, template,
							checkpoint.eosTokenIds(), context, this.maxTokensLimit, merged);
					long millis = (System.nanoTime() - start) / 1_000_000;
					long weightMiB = model.parameterCount() * dataType.getNumOfBytes() / (1024 * 1024);
					logger.info(
							"Loaded model {} ({}, {} parameters, {} layers) on {} as {} in {} ms; weights use {} MiB,"
									+ " context length {}",
							checkpoint.name(), checkpoint.config().architecture(), model.parameterCount(),
							checkpoint.config().numHiddenLayers(), selectedDevice, dataType, millis, weightMiB, context);
					return client;
				}
				catch (RuntimeException ex) {
					if (tokenizer != null) {
						tokenizer.close();
					}
					if (model != null) {
						model.close();
					}
					manager.close();
					throw ex;
				}
			}
		}

		private GenerationOptions limitDefaultMaxTokens(GenerationOptions merged) {
			int maxTokens = Objects.requireNonNull(merged.maxTokens());
			if (maxTokens <= this.maxTokensLimit) {
				return merged;
			}
			logger.warn("Default max tokens {} exceeds the max tokens limit; using {}", maxTokens, this.maxTokensLimit);
			return GenerationOptions.builder().maxTokens(this.maxTokensLimit).build().withDefaults(merged);
		}

		/**
		 * Resolves the context length. A Mistral model with sliding-window attention is
		 * limited to its window, inside which full attention gives the same result.
		 */
		private int resolveContextLength(ModelConfig config) {
			int modelMaximum = config.maxPositionEmbeddings();
			if (config.slidingWindow() > 0 && config.slidingWindow() < modelMaximum) {
				logger.warn("Model uses sliding-window attention of {} tokens, which is not implemented; limiting the"
						+ " context length to the window instead of {}", config.slidingWindow(), modelMaximum);
				modelMaximum = config.slidingWindow();
			}
			if (this.contextLength == 0) {
				return modelMaximum;
			}
			if (this.contextLength > modelMaximum) {
				logger.warn("Context length {} exceeds max_position_embeddings of the model; using {}",
						this.contextLength, modelMaximum);
				return modelMaximum;
			}
			return this.contextLength;
		}

	}

}
