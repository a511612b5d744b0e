/**
 * The DJL engine, device and dtype selection, the decoder forward pass and the KV cache.
 */
@NullMarked
package dev.embeddedllm.runtime;

import org.jspecify.annotations.NullMarked;
