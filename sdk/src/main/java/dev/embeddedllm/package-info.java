/**
 * Public API of the embedded-llm SDK: the client, requests, options and results.
 */
@NullMarked
package dev.embeddedllm;

import org.jspecify.annotations.NullMarked;
