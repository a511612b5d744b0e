package dev.embeddedllm.runtime;

import ai.djl.ndarray.NDArray;

import org.jspecify.annotations.Nullable;

/**
 * Weights of one decoder layer. Linear weights are stored as (in, out) so that
 * {@code x.matMul(w)} applies them, except the down projection and the batched gate/up
 * projection. With H hidden size, I
 * intermediate size, Hq query heads, KVH key and value heads and D head size:
 *
 * @param inputLayernorm (H) RMSNorm weight before attention
 * @param qkvProj (H, Hq*D + 2*KVH*D) the q, k and v projections side by side
 * @param qkvBias (Hq*D + 2*KVH*D) their biases, or {@code null} when the model has none
 * @param oProj (Hq*D, H) the attention output projection
 * @param postAttentionLayernorm (H) RMSNorm weight before the MLP
 * @param gateUpProj (2, H, I) the gate projection, then the up projection
 * @param downProj (H, I) the MLP output projection, stored (out, in) and applied with
 * {@code linear}
 */
record LayerWeights(NDArray inputLayernorm, NDArray qkvProj, @Nullable NDArray qkvBias, NDArray oProj,
		NDArray postAttentionLayernorm, NDArray gateUpProj, NDArray downProj) {
}
