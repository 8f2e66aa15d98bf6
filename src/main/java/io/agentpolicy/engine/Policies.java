package io.agentpolicy.engine;

import java.util.Comparator;
import java.util.List;

import io.agentpolicy.api.PermissionPolicy;

/** Null-safe reads of PermissionPolicy fields the CRD defaults but a hand-built object may leave unset. */
final class Policies {
    /** Merge order: higher priority first, then name; the first policy wins scalar settings conflicts. */
    static final Comparator<PermissionPolicy> MERGE_ORDER = Comparator
            .comparingInt(Policies::priority).reversed()
            .thenComparing(Policies::name);

    static final Comparator<PermissionPolicy> BY_NAME = Comparator.comparing(Policies::name);

    private Policies() {
    }

    static String name(PermissionPolicy policy) {
        return policy.getMetadata() == null || policy.getMetadata().getName() == null ? "" : policy.getMetadata().getName();
    }

    static int priority(PermissionPolicy policy) {
        Integer priority = policy.getSpec() == null ? null : policy.getSpec().getPriority();
        return priority == null ? 0 : priority;
    }

    static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    /** "policy a" or "policies a, b": how reasons and conflicts name their sources. */
    static String describe(List<String> names) {
        return (names.size() == 1 ? "policy " : "policies ") + String.join(", ", names);
    }
}
