/**
 * Token choice from logits: greedy, temperature, top-k and top-p sampling.
 */
@NullMarked
package dev.embeddedllm.sampling;

import org.jspecify.annotations.NullMarked;
