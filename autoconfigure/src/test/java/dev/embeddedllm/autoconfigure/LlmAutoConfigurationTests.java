package dev.embeddedllm.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import ai.djl.engine.Engine;

import dev.embeddedllm.GenerationRequest;
import dev.embeddedllm.GenerationResult;
import dev.embeddedllm.LlmClient;
import dev.embeddedllm.ModelInfo;
import dev.embeddedllm.ModelLoadException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LlmAutoConfiguration} that need no checkpoint.
 */
class LlmAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LlmAutoConfiguration.class));

	@Test
	void clientBacksOffWhenUserDefinesOne() {
		this.contextRunner.withUserConfiguration(UserClientConfiguration.class)
			.run((context) -> assertThat(context).getBean(LlmClient.class).isSameAs(context.getBean("userClient")));
	}

	@Test
	void missingModelPathFailsStartup() {
		this.contextRunner.run((context) -> assertThat(context).getFailure()
			.rootCause()
			.isInstanceOf(MissingModelPathException.class)
			.hasMessageContaining("llm.model.path"));
	}

	@Test
	void wrongModelPathFailsStartupNamingThePath() {
		this.contextRunner.withPropertyValues("llm.model.path=/nonexistent/model")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(ModelLoadException.class)
				.hasMessageContaining("/nonexistent/model"));
	}

	@Test
	void invalidDtypeFailsStartup() {
		this.contextRunner.withPropertyValues("llm.model.path=/nonexistent/model", "llm.runtime.dtype=float8")
			.run((context) -> assertThat(context).getFailure().hasStackTraceContaining("float8"));
	}

	@Test
	void disabledByProperty() {
		this.contextRunner.withPropertyValues("llm.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(LlmClient.class));
	}

	@Test
	void quietWithoutDjl() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(Engine.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(LlmClient.class));
	}

	@Test
	void configurationMetadataIsGenerated() throws IOException {
		try (InputStream metadata = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(metadata).as("generated configuration metadata").isNotNull();
			String json = new String(metadata.readAllBytes(), StandardCharsets.UTF_8);
			for (String property : new String[] { "llm.model.path", "llm.runtime.device", "llm.runtime.dtype",
					"llm.runtime.context-length", "llm.generation.max-tokens", "llm.generation.temperature",
					"llm.generation.top-p", "llm.generation.top-k" }) {
				assertThat(json).as(property).contains("\"" + property + "\"");
			}
		}
	}

	@Test
	void failureAnalyzerNamesTheProperty() {
		LlmFailureAnalyzer analyzer = new LlmFailureAnalyzer();
		MissingModelPathException failure = new MissingModelPathException();

		var analysis = analyzer.analyze(failure);

		assertThat(analysis.getAction()).contains("llm.model.path");
	}

	@Configuration(proxyBeanMethods = false)
	static class UserClientConfiguration {

		@Bean
		LlmClient userClient() {
			return new LlmClient() {

				@Override
				public GenerationResult generate(GenerationRequest request) {
					throw new UnsupportedOperationException();
				}

				@Override
				public GenerationResult stream(GenerationRequest request, Consumer<String> listener) {
					throw new UnsupportedOperationException();
				}

				@Override
				public ModelInfo modelInfo() {
					return new ModelInfo("user", "none", 0, 0, "cpu()", "float32", false);
				}

				@Override
				public void close() {
				}

			};
		}

	}

}
