package dev.embeddedllm.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.embeddedllm.ChatMessage;

/**
 * Turns a conversation into the token ids a chat model is fed: the text of the model's chat
 * template, where the template's own special tokens (such as {@code <|im_start|>}) become
 * control tokens and any special-token text inside message content stays plain text.
 *
 * <p>
 * Content that contains special-token text is rendered with a placeholder in its place.
 * The rendered text is then split at the placeholders: the template's text is encoded
 * normally and each placeholder's original text with {@link LlmTokenizer#encodeAsText}.
 * Without such content the rendered text is encoded in one piece, exactly as transformers
 * does with {@code apply_chat_template(..., tokenize=True)}.
 */
public final class ChatPromptEncoder {

	private static final Pattern PLACEHOLDER = Pattern.compile("\uE000(\\d+)\uE001");

	private final ChatTemplate template;

	private final LlmTokenizer tokenizer;

	public ChatPromptEncoder(ChatTemplate template, LlmTokenizer tokenizer) {
		this.template = template;
		this.tokenizer = tokenizer;
	}

	/**
	 * Renders the conversation as text, exactly as the template writes it.
	 */
	public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
		return this.template.render(messages, addGenerationPrompt);
	}

	/**
	 * Encodes the conversation into the ids the model is fed.
	 */
	public int[] encode(List<ChatMessage> messages, boolean addGenerationPrompt) {
		List<String> literals = new ArrayList<>();
		List<ChatMessage> protectedMessages = new ArrayList<>();
		for (ChatMessage message : messages) {
			protectedMessages.add(new ChatMessage(message.role(), protect(message.content(), literals)));
		}
		if (literals.isEmpty()) {
			return this.tokenizer.encode(this.template.render(messages, addGenerationPrompt), false);
		}

		String text = this.template.render(protectedMessages, addGenerationPrompt);
		List<int[]> pieces = new ArrayList<>();
		Matcher matcher = PLACEHOLDER.matcher(text);
		int position = 0;
		while (matcher.find()) {
			if (matcher.start() > position) {
				pieces.add(this.tokenizer.encode(text.substring(position, matcher.start()), false));
			}
			pieces.add(this.tokenizer.encodeAsText(literals.get(Integer.parseInt(matcher.group(1)))));
			position = matcher.end();
		}
		if (position < text.length()) {
			pieces.add(this.tokenizer.encode(text.substring(position), false));
		}
		return concat(pieces);
	}

	/**
	 * Replaces each special-token string in {@code content} with a numbered placeholder and
	 * records the replaced text.
	 */
	private String protect(String content, List<String> literals) {
		StringBuilder result = new StringBuilder();
		int position = 0;
		while (position < content.length()) {
			String match = longestSpecialTokenAt(content, position);
			if (match == null) {
				result.append(content.charAt(position));
				position++;
				continue;
			}
			result.append('\uE000').append(literals.size()).append('\uE001');
			literals.add(match);
			position += match.length();
		}
		return result.toString();
	}

	private String longestSpecialTokenAt(String content, int position) {
		String longest = null;
		for (String special : this.tokenizer.specialTokens()) {
			if (!special.isEmpty() && content.startsWith(special, position)
					&& (longest == null || special.length() > longest.length())) {
				longest = special;
			}
		}
		return longest;
	}

	private static int[] concat(List<int[]> pieces) {
		int length = 0;
		for (int[] piece : pieces) {
			length += piece.length;
		}
		int[] ids = new int[length];
		int offset = 0;
		for (int[] piece : pieces) {
			System.arraycopy(piece, 0, ids, offset, piece.length);
			offset += piece.length;
		}
		return ids;
	}

}
