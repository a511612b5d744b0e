/**
 * Checkpoint folders: {@code config.json}, safetensors weights and their validation.
 */
@NullMarked
package dev.embeddedllm.model;

import org.jspecify.annotations.NullMarked;
