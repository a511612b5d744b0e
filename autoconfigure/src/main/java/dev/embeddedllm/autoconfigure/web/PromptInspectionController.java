package dev.embeddedllm.autoconfigure.web;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

import dev.embeddedllm.ChatMessage;
import dev.embeddedllm.InvalidRequestException;
import dev.embeddedllm.LlmClient;

/**
 * Endpoints that show what the model receives, in the shapes of existing servers:
 * {@code POST /apply-template} as llama.cpp's server, {@code POST /tokenize} and
 * {@code POST /detokenize} as vLLM's.
 */
@RestController
public class PromptInspectionController {

	private final LlmClient client;

	public PromptInspectionController(LlmClient client) {
		this.client = client;
	}

	/**
	 * Renders messages through the model's chat template; {@code add_generation_prompt}
	 * defaults to true.
	 */
	@PostMapping(path = "/apply-template", produces = "application/json")
	public PromptBody applyTemplate(@RequestBody MessagesBody body) {
		List<ChatMessage> messages = messages(body.messages());
		boolean addGenerationPrompt = (body.addGenerationPrompt() == null) || body.addGenerationPrompt();
		return new PromptBody(this.client.applyChatTemplate(messages, addGenerationPrompt));
	}

	/**
	 * Encodes a prompt (with the tokenizer's special tokens unless
	 * {@code add_special_tokens} is false) or messages (exactly the ids the model is fed).
	 */
	@PostMapping(path = "/tokenize", produces = "application/json")
	public TokensBody tokenize(@RequestBody TokenizeBody body) {
		int[] ids;
		if (body.messages() != null) {
			if (body.prompt() != null) {
				throw new InvalidRequestException("prompt", "Send either 'prompt' or 'messages', not both.");
			}
			boolean addGenerationPrompt = (body.addGenerationPrompt() == null) || body.addGenerationPrompt();
			ids = this.client.tokenizeChat(messages(body.messages()), addGenerationPrompt);
		}
		else if (body.prompt() != null) {
			boolean addSpecialTokens = (body.addSpecialTokens() == null) || body.addSpecialTokens();
			ids = this.client.tokenize(body.prompt(), addSpecialTokens);
		}
		else {
			throw new InvalidRequestException("prompt", "Missing prompt: send 'prompt' (text) or 'messages'.");
		}
		List<Integer> tokens = new ArrayList<>(ids.length);
		for (int id : ids) {
			tokens.add(id);
		}
		return new TokensBody(tokens, ids.length, this.client.modelInfo().contextLength());
	}

	/**
	 * Decodes token ids into text, special tokens included.
	 */
	@PostMapping(path = "/detokenize", produces = "application/json")
	public PromptBody detokenize(@RequestBody DetokenizeBody body) {
		if (body.tokens() == null) {
			throw new InvalidRequestException("tokens", "Missing tokens: send the token ids in 'tokens'.");
		}
		int[] ids = new int[body.tokens().size()];
		for (int i = 0; i < ids.length; i++) {
			Integer id = body.tokens().get(i);
			if (id == null) {
				throw new InvalidRequestException("tokens", "Invalid token id null at index " + i + ".");
			}
			ids[i] = id;
		}
		return new PromptBody(this.client.detokenize(ids));
	}

	/**
	 * Rejects other HTTP methods on these endpoints with 405 in the OpenAI error shape.
	 */
	@RequestMapping(path = { "/apply-template", "/tokenize", "/detokenize" },
			method = { RequestMethod.GET, RequestMethod.PUT, RequestMethod.PATCH, RequestMethod.DELETE })
	public ResponseEntity<ErrorBody> methodNotAllowed(HttpServletRequest request) {
		return MethodNotAllowed.response(request);
	}

	private static List<ChatMessage> messages(@Nullable List<MessageBody> messages) {
		if (messages == null || messages.isEmpty()) {
			throw new InvalidRequestException("messages", "Missing messages: send at least one {role, content}.");
		}
		List<ChatMessage> result = new ArrayList<>();
		for (int i = 0; i < messages.size(); i++) {
			MessageBody message = messages.get(i);
			if (message == null || message.role() == null || message.content() == null) {
				throw new InvalidRequestException("messages",
						"Invalid message at index " + i + ": each message needs 'role' and 'content'.");
			}
			result.add(new ChatMessage(message.role(), message.content()));
		}
		return result;
	}

	/**
	 * One chat message.
	 *
	 * @param role {@code system}, {@code user} or {@code assistant}
	 * @param content the text
	 */
	public record MessageBody(@Nullable String role, @Nullable String content) {
	}

	/**
	 * Body of {@code /apply-template}.
	 *
	 * @param messages the conversation
	 * @param addGenerationPrompt whether to open the assistant's turn, true when absent
	 */
	public record MessagesBody(@Nullable List<MessageBody> messages,
			@JsonProperty("add_generation_prompt") @Nullable Boolean addGenerationPrompt) {
	}

	/**
	 * Body of {@code /tokenize}: {@code prompt} or {@code messages}.
	 *
	 * @param prompt text to encode
	 * @param addSpecialTokens whether to add special tokens such as BOS, true when absent
	 * @param messages a conversation to encode as the model is fed it
	 * @param addGenerationPrompt whether to open the assistant's turn, true when absent
	 */
	public record TokenizeBody(@Nullable String prompt,
			@JsonProperty("add_special_tokens") @Nullable Boolean addSpecialTokens,
			@Nullable List<MessageBody> messages,
			@JsonProperty("add_generation_prompt") @Nullable Boolean addGenerationPrompt) {
	}

	/**
	 * Body of {@code /detokenize}.
	 *
	 * @param tokens token ids
	 */
	public record DetokenizeBody(@Nullable List<Integer> tokens) {
	}

	/**
	 * A rendered or decoded prompt.
	 *
	 * @param prompt the text
	 */
	public record PromptBody(String prompt) {
	}

	/**
	 * Token ids with their count and the context length.
	 *
	 * @param tokens the ids
	 * @param count number of ids
	 * @param maxModelLen context length of the model
	 */
	public record TokensBody(List<Integer> tokens, int count, @JsonProperty("max_model_len") int maxModelLen) {
	}

}
