package dev.embeddedllm.prompt;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text with {@code {variable}} placeholders, the syntax of Spring AI's
 * {@code PromptTemplate}.
 *
 * <p>
 * A placeholder is an opening brace, an identifier (a letter or underscore, then letters,
 * digits, underscores, dots or hyphens) and a closing brace. Braces that do not form a
 * placeholder, such as those of a JSON example, stay as they are; {@code {{} and
 * {@code }}} write a literal brace where text would otherwise read as a placeholder.
 */
final class TemplateText {

	private static final Pattern TOKEN = Pattern.compile("\\{\\{|\\}\\}|\\{([A-Za-z_][A-Za-z0-9_.\\-]*)\\}");

	private final List<Object> parts;

	private final Set<String> variables;

	private TemplateText(List<Object> parts, Set<String> variables) {
		this.parts = parts;
		this.variables = variables;
	}

	/**
	 * Splits text into literal parts and variable names.
	 */
	static TemplateText parse(String source) {
		List<Object> parts = new ArrayList<>();
		Set<String> variables = new LinkedHashSet<>();
		StringBuilder literal = new StringBuilder();
		Matcher matcher = TOKEN.matcher(source);
		int position = 0;
		while (matcher.find()) {
			literal.append(source, position, matcher.start());
			String token = matcher.group();
			if (token.equals("{{")) {
				literal.append('{');
			}
			else if (token.equals("}}")) {
				literal.append('}');
			}
			else {
				if (!literal.isEmpty()) {
					parts.add(literal.toString());
					literal.setLength(0);
				}
				parts.add(new Variable(matcher.group(1)));
				variables.add(matcher.group(1));
			}
			position = matcher.end();
		}
		literal.append(source, position, source.length());
		if (!literal.isEmpty()) {
			parts.add(literal.toString());
		}
		return new TemplateText(List.copyOf(parts), Set.copyOf(variables));
	}

	Set<String> variables() {
		return this.variables;
	}

	/**
	 * Substitutes every placeholder; the caller has checked that each variable has a value.
	 */
	String render(Map<String, ?> values) {
		StringBuilder result = new StringBuilder();
		for (Object part : this.parts) {
			if (part instanceof Variable variable) {
				result.append(values.get(variable.name()));
			}
			else {
				result.append((String) part);
			}
		}
		return result.toString();
	}

	private record Variable(String name) {
	}

}
