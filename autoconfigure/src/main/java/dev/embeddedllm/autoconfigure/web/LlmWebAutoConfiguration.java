package dev.embeddedllm.autoconfigure.web;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.DispatcherServlet;

import dev.embeddedllm.LlmClient;
import dev.embeddedllm.autoconfigure.LlmAutoConfiguration;
import dev.embeddedllm.prompt.PromptTemplateRegistry;

/**
 * Auto-configuration of the REST endpoints in a servlet web application.
 */
@AutoConfiguration(after = LlmAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(DispatcherServlet.class)
@ConditionalOnBean(LlmClient.class)
@ConditionalOnBooleanProperty(name = "llm.web.enabled", matchIfMissing = true)
public class LlmWebAutoConfiguration {

	@Bean
	GenerateController llmGenerateController(LlmClient client, PromptTemplateRegistry templates) {
		return new GenerateController(client, templates);
	}

	@Bean
	PromptInspectionController llmPromptInspectionController(LlmClient client) {
		return new PromptInspectionController(client);
	}

	@Bean
	LlmWebExceptionHandler llmWebExceptionHandler() {
		return new LlmWebExceptionHandler();
	}

}
