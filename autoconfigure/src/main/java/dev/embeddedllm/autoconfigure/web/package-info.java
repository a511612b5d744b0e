/**
 * REST endpoints of the embedded-llm starter.
 */
@NullMarked
package dev.embeddedllm.autoconfigure.web;

import org.jspecify.annotations.NullMarked;
