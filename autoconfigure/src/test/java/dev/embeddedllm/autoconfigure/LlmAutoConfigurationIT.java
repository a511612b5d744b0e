package dev.embeddedllm.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.embeddedllm.GenerationOptions;
import dev.embeddedllm.GenerationRequest;
import dev.embeddedllm.LlmClient;
import dev.embeddedllm.testkit.TestKit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LlmAutoConfiguration} on a real checkpoint.
 */
class LlmAutoConfigurationIT {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LlmAutoConfiguration.class));

	@Test
	void clientLoadsModelFromProperties() {
		String path = TestKit.model(TestKit.TINY_LLAMA).toString();
		this.contextRunner
			.withPropertyValues("llm.model.path=" + path, "llm.runtime.device=cpu", "llm.runtime.dtype=float32",
					"llm.runtime.context-length=128", "llm.generation.max-tokens=5")
			.run((context) -> {
				LlmClient client = context.getBean(LlmClient.class);
				assertThat(client.modelInfo().architecture()).isEqualTo("LlamaForCausalLM");
				assertThat(client.modelInfo().contextLength()).isEqualTo(128);
				assertThat(client.modelInfo().dtype()).isEqualTo("float32");
				// llm.generation.max-tokens applies to requests that do not set max_tokens.
				assertThat(client.generate(GenerationRequest.ofPrompt("Hello", GenerationOptions.empty()))
					.usage()
					.completionTokens()).isEqualTo(5);
			});
	}

	@Test
	void relativeModelPathWithParentSegmentsLoads() {
		java.nio.file.Path model = TestKit.model(TestKit.TINY_LLAMA).toAbsolutePath();
		java.nio.file.Path workingDirectory = java.nio.file.Path.of("").toAbsolutePath();
		String relative = workingDirectory.relativize(model).toString();
		assertThat(relative).startsWith("..");

		this.contextRunner.withPropertyValues("llm.model.path=" + relative, "llm.runtime.device=cpu")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(LlmClient.class));
	}

	@Test
	void pickleOnlyFolderFailsStartup() throws Exception {
		java.nio.file.Path folder = java.nio.file.Files.createTempDirectory("pickle-model");
		java.nio.file.Files.copy(TestKit.model(TestKit.TINY_LLAMA).resolve("config.json"), folder.resolve("config.json"));
		java.nio.file.Files.copy(TestKit.model(TestKit.TINY_LLAMA).resolve("tokenizer.json"),
				folder.resolve("tokenizer.json"));
		java.nio.file.Files.writeString(folder.resolve("pytorch_model.bin"), "not read");

		this.contextRunner.withPropertyValues("llm.model.path=" + folder)
			.run((context) -> assertThat(context).getFailure().rootCause().hasMessageContaining("pickle"));
	}

}
