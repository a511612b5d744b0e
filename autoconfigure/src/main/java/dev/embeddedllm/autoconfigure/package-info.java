/**
 * Spring Boot auto-configuration of the embedded-llm client.
 */
@NullMarked
package dev.embeddedllm.autoconfigure;

import org.jspecify.annotations.NullMarked;
