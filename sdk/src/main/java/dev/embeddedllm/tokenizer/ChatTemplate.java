package dev.embeddedllm.tokenizer;

import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Locale;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;

import dev.embeddedllm.ChatMessage;
import dev.embeddedllm.InvalidRequestException;

/**
 * A model's chat template: the Jinja text of {@code chat_template} in
 * {@code tokenizer_config.json}, rendered with Jinjava.
 *
 * <p>
 * The environment matches the one transformers builds for {@code apply_chat_template}:
 * {@code trim_blocks} and {@code lstrip_blocks} on, whitespace control ({@code {{-},
 * {@code -%}}) on expressions and comments as in Python Jinja, the variables
 * {@code messages}, {@code add_generation_prompt}, {@code bos_token} and
 * {@code eos_token}, and a {@code raise_exception(message)} function whose message becomes
 * the request error.
 *
 * <p>
 * Templates that call {@code strftime_now} (Llama 3.2) get {@code date_string} set to
 * today's date instead, because Jinjava does not report registered functions as defined;
 * the rendered text is the same as transformers' for the {@code "%d %b %Y"} format those
 * templates use.
 *
 * <p>
 * NOTE: Jinjava's {@code tojson} writes compact JSON and ignores {@code indent}, unlike
 * transformers; the tested templates use it only in their tool-calling branches.
 */
public final class ChatTemplate {

	private static final String RAISE_PREFIX = "chat template raised: ";

	private final String source;

	private final String bosToken;

	private final String eosToken;

	private static final DateTimeFormatter DATE_STRING = DateTimeFormatter.ofPattern("dd MMM yyyy", Locale.ENGLISH);

	private final Jinjava jinjava;

	private final Clock clock;

	public ChatTemplate(String source, String bosToken, String eosToken) {
		this(source, bosToken, eosToken, Clock.systemDefaultZone());
	}

	/**
	 * Creates a template whose {@code date_string} comes from {@code clock}.
	 */
	public ChatTemplate(String source, String bosToken, String eosToken, Clock clock) {
		this.source = source;
		this.bosToken = bosToken;
		this.eosToken = eosToken;
		this.clock = clock;
		JinjavaConfig config = JinjavaConfig.newBuilder()
			.withTrimBlocks(true)
			.withLstripBlocks(true)
			.withLegacyOverrides(LegacyOverrides.newBuilder().withUseTrimmingForNotesAndExpressions(true).build())
			.build();
		this.jinjava = new Jinjava(config);
		this.jinjava.getGlobalContext()
			.registerFunction(new ELFunctionDefinition("", "raise_exception", ChatTemplate.class, "raiseException",
					String.class));
	}

	/**
	 * Renders a conversation into the prompt text the model was trained on.
	 * @param addGenerationPrompt whether to append the header that opens the assistant's turn
	 * @throws InvalidRequestException if the template rejects the conversation (for example
	 * roles out of order) or fails to render
	 */
	public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
		List<Map<String, Object>> messageMaps = new ArrayList<>();
		for (ChatMessage message : messages) {
			Map<String, Object> map = new LinkedHashMap<>();
			map.put("role", message.role());
			map.put("content", message.content());
			messageMaps.add(map);
		}
		Map<String, Object> context = new HashMap<>();
		context.put("messages", messageMaps);
		context.put("add_generation_prompt", addGenerationPrompt);
		context.put("bos_token", this.bosToken);
		context.put("eos_token", this.eosToken);
		if (this.source.contains("strftime_now")) {
			context.put("date_string", LocalDate.now(this.clock).format(DATE_STRING));
		}

		RenderResult result = this.jinjava.renderForResult(this.source, context);
		List<TemplateError> fatal = result.getErrors()
			.stream()
			.filter((error) -> error.getSeverity() == TemplateError.ErrorType.FATAL)
			.toList();
		if (!fatal.isEmpty()) {
			String reasons = fatal.stream().map(ChatTemplate::describe).collect(Collectors.joining("; "));
			throw new InvalidRequestException("messages", "The model's chat template rejected the messages: " + reasons);
		}
		return result.getOutput();
	}

	/**
	 * Returns the message of a failed render; for {@code raise_exception} the template's own
	 * message, which Jinjava keeps in the root cause.
	 */
	private static String describe(TemplateError error) {
		Throwable cause = error.getException();
		while (cause != null) {
			String message = cause.getMessage();
			if (message != null && message.startsWith(RAISE_PREFIX)) {
				return message.substring(RAISE_PREFIX.length());
			}
			cause = cause.getCause();
		}
		return String.valueOf(error.getMessage());
	}

	/**
	 * Implements the template function {@code raise_exception}.
	 */
	public static String raiseException(String message) {
		throw new IllegalArgumentException(RAISE_PREFIX + message);
	}

	public String source() {
		return this.source;
	}

}
