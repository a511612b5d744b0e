package dev.embeddedllm.prompt;

import java.util.Collection;

import dev.embeddedllm.InvalidRequestException;

/**
 * A request named a prompt template that the registry does not have.
 */
public class TemplateNotFoundException extends InvalidRequestException {

	public TemplateNotFoundException(String name, Collection<String> available) {
		super("template", "Template '" + name + "' not found; available templates: " + available + ".");
	}

}
