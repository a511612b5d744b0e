package dev.embeddedllm.benchmarks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parser of the {@code --name value} and {@code --flag} arguments of the benchmark mains.
 */
final class CommandLine {

	private CommandLine() {
	}

	/**
	 * Parses arguments into a map from option name to value; flags map to {@code "true"}.
	 * @throws IllegalArgumentException on an unknown option or an option without its value
	 */
	static Map<String, String> parse(String[] args, List<String> valueOptions, List<String> flags) {
		Map<String, String> options = new LinkedHashMap<>();
		for (int i = 0; i < args.length; i++) {
			String arg = args[i];
			if (flags.contains(arg)) {
				options.put(arg, "true");
			}
			else if (valueOptions.contains(arg)) {
				if (i + 1 == args.length) {
					throw new IllegalArgumentException("Missing value after " + arg + ".");
				}
				options.put(arg, args[++i]);
			}
			else {
				throw new IllegalArgumentException("Unknown argument '" + arg + "'.");
			}
		}
		return options;
	}

	static long parseLong(Map<String, String> options, String name, long defaultValue) {
		String value = options.get(name);
		if (value == null) {
			return defaultValue;
		}
		try {
			return Long.parseLong(value);
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("Invalid " + name + " '" + value + "': an integer is required.");
		}
	}

	/**
	 * Parses an integer option that must be at least {@code min}.
	 */
	static int parseInt(Map<String, String> options, String name, int defaultValue, int min) {
		long value = parseLong(options, name, defaultValue);
		if (value < min || value > Integer.MAX_VALUE) {
			throw new IllegalArgumentException(
					"Invalid " + name + " " + value + ": it must be between " + min + " and " + Integer.MAX_VALUE + ".");
		}
		return (int) value;
	}

	static double parseDouble(Map<String, String> options, String name, double defaultValue) {
		String value = options.get(name);
		if (value == null) {
			return defaultValue;
		}
		try {
			return Double.parseDouble(value);
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("Invalid " + name + " '" + value + "': a number is required.");
		}
	}

}
