package io.agentpolicy.operator.admission;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.operator.support.JsonTrees;
import io.agentpolicy.operator.support.ManagedConfigMaps;
import io.agentpolicy.operator.support.PolicyChanges;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * Keeps the generated ValidatingAdmissionPolicies and bindings equal to what the policies and the configuration
 * call for. Each generated policy is its own primary resource; {@link AdmissionPolicyBootstrap} creates missing
 * ones at start-up, and every PermissionPolicy event (deletion included) reconciles them all.
 */
@ControllerConfiguration(name = AdmissionPolicyReconciler.NAME,
        informer = @Informer(labelSelector = ManagedConfigMaps.MANAGED_SELECTOR))
public class AdmissionPolicyReconciler implements Reconciler<ValidatingAdmissionPolicy> {
    public static final String NAME = "admission-policy";

    @Inject
    AdmissionPolicies admissionPolicies;

    @Inject
    KubernetesClient client;

    @Inject
    Clock clock;

    private InformerEventSource<PermissionPolicy, ValidatingAdmissionPolicy> policies;
    private InformerEventSource<ValidatingAdmissionPolicyBinding, ValidatingAdmissionPolicy> bindings;
    private List<InformerEventSource<GenericKubernetesResource, ValidatingAdmissionPolicy>> alongside;

    @Override
    public List<EventSource<?, ValidatingAdmissionPolicy>> prepareEventSources(EventSourceContext<ValidatingAdmissionPolicy> context) {
        Set<ResourceID> everyGenerated = AdmissionPolicies.allNames().stream().map(ResourceID::new).collect(Collectors.toSet());
        policies = new InformerEventSource<>(InformerEventSourceConfiguration.from(PermissionPolicy.class, ValidatingAdmissionPolicy.class)
                .withName("admission-permission-policies")
                .withOnUpdateFilter(PolicyChanges::matter)
                .withSecondaryToPrimaryMapper(policy -> everyGenerated)
                .build(), context);
        bindings = new InformerEventSource<>(
                InformerEventSourceConfiguration.from(ValidatingAdmissionPolicyBinding.class, ValidatingAdmissionPolicy.class)
                        .withName("admission-bindings")
                        .withLabelSelector(ManagedConfigMaps.MANAGED_SELECTOR)
                        .withSecondaryToPrimaryMapper(binding -> Set.of(new ResourceID(binding.getMetadata().getName())))
                        .build(), context);
        // The mutating policy and its binding: an edit or deletion of either puts it back.
        alongside = java.util.stream.Stream.of(SettingsInjection.POLICY_KIND, SettingsInjection.BINDING_KIND)
                .map(kind -> new InformerEventSource<>(InformerEventSourceConfiguration.from(kind, ValidatingAdmissionPolicy.class)
                        .withName("admission-" + kind.getKind().toLowerCase(java.util.Locale.ROOT))
                        .withLabelSelector(ManagedConfigMaps.MANAGED_SELECTOR)
                        .withSecondaryToPrimaryMapper(resource -> everyGenerated)
                        .build(), context))
                .toList();
        List<EventSource<?, ValidatingAdmissionPolicy>> sources = new java.util.ArrayList<>(List.of(policies, bindings));
        sources.addAll(alongside);
        return sources;
    }

    @Override
    public UpdateControl<ValidatingAdmissionPolicy> reconcile(ValidatingAdmissionPolicy actual, Context<ValidatingAdmissionPolicy> context) {
        String name = actual.getMetadata().getName();
        Optional<AdmissionPolicies.Generated> desired = admissionPolicies.desired(policies.list(p -> true).toList(), clock.instant()).stream()
                .filter(g -> g.name().equals(name)).findFirst();
        if (desired.isEmpty()) {
            client.resource(actual).delete();
            bindings.get(new ResourceID(name)).ifPresent(binding -> client.resource(binding).delete());
            return UpdateControl.noUpdate();
        }
        applyIfChanged(actual, desired.get().policy());
        applyIfChanged(bindings.get(new ResourceID(name)).orElse(null), desired.get().binding());
        for (GenericKubernetesResource wanted : desired.get().alongside()) {
            GenericKubernetesResource current = alongside.stream()
                    .flatMap(source -> source.get(new ResourceID(wanted.getMetadata().getName())).stream())
                    .filter(found -> found.getKind().equals(wanted.getKind())).findFirst().orElse(null);
            applyIfChanged(current, wanted);
        }
        return UpdateControl.noUpdate();
    }

    /** Writes only when the object lacks something the operator wants in it (server defaults don't count). */
    private void applyIfChanged(HasMetadata actual, HasMetadata desired) {
        if (actual != null && JsonTrees.contains(specOf(actual), specOf(desired))
                && JsonTrees.contains(actual.getMetadata().getLabels(), desired.getMetadata().getLabels())) {
            return;
        }
        client.resource(desired).fieldManager(ManagedConfigMaps.FIELD_MANAGER).forceConflicts().serverSideApply();
    }

    private static Object specOf(HasMetadata resource) {
        if (resource instanceof GenericKubernetesResource generic) {
            return generic.getAdditionalProperties().get("spec");
        }
        return resource instanceof ValidatingAdmissionPolicy policy ? policy.getSpec()
                : ((ValidatingAdmissionPolicyBinding) resource).getSpec();
    }
}
