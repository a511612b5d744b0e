package dev.embeddedllm.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.io.Resource;
import org.springframework.core.io.support.ResourcePatternResolver;

import dev.embeddedllm.GenerationOptions;
import dev.embeddedllm.LlmException;
import dev.embeddedllm.prompt.PromptTemplate;
import dev.embeddedllm.prompt.PromptTemplateParser;
import dev.embeddedllm.prompt.PromptTemplateRegistry;

/**
 * Builds the prompt-template registry from {@code llm.prompts.locations} and the inline
 * templates of {@code llm.prompts.templates}.
 */
final class PromptTemplateLoader {

	private static final Logger logger = LoggerFactory.getLogger(PromptTemplateLoader.class);

	private PromptTemplateLoader() {
	}

	static PromptTemplateRegistry load(LlmProperties.Prompts properties, ResourcePatternResolver resolver) {
		PromptTemplateRegistry registry = new PromptTemplateRegistry();
		for (String location : properties.getLocations()) {
			for (Resource resource : templateFiles(location, resolver)) {
				registry.register(parse(resource));
			}
		}
		for (Map.Entry<String, LlmProperties.InlineTemplate> entry : properties.getTemplates().entrySet()) {
			registry.register(inline(entry.getKey(), entry.getValue()));
		}
		logger.info("Loaded {} prompt template(s): {}", registry.names().size(), registry.names());
		return registry;
	}

	private static List<Resource> templateFiles(String location, ResourcePatternResolver resolver) {
		String folder = location.endsWith("/") ? location : location + "/";
		List<Resource> files = new ArrayList<>();
		try {
			for (Resource resource : resolver.getResources(folder + "**/*")) {
				String name = resource.getFilename();
				if (resource.isReadable() && name != null && PromptTemplateParser.isTemplateFile(name)) {
					files.add(resource);
				}
			}
		}
		catch (IOException ex) {
			logger.warn("Cannot list prompt templates in {}: {}", location, ex.getMessage());
			logger.debug("Listing failure of {}", location, ex);
		}
		files.sort((left, right) -> String.valueOf(left.getDescription()).compareTo(right.getDescription()));
		return files;
	}

	private static PromptTemplate parse(Resource resource) {
		try (InputStream content = resource.getInputStream()) {
			return PromptTemplateParser.parse(String.valueOf(resource.getFilename()), content);
		}
		catch (IOException ex) {
			throw new LlmException("Cannot read prompt template " + resource.getDescription() + ": " + ex.getMessage(),
					ex);
		}
	}

	private static PromptTemplate inline(String name, LlmProperties.InlineTemplate properties) {
		String user = properties.getUser();
		if (user == null) {
			throw new LlmException("Inline prompt template '" + name + "' has no user message: set llm.prompts.templates."
					+ name + ".user.");
		}
		PromptTemplate.Builder builder = PromptTemplate.builder(name, user)
			.version(properties.getVersion())
			.system(properties.getSystem())
			.options(GenerationOptions.builder()
				.temperature(properties.getTemperature())
				.maxTokens(properties.getMaxTokens())
				.build());
		properties.getExamples().forEach((example) -> builder.example(example.getInput(), example.getOutput()));
		return builder.build();
	}

}
