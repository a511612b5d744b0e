/**
 * Prompt templates: named system and user messages with variables and few-shot examples.
 */
@NullMarked
package dev.embeddedllm.prompt;

import org.jspecify.annotations.NullMarked;
