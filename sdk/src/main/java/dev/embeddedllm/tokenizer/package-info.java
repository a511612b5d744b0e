/**
 * Tokenization through {@code tokenizer.json}, incremental detokenization and chat templates.
 */
@NullMarked
package dev.embeddedllm.tokenizer;

import org.jspecify.annotations.NullMarked;
