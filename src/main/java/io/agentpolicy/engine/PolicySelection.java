package io.agentpolicy.engine;

import java.util.Collection;
import java.util.List;

import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.api.PermissionPolicySpec;

/** Finds the policies that govern a namespace, by tier label and namespace selector. */
public final class PolicySelection {
    private final EngineConfig config;

    public PolicySelection(EngineConfig config) {
        this.config = config;
    }

    /** The namespace's tier label value, or null when the namespace is unclassified. */
    public String tierOf(NamespaceInfo ns) {
        return ns.labels().get(config.tierLabel());
    }

    /** The tier a session in this namespace is decided in: its label, or the unclassified tier (fail closed). */
    public String sessionTierOf(NamespaceInfo ns) {
        String tier = tierOf(ns);
        return tier == null ? config.unclassifiedTier() : tier;
    }

    /** Policies rendered into the namespace's baseline map, sorted by name; none for an unclassified namespace. */
    public List<PermissionPolicy> forBaseline(Collection<PermissionPolicy> all, NamespaceInfo ns) {
        String tier = tierOf(ns);
        return tier == null ? List.of() : matching(all, tier, ns);
    }

    /** Policies that decide a session in the namespace, sorted by name; an unlabelled namespace counts as the unclassified tier. */
    public List<PermissionPolicy> forSession(Collection<PermissionPolicy> all, NamespaceInfo ns) {
        return matching(all, sessionTierOf(ns), ns);
    }

    private static List<PermissionPolicy> matching(Collection<PermissionPolicy> all, String tier, NamespaceInfo ns) {
        return all.stream()
                .filter(policy -> governs(policy.getSpec(), tier, ns))
                .sorted(Policies.BY_NAME)
                .toList();
    }

    private static boolean governs(PermissionPolicySpec spec, String tier, NamespaceInfo ns) {
        if (spec == null) {
            return false;
        }
        boolean hasTiers = spec.getTiers() != null && !spec.getTiers().isEmpty();
        if (!hasTiers && spec.getNamespaceSelector() == null) {
            return false; // a policy must say which namespaces it governs; the CRD rejects this, never match it
        }
        return (!hasTiers || spec.getTiers().contains(tier)) && LabelSelectors.matches(spec.getNamespaceSelector(), ns.labels());
    }
}
