package dev.embeddedllm.runtime;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tools.jackson.databind.JsonNode;

import dev.embeddedllm.model.Checkpoint;
import dev.embeddedllm.tokenizer.ChatTemplate;

/**
 * Picks the chat template of a model: the configured override, else the
 * {@code chat_template} of {@code tokenizer_config.json}, else none (raw completion).
 */
final class ChatTemplates {

	private static final Logger logger = LoggerFactory.getLogger(ChatTemplates.class);

	private ChatTemplates() {
	}

	static @Nullable ChatTemplate resolve(Checkpoint checkpoint, @Nullable String override) {
		JsonNode tokenizerConfig = checkpoint.tokenizerConfig();
		String bosToken = tokenText(tokenizerConfig.path("bos_token"));
		String eosToken = tokenText(tokenizerConfig.path("eos_token"));
		if (override != null && !override.isBlank()) {
			logger.info("Model {} uses the configured chat template", checkpoint.name());
			return new ChatTemplate(override, bosToken, eosToken);
		}
		String source = templateSource(tokenizerConfig.path("chat_template"));
		if (source == null) {
			logger.info("Model {} has no chat template; prompts are sent as raw completion text", checkpoint.name());
			return null;
		}
		logger.info("Model {} uses the chat template of tokenizer_config.json", checkpoint.name());
		return new ChatTemplate(source, bosToken, eosToken);
	}

	/**
	 * Reads {@code chat_template}, either a string or a list of named templates, of which
	 * the one named {@code default} (else the first) is taken.
	 */
	private static @Nullable String templateSource(JsonNode node) {
		if (node.isString()) {
			return node.asString();
		}
		if (node.isArray() && !node.isEmpty()) {
			for (JsonNode entry : node) {
				if ("default".equals(entry.path("name").asString(""))) {
					return entry.path("template").asString();
				}
			}
			return node.get(0).path("template").asString();
		}
		return null;
	}

	/**
	 * Reads a special token that is either a string or an AddedToken object.
	 */
	private static String tokenText(JsonNode node) {
		if (node.isString()) {
			return node.asString();
		}
		return node.path("content").asString("");
	}

}
