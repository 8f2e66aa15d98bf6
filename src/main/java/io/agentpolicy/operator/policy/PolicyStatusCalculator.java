package io.agentpolicy.operator.policy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.agentpolicy.api.EmergencyOverride;
import io.agentpolicy.api.EmergencyOverrideStatus;
import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.api.PermissionPolicyStatus;
import io.agentpolicy.api.Rfc3339;
import io.agentpolicy.engine.BaselinePlan;
import io.agentpolicy.engine.Finding;
import io.agentpolicy.engine.PolicyEngine;
import io.agentpolicy.engine.ValidationResult;
import io.agentpolicy.operator.baseline.BaselineConfigMap;
import io.agentpolicy.operator.drift.Drift;
import io.agentpolicy.operator.drift.DriftGuard;
import io.agentpolicy.operator.drift.DriftLedger;
import io.agentpolicy.operator.drift.DriftOwner;
import io.agentpolicy.operator.support.Conditions;
import io.agentpolicy.operator.support.EventRecorder.Reason;
import io.agentpolicy.operator.support.ManagedConfigMaps;
import io.agentpolicy.operator.support.Namespaces;
import io.agentpolicy.operator.support.PolicyValidation;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;

/** Computes a PermissionPolicy's status from what the informers hold; it reads and writes nothing itself. */
@ApplicationScoped
public class PolicyStatusCalculator {
    /** Conditions name at most this many conflicts, then count the rest. */
    static final int MAX_LISTED = 5;

    public record Event(Reason reason, String message) {
    }

    public record Result(PermissionPolicyStatus status, List<Event> events, Optional<Instant> nextChange) {
    }

    @Inject
    PolicyEngine engine;

    @Inject
    PolicyValidation validation;

    @Inject
    BaselineConfigMap baseline;

    @Inject
    ManagedConfigMaps maps;

    @Inject
    DriftGuard driftGuard;

    @Inject
    DriftLedger ledger;

