package io.agentpolicy.engine;

/** A disagreement between merged policies: where it is (a spec field or a settings JSON pointer) and who was involved. */
public record Conflict(String path, String message) {
}
