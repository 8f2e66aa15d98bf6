package io.agentpolicy.engine;

/** A namespace map's content and the merge it was rendered from (its conflicts, enforcement, override expiry). */
public record BaselineRendering(MergedPolicy merged, RenderedSettings settings) {
}
