package dev.embeddedllm.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Customer-support chatbot backend: the starter's {@code POST /api/generate} generates replies
 * with the model at {@code llm.model.path}, loaded into this JVM at startup.
 */
@SpringBootApplication
public class ChatbotApplication {

	public static void main(String[] args) {
		SpringApplication.run(ChatbotApplication.class, args);
	}

}
