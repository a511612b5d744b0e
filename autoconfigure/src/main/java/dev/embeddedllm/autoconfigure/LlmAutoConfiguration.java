package dev.embeddedllm.autoconfigure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

import ai.djl.engine.Engine;

import dev.embeddedllm.GenerationOptions;
import dev.embeddedllm.LlmClient;
import dev.embeddedllm.LlmException;
import dev.embeddedllm.prompt.PromptTemplateRegistry;
import dev.embeddedllm.runtime.LocalLlmClient;

/**
 * Auto-configuration of an {@link LlmClient} that runs the checkpoint at
 * {@code llm.model.path} in this JVM.
 */
@AutoConfiguration
@ConditionalOnClass({ LlmClient.class, Engine.class })
@ConditionalOnBooleanProperty(name = "llm.enabled", matchIfMissing = true)
@EnableConfigurationProperties(LlmProperties.class)
public class LlmAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	LlmClient llmClient(LlmProperties properties, ResourceLoader resourceLoader) {
		String modelPath = properties.getModel().getPath();
		if (modelPath == null || modelPath.isBlank()) {
			throw new MissingModelPathException();
		}
		LlmProperties.Runtime runtime = properties.getRuntime();
		return LocalLlmClient.builder(Path.of(modelPath))
			.device(runtime.getDevice())
			.dtype(runtime.getDtype())
			.contextLength(runtime.getContextLength())
			.maxTokensLimit(properties.getGeneration().getMaxTokensLimit())
			.defaultOptions(defaultOptions(properties.getGeneration()))
			.chatTemplate(chatTemplate(properties.getModel().getChatTemplate(), resourceLoader))
			.build();
	}

	@Bean
	@ConditionalOnMissingBean
	PromptTemplateRegistry promptTemplateRegistry(LlmProperties properties, ApplicationContext context) {
		return PromptTemplateLoader.load(properties.getPrompts(), context);
	}

	/**
	 * Returns the configured chat template: the text itself, or the content of a
	 * {@code classpath:} or {@code file:} location.
	 */
	private static @Nullable String chatTemplate(@Nullable String setting, ResourceLoader resourceLoader) {
		if (setting == null || !(setting.startsWith("classpath:") || setting.startsWith("file:"))) {
			return setting;
		}
		Resource resource = resourceLoader.getResource(setting);
		try {
			return resource.getContentAsString(StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new LlmException("Cannot read the chat template at llm.model.chat-template=" + setting + ": "
					+ ex.getMessage() + ". Point it at a readable Jinja file or write the template inline.", ex);
		}
	}

	private static GenerationOptions defaultOptions(LlmProperties.Generation generation) {
		return GenerationOptions.builder()
			.maxTokens(generation.getMaxTokens())
			.temperature(generation.getTemperature())
			.topP(generation.getTopP())
			.topK(generation.getTopK())
			.seed(generation.getSeed())
			.stop(generation.getStop())
			.build();
	}

}
