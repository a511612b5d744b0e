package dev.embeddedllm.runtime;

import ai.djl.ndarray.NDArray;

import org.jspecify.annotations.Nullable;

/**
 * Weights of one decoder layer, linear weights stored as (in, out) so that
 * {@code x.matMul(w)} applies them. With H hidden size, I intermediate size, Hq query heads,
 * KVH key and value heads and D head size:
 *
 * @param inputLayernorm (H) RMSNorm weight before attention
 * @param qkvProj (H, Hq*D + 2*KVH*D) the q, k and v projections side by side
 * @param qkvBias (Hq*D + 2*KVH*D) their biases, or {@code null} when the model has none
 * @param oProj (Hq*D, H) the attention output projection
 * @param postAttentionLayernorm (H) RMSNorm weight before the MLP
 * @param gateUpProj (H, 2*I) the gate and up projections side by side
 * @param downProj (I, H) the MLP output projection
 */
record LayerWeights(NDArray inputLayernorm, NDArray qkvProj, @Nullable NDArray qkvBias, NDArray oProj,
		NDArray postAttentionLayernorm, NDArray gateUpProj, NDArray downProj) {
}
