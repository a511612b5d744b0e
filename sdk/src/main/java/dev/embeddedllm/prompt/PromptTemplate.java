package dev.embeddedllm.prompt;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

import dev.embeddedllm.ChatMessage;
import dev.embeddedllm.GenerationOptions;
import dev.embeddedllm.InvalidRequestException;

/**
 * A named prompt: an optional system message, a user message with {@code {variable}}
 * placeholders, few-shot examples and default sampling options.
 *
 * <p>
 * Rendering checks the variables first: every placeholder needs a value and every value a
 * placeholder, so a typo fails loudly instead of reaching the model. The result depends
 * only on the template and the values, so equal inputs give equal prompts.
 */
public final class PromptTemplate {

	private final String name;

	private final @Nullable String version;

	private final @Nullable TemplateText system;

	private final TemplateText user;

	private final List<FewShotExample> examples;

	private final GenerationOptions options;

	private final Set<String> variables;

	private PromptTemplate(Builder builder) {
		this.name = builder.name;
		this.version = builder.version;
		this.system = (builder.system != null) ? TemplateText.parse(builder.system) : null;
		this.user = TemplateText.parse(builder.user);
		this.examples = List.copyOf(builder.examples);
		this.options = builder.options;
		Set<String> names = new LinkedHashSet<>();
		if (this.system != null) {
			names.addAll(this.system.variables());
		}
		names.addAll(this.user.variables());
		this.variables = Collections.unmodifiableSet(new TreeSet<>(names));
	}

	/**
	 * Starts a template with its name and its user message.
	 * @throws IllegalArgumentException if the name is blank
	 */
	public static Builder builder(String name, String user) {
		return new Builder(name, user);
	}

	public String name() {
		return this.name;
	}

	public @Nullable String version() {
		return this.version;
	}

	public List<FewShotExample> examples() {
		return this.examples;
	}

	/**
	 * Returns the default sampling options, which a request's own options override.
	 */
	public GenerationOptions options() {
		return this.options;
	}

	/**
	 * Returns the names of the variables, sorted.
	 */
	public Set<String> variables() {
		return this.variables;
	}

	/**
	 * Renders the template with the given variable values.
	 * @throws InvalidRequestException (field {@code variables}) if a variable is missing or
	 * unknown; the message lists the expected names
	 */
	public RenderedPrompt render(Map<String, ?> values) {
		Objects.requireNonNull(values, "values must not be null");
		Set<String> missing = new TreeSet<>();
		for (String variable : this.variables) {
			if (values.get(variable) == null) {
				missing.add(variable);
			}
		}
		Set<String> unknown = new TreeSet<>(values.keySet());
		unknown.removeAll(this.variables);
		if (!missing.isEmpty() || !unknown.isEmpty()) {
			throw new InvalidRequestException("variables", describeMismatch(missing, unknown));
		}

		String systemText = (this.system != null) ? this.system.render(values) : null;
		String userText = this.user.render(values);
		return new RenderedPrompt(this.name, chatMessages(systemText, userText), completionText(systemText, userText),
				this.options);
	}

	private String describeMismatch(Set<String> missing, Set<String> unknown) {
		List<String> problems = new ArrayList<>();
		if (!missing.isEmpty()) {
			problems.add("missing variables " + missing);
		}
		if (!unknown.isEmpty()) {
			problems.add("unknown variables " + unknown);
		}
		return "Template '" + this.name + "' has " + String.join(" and ", problems) + "; it expects "
				+ this.variables + ".";
	}

	/**
	 * Lays out a chat: the system message, each example as a prior user and assistant
	 * turn, then the live user message.
	 */
	private List<ChatMessage> chatMessages(@Nullable String systemText, String userText) {
		List<ChatMessage> messages = new ArrayList<>();
		if (systemText != null) {
			messages.add(ChatMessage.system(systemText));
		}
		for (FewShotExample example : this.examples) {
			messages.add(ChatMessage.user(example.input()));
			messages.add(ChatMessage.assistant(example.output()));
		}
		messages.add(ChatMessage.user(userText));
		return List.copyOf(messages);
	}

	/**
	 * Lays out text for a base model: the system message, each example as an
	 * {@code Input:}/{@code Output:} pair, then the live input and an open {@code Output:}.
	 * Without examples the user message follows the system message directly.
	 */
	private String completionText(@Nullable String systemText, String userText) {
		StringBuilder text = new StringBuilder();
		if (systemText != null) {
			text.append(systemText).append("\n\n");
		}
		if (this.examples.isEmpty()) {
			return text.append(userText).toString();
		}
		for (FewShotExample example : this.examples) {
			text.append("Input: ").append(example.input()).append('\n');
			text.append("Output: ").append(example.output()).append("\n\n");
		}
		return text.append("Input: ").append(userText).append("\nOutput:").toString();
	}

	@Override
	public String toString() {
		return "PromptTemplate{name=" + this.name + ", version=" + this.version + ", variables=" + this.variables
				+ ", examples=" + this.examples.size() + "}";
	}

	/**
	 * Builder of {@link PromptTemplate}.
	 */
	public static final class Builder {

		private final String name;

		private final String user;

		private @Nullable String version;

		private @Nullable String system;

		private final List<FewShotExample> examples = new ArrayList<>();

		private GenerationOptions options = GenerationOptions.empty();

		private Builder(String name, String user) {
			if (name == null || name.isBlank()) {
				throw new IllegalArgumentException("Invalid template name '" + name + "': it must not be blank.");
			}
			this.name = name;
			this.user = Objects.requireNonNull(user, "user message of template '" + name + "' must not be null");
		}

		public Builder version(@Nullable String version) {
			this.version = version;
			return this;
		}

		public Builder system(@Nullable String system) {
			this.system = system;
			return this;
		}

		public Builder example(String input, String output) {
			this.examples.add(new FewShotExample(input, output));
			return this;
		}

		public Builder examples(List<FewShotExample> examples) {
			this.examples.addAll(examples);
			return this;
		}

		public Builder options(GenerationOptions options) {
			this.options = Objects.requireNonNull(options, "options must not be null");
			return this;
		}

		public PromptTemplate build() {
			return new PromptTemplate(this);
		}

	}

}
