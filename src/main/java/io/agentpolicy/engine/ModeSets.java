package io.agentpolicy.engine;

import java.util.Optional;
import java.util.Set;

import io.agentpolicy.api.PermissionMode;

/** Rank arithmetic on sets of permission modes (rank = declaration order, plan lowest). */
final class ModeSets {
    private ModeSets() {
    }

    /** The highest-ranked mode of the set not above the limit, if any. */
    static Optional<PermissionMode> highestAtOrBelow(Set<PermissionMode> modes, PermissionMode limit) {
        return modes.stream().filter(mode -> !mode.isAbove(limit)).reduce((a, b) -> a.isAbove(b) ? a : b);
    }

    /** The mode itself if in the set, else the highest mode of the set ranked below it, else the set's lowest mode. */
    static PermissionMode lowerInto(Set<PermissionMode> modes, PermissionMode mode) {
        return highestAtOrBelow(modes, mode).orElseGet(() -> modes.stream().reduce(PermissionMode::lowest).orElseThrow());
    }
}
