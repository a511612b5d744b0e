package dev.embeddedllm.runtime;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks that the stop string filter emits all text before the first stop string, none of
 * the stop string itself, and nothing after it.
 */
class StopStringFilterTest {

	@Test
	void accept_noStopStrings_passesTextThrough() {
		StopStringFilter filter = new StopStringFilter(List.of());

		assertThat(filter.accept("Hello")).isEqualTo("Hello");
		assertThat(filter.accept(" world")).isEqualTo(" world");
		assertThat(filter.finish()).isEmpty();
		assertThat(filter.stopped()).isFalse();
	}

	@Test
	void accept_stopInOneDelta_emitsTextBeforeIt() {
		StopStringFilter filter = new StopStringFilter(List.of("END"));

		String emitted = filter.accept("one two END three");

		assertThat(emitted).isEqualTo("one two ");
		assertThat(filter.stopped()).isTrue();
	}

	@Test
	void accept_stopSplitAcrossDeltas_holdsPartialMatch() {
		StopStringFilter filter = new StopStringFilter(List.of("END"));

		String first = filter.accept("one E");
		String second = filter.accept("N");
		boolean stoppedBeforeLastPart = filter.stopped();
		String third = filter.accept("D three");

		assertThat(first).isEqualTo("one ");
		assertThat(second).isEmpty();
		assertThat(stoppedBeforeLastPart).isFalse();
		assertThat(third).isEmpty();
		assertThat(filter.stopped()).isTrue();
	}

	@Test
	void accept_stopAtVeryStart_emitsNothing() {
		StopStringFilter filter = new StopStringFilter(List.of("\n\n"));

		String emitted = filter.accept("\n\nmore text");

		assertThat(emitted).isEmpty();
		assertThat(filter.stopped()).isTrue();
		assertThat(filter.finish()).isEmpty();
	}

	@Test
	void accept_severalStops_earliestWins() {
		StopStringFilter filter = new StopStringFilter(List.of("world", "lo"));

		String emitted = filter.accept("hello world");

		// "lo" starts at index 3 of "hello world", before "world" at index 6.
		assertThat(emitted).isEqualTo("hel");
	}

	@Test
	void accept_otherStopCompletesFirst_wins() {
		StopStringFilter filter = new StopStringFilter(List.of("abcd", "bc"));

		String first = filter.accept("xab");
		String second = filter.accept("ce");

		// "ab" could start "abcd", so it is held; "bc" then completes at index 2 of "xabce".
		assertThat(first).isEqualTo("x");
		assertThat(second).isEqualTo("a");
		assertThat(filter.stopped()).isTrue();
	}

	@Test
	void accept_partialMatchNotStop_releasesHeldText() {
		StopStringFilter filter = new StopStringFilter(List.of("END"));

		String first = filter.accept("the E");
		String second = filter.accept("asy part");

		assertThat(first).isEqualTo("the ");
		assertThat(second).isEqualTo("Easy part");
		assertThat(filter.stopped()).isFalse();
	}

	@Test
	void accept_longPartialMatchBroken_released() {
		StopStringFilter filter = new StopStringFilter(List.of("</answer>"));

		String first = filter.accept("x </ans");
		String second = filter.accept("wers");

		assertThat(first).isEqualTo("x ");
		assertThat(second).isEqualTo("</answers");
	}

	@Test
	void accept_afterStop_emitsNothing() {
		StopStringFilter filter = new StopStringFilter(List.of("END"));
		filter.accept("a END b");

		String emitted = filter.accept("more");

		assertThat(emitted).isEmpty();
	}

	@Test
	void finish_heldPartialMatch_releasesIt() {
		StopStringFilter filter = new StopStringFilter(List.of("END"));
		String emitted = filter.accept("foo EN");

		String released = filter.finish();

		assertThat(emitted).isEqualTo("foo ");
		assertThat(released).isEqualTo("EN");
		assertThat(filter.stopped()).isFalse();
	}

	@Test
	void finish_afterStop_releasesNothing() {
		StopStringFilter filter = new StopStringFilter(List.of("END"));
		filter.accept("foo END bar EN");

		String released = filter.finish();

		assertThat(released).isEmpty();
	}

	@Test
	void accept_singleCharacterDeltas_cutAtStop() {
		String text = "abc STO STOP xyz";
		StopStringFilter filter = new StopStringFilter(List.of("STOP"));

		StringBuilder emitted = new StringBuilder();
		for (int i = 0; i < text.length() && !filter.stopped(); i++) {
			emitted.append(filter.accept(text.substring(i, i + 1)));
		}

		assertThat(emitted).hasToString("abc STO ");
		assertThat(filter.stopped()).isTrue();
	}

}
