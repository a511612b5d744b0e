package dev.embeddedllm.runtime;

import java.util.List;

/**
 * Cuts generated text at the first stop string, holding back the end of the text while it
 * could still grow into one, so no part of a stop string is ever emitted.
 */
final class StopStringFilter {

	private final List<String> stopStrings;

	private final StringBuilder pending = new StringBuilder();

	private boolean stopped;

	StopStringFilter(List<String> stopStrings) {
		this.stopStrings = stopStrings;
	}

	/**
	 * Takes a text delta and returns the part that can be emitted now.
	 */
	String accept(String delta) {
		if (this.stopped) {
			return "";
		}
		this.pending.append(delta);
		if (this.stopStrings.isEmpty()) {
			return drain(this.pending.length());
		}

		int stopAt = -1;
		for (String stop : this.stopStrings) {
			int index = this.pending.indexOf(stop);
			if (index >= 0 && (stopAt < 0 || index < stopAt)) {
				stopAt = index;
			}
		}
		if (stopAt >= 0) {
			this.stopped = true;
			String emitted = this.pending.substring(0, stopAt);
			this.pending.setLength(0);
			return emitted;
		}
		return drain(this.pending.length() - longestPartialMatch());
	}

	/**
	 * Returns the text still held back once generation has ended without a stop string.
	 */
	String finish() {
		return this.stopped ? "" : drain(this.pending.length());
	}

	boolean stopped() {
		return this.stopped;
	}

	/**
	 * Returns the length of the longest end of the pending text that is the start of a stop
	 * string.
	 */
	private int longestPartialMatch() {
		int longest = 0;
		for (String stop : this.stopStrings) {
			int maxLength = Math.min(stop.length() - 1, this.pending.length());
			for (int length = maxLength; length > longest; length--) {
				if (this.pending.indexOf(stop.substring(0, length), this.pending.length() - length) >= 0) {
					longest = length;
					break;
				}
			}
		}
		return longest;
	}

	private String drain(int count) {
		String emitted = this.pending.substring(0, count);
		this.pending.delete(0, count);
		return emitted;
	}

}
