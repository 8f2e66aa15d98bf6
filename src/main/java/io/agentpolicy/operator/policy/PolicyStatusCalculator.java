package io.agentpolicy.operator.policy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import io.agentpolicy.api.DriftStatus;
import io.agentpolicy.api.EmergencyOverride;
import io.agentpolicy.api.EmergencyOverrideStatus;
import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.api.PermissionPolicyStatus;
import io.agentpolicy.api.Rfc3339;
import io.agentpolicy.engine.Finding;
import io.agentpolicy.engine.ValidationResult;
import io.agentpolicy.operator.maps.Drift;
import io.agentpolicy.operator.maps.RenderedMaps;
import io.agentpolicy.operator.reporting.Conditions;
import io.agentpolicy.operator.reporting.EventRecorder.Reason;

/** Computes a PermissionPolicy's status from what its reconciler observed: a pure function, it reads and writes nothing. */
public final class PolicyStatusCalculator {
    /** Conditions name at most this many conflicts, then count the rest. */
    static final int MAX_LISTED = 5;

    public record Event(Reason reason, String message) {
    }

    public record Result(PermissionPolicyStatus status, List<Event> events, Optional<Instant> nextChange) {
    }

    /**
     * A namespace the policy matches, as the reconciler observed it.
     *
     * @param map its baseline map's state; null when the map is not to be rendered (an invalid policy freezes it)
     */
    public record MatchedNamespace(String name, List<String> conflicts, RenderedMaps.State map) {
    }

    private PolicyStatusCalculator() {
    }

    public static Result calculate(PermissionPolicy policy, ValidationResult validity, List<MatchedNamespace> matchedNamespaces,
            DriftStatus driftRecord, Instant now) {
        PermissionPolicyStatus previous = policy.getStatus() == null ? new PermissionPolicyStatus() : policy.getStatus();
        List<Event> events = new ArrayList<>();
        PermissionPolicyStatus status = new PermissionPolicyStatus();
        status.setObservedGeneration(policy.getMetadata().getGeneration());
        status.setEmergencyOverride(overrideStatus(policy, previous.getEmergencyOverride(), now, events));

        boolean invalid = !validity.errors().isEmpty();
        if (invalid) {
            events.add(new Event(Reason.InvalidSpec, describe(validity.errors())));
        }
        int matched = matchedNamespaces.size();
        List<RenderedMaps.State> maps = matchedNamespaces.stream().map(MatchedNamespace::map).filter(Objects::nonNull).toList();
        int rendered = (int) maps.stream().filter(RenderedMaps.State::upToDate).count();
        Set<String> conflicts = matchedNamespaces.stream().flatMap(ns -> ns.conflicts().stream())
                .collect(Collectors.toCollection(LinkedHashSet::new));
        List<String> refusals = maps.stream().map(RenderedMaps.State::refusal).filter(Objects::nonNull).toList();
        List<Drift> drifted = maps.stream().map(RenderedMaps.State::drift).filter(Objects::nonNull).toList();
        status.setMatchedNamespaces(matched);
        status.setRenderedNamespaces(rendered);
        status.setDrift(driftRecord);

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
