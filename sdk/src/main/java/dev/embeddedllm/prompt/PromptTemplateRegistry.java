package dev.embeddedllm.prompt;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Named prompt templates, looked up by name. Registering a name again replaces the
 * template, which is how reloading works.
 */
public final class PromptTemplateRegistry {

	private static final Logger logger = LoggerFactory.getLogger(PromptTemplateRegistry.class);

	private final Map<String, PromptTemplate> templates = new ConcurrentSkipListMap<>();

	public PromptTemplateRegistry() {
	}

	public PromptTemplateRegistry(List<PromptTemplate> templates) {
		templates.forEach(this::register);
	}

	/**
	 * Adds a template, replacing one of the same name.
	 */
	public void register(PromptTemplate template) {
		PromptTemplate previous = this.templates.put(template.name(), template);
		if (previous != null) {
			logger.info("Replaced prompt template '{}' (version {} -> {})", template.name(), previous.version(),
					template.version());
		}
	}

	public Optional<PromptTemplate> find(String name) {
		return Optional.ofNullable(this.templates.get(name));
	}

	/**
	 * Returns a template by name.
	 * @throws TemplateNotFoundException listing the available names
	 */
	public PromptTemplate get(String name) {
		PromptTemplate template = this.templates.get(name);
		if (template == null) {
			throw new TemplateNotFoundException(name, names());
		}
		return template;
	}

	/**
	 * Returns the registered names, sorted.
	 */
	public List<String> names() {
		return new ArrayList<>(this.templates.keySet());
	}

	public List<PromptTemplate> templates() {
		return new ArrayList<>(this.templates.values());
	}

	/**
	 * Renders a template by name.
	 * @throws TemplateNotFoundException if no template has that name
	 * @throws dev.embeddedllm.InvalidRequestException if a variable is missing or unknown
	 */
	public RenderedPrompt render(String name, Map<String, ?> variables) {
		return get(name).render(variables);
	}

}