    public Result calculate(PermissionPolicy policy, Collection<PermissionPolicy> allPolicies, Collection<Namespace> namespaces,
            Function<String, ConfigMap> baselineMapOf, Instant now) {
        PermissionPolicyStatus previous = policy.getStatus() == null ? new PermissionPolicyStatus() : policy.getStatus();
        List<Event> events = new ArrayList<>();
        PermissionPolicyStatus status = new PermissionPolicyStatus();
        status.setObservedGeneration(policy.getMetadata().getGeneration());
        status.setEmergencyOverride(overrideStatus(policy, previous.getEmergencyOverride(), now, events));

        ValidationResult validity = validation.validate(policy);
        boolean invalid = !validity.errors().isEmpty();
        if (invalid) {
            events.add(new Event(Reason.InvalidSpec, describe(validity.errors())));
        }

        int matched = 0;
        int rendered = 0;
        Set<String> conflicts = new LinkedHashSet<>();
        List<String> refusals = new ArrayList<>();
        List<Drift> drifted = new ArrayList<>();
        DriftOwner owner = DriftOwner.of(policy);
        List<PermissionPolicy> justThis = List.of(policy);
        for (Namespace namespace : namespaces) {
            if (engine.forBaseline(justThis, Namespaces.info(namespace)).isEmpty()) {
                continue;
            }
            matched++;
            ConfigMap actual = baselineMapOf.apply(namespace.getMetadata().getName());
            if (baseline.plan(namespace, allPolicies, actual) instanceof BaselinePlan.Render render) {
                BaselineConfigMap.Desired desired = baseline.desired(namespace, render, now);
                desired.merged().conflicts().forEach(c -> conflicts.add(c.message()));
                driftGuard.refusal(namespace.getMetadata().getName(), baseline.name()).ifPresent(refusals::add);
                Drift drift = driftGuard.currentDrift(actual, desired.map());
                if (drift != null) {
                    drifted.add(drift);
                    driftGuard.note(owner, drift, desired.merged().enforcement(), engine.tierOf(Namespaces.info(namespace)), now);
                }
                if (maps.isUpToDate(actual, desired.map())) {
                    rendered++;
                }
            }
        }
        status.setMatchedNamespaces(matched);
        status.setRenderedNamespaces(rendered);
        status.setDrift(ledger.snapshot(owner));

        Conditions conditions = new Conditions(previous.getConditions(), policy.getMetadata().getGeneration(), now);
        // Stalled: nothing moves until someone acts, on the spec (InvalidSpec) or on what refuses the map writes.
        boolean refused = !invalid && !refusals.isEmpty();
        boolean stalled = invalid || refused;
        String stalledReason = invalid ? "InvalidSpec" : "WriteRefused";
        conditions.set(Conditions.STALLED, stalled, stalled ? stalledReason : "Valid",
                invalid ? describe(validity.errors()) : refused ? listed(refusals) : "the spec is valid");
        boolean ready = !stalled && rendered == matched;
        conditions.set(Conditions.READY, ready, stalled ? stalledReason : ready ? "Rendered" : "Rendering",
                invalid ? "the spec is invalid; previously rendered maps stay in place"
                        : refused ? "the API server refuses to write " + refusals.size() + " of " + matched + " matched namespaces' maps"
                        : rendered + " of " + matched + " matched namespaces hold the desired managed settings");
        conditions.set(Conditions.RECONCILING, !stalled && !ready, ready || stalled ? "Idle" : "Rendering",
                ready || stalled ? "no work in flight" : (matched - rendered) + " namespaces still to render");
        conditions.set(Conditions.DRIFTED, !drifted.isEmpty(), drifted.isEmpty() ? "NoDrift" : "ConfigMapChanged",
                drifted.isEmpty() ? "every rendered map holds the desired settings" : listed(drifted.stream().map(Drift::describe).toList()));
        conditions.set(Conditions.CONFLICTING, !conflicts.isEmpty(), conflicts.isEmpty() ? "NoConflict" : "MergeConflict",
                conflicts.isEmpty() ? "no conflict with other policies" : listed(conflicts));
        conditions.set(Conditions.WARNINGS, !validity.warnings().isEmpty(),
                validity.warnings().isEmpty() ? "NoWarnings" : "SpecWarnings",
                validity.warnings().isEmpty() ? "no warnings" : describe(validity.warnings()));
        status.setConditions(conditions.build());

        Optional<Instant> nextChange = Boolean.TRUE.equals(status.getEmergencyOverride() == null ? null
                : status.getEmergencyOverride().getActive())
                        ? Optional.ofNullable(Rfc3339.parse(status.getEmergencyOverride().getExpiresAt()))
                        : Optional.empty();
        return new Result(status, events, nextChange);
    }

    /** The override's state; activation time is kept from the previous status while it stays active. */
    private static EmergencyOverrideStatus overrideStatus(PermissionPolicy policy, EmergencyOverrideStatus previous, Instant now,
            List<Event> events) {
        EmergencyOverride override = policy.getSpec() == null ? null : policy.getSpec().getEmergencyOverride();
        boolean wasActive = previous != null && Boolean.TRUE.equals(previous.getActive());
        Instant expiresAt = override == null ? null : Rfc3339.parse(override.getExpiresAt());
        boolean active = expiresAt != null && now.isBefore(expiresAt);
        if (active && !wasActive) {
            events.add(new Event(Reason.OverrideActivated, "emergency override caps sessions at " + override.getMaxMode()
                    + " until " + override.getExpiresAt() + ": " + override.getReason()));
        } else if (!active && wasActive) {
            events.add(new Event(Reason.OverrideExpired, override == null ? "emergency override removed"
                    : "emergency override lapsed at " + override.getExpiresAt()));
        }
        if (override == null && !wasActive) {
            return null;
        }
        EmergencyOverrideStatus status = new EmergencyOverrideStatus();
        status.setActive(active);
        status.setExpiresAt(override == null ? null : override.getExpiresAt());
        if (active) {
            status.setActivatedAt(wasActive && previous.getActivatedAt() != null ? previous.getActivatedAt() : now.toString());
        }
        return status;
    }

    static String describe(List<Finding> findings) {
        return listed(findings.stream().map(f -> f.field() + ": " + f.message()).collect(Collectors.toList()));
    }

    private static String listed(Collection<String> items) {
        String shown = items.stream().limit(MAX_LISTED).collect(Collectors.joining("; "));
        return items.size() > MAX_LISTED ? shown + "; and " + (items.size() - MAX_LISTED) + " more" : shown;
    }
}
