package io.agentpolicy.cli;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.cli.Diagnostic.Severity;
import io.agentpolicy.cli.ManifestChecker.Checked;
import io.agentpolicy.cli.ManifestChecker.CheckedInputs;
import io.agentpolicy.engine.Conflict;
import io.agentpolicy.engine.EngineConfig;
import io.agentpolicy.engine.MergedPolicy;
import io.agentpolicy.engine.NamespaceInfo;
import io.agentpolicy.engine.PolicyEngine;

/**
 * Finds where valid policies would conflict when merged for one namespace: for each tier the policies name, the
 * policies without a namespaceSelector; for each Namespace among the inputs, every policy that matches it. Conflicts
 * are warnings, as for the operator, which sets Conflicting=True but still renders.
 */
final class ConflictFinder {
    private final EngineConfig config;
    private final PolicyEngine engine;
    private final Instant now;

    ConflictFinder(EngineConfig config, Instant now) {
        this.config = config;
        this.engine = new PolicyEngine(config);
        this.now = now;
    }

    List<Diagnostic> find(CheckedInputs inputs) {
        Map<String, Checked<PermissionPolicy>> byName = inputs.policies().stream()
                .collect(Collectors.toMap(p -> p.object().getMetadata().getName(), Function.identity(), (a, b) -> a));
        List<PermissionPolicy> all = inputs.policyObjects();
        List<PermissionPolicy> tiersOnly = all.stream().filter(p -> p.getSpec().getNamespaceSelector() == null).toList();
        List<Diagnostic> found = new ArrayList<>();
        Set<String> reported = new HashSet<>();

        Set<String> tiers = new TreeSet<>();
        all.forEach(p -> tiers.addAll(p.getSpec().getTiers() == null ? List.of() : p.getSpec().getTiers()));
        for (String tier : tiers) {
            NamespaceInfo namespace = new NamespaceInfo("tier-" + tier, Map.of(config.tierLabel(), tier));
            report(engine.forBaseline(tiersOnly, namespace), "tier " + tier, byName, reported, found);
        }

        Set<String> selectorsEvaluated = new HashSet<>();
        for (Checked<NamespaceInfo> namespace : inputs.namespaces()) {
            List<PermissionPolicy> matching = engine.forBaseline(all, namespace.object());
            matching.forEach(p -> selectorsEvaluated.add(p.getMetadata().getName()));
            report(matching, "namespace " + namespace.object().name(), byName, reported, found);
        }
        if (all.size() > 1) {
            inputs.policies().stream()
                    .filter(p -> p.object().getSpec().getNamespaceSelector() != null)
                    .filter(p -> !selectorsEvaluated.contains(p.object().getMetadata().getName()))
                    .forEach(p -> found.add(Diagnostic.at(p.source(), Severity.NOTE, "spec.namespaceSelector", "conflicts with "
                            + "other policies could not be checked: the selector needs a namespace's labels; add the "
                            + "Namespace manifests it should match to the inputs")));
        }
        return found;
    }

    /** Each conflict once, at the first policy (by name) that writes the conflicting field. */
    private void report(List<PermissionPolicy> matching, String where, Map<String, Checked<PermissionPolicy>> byName,
            Set<String> reported, List<Diagnostic> found) {
        if (matching.size() < 2) {
            return;
        }
        MergedPolicy merged = engine.merge(matching, now);
        for (Conflict conflict : merged.conflicts()) {
            if (!reported.add(conflict.message())) {
                continue;
            }
            String field = conflict.path().startsWith("/") ? SourceLines.settingsField(conflict.path()) : conflict.path();
            Manifest at = merged.policyNames().stream().map(name -> byName.get(name).source())
                    .filter(source -> source.document().lines().contains(field))
                    .findFirst().orElse(byName.get(merged.policyNames().get(0)).source());
            found.add(Diagnostic.at(at, Severity.WARNING, field, conflict.message() + " (" + where + ")"));
        }
    }
}
