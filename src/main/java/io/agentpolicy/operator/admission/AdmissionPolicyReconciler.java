package io.agentpolicy.operator.admission;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.agentpolicy.api.ApiConstants;
import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.operator.cache.Bounded;
import io.agentpolicy.operator.cache.LeanCaches;
import io.agentpolicy.operator.cache.PolicyChanges;
import io.agentpolicy.operator.config.ReconcileRetry;
import io.agentpolicy.operator.maps.RenderedMap;
import io.agentpolicy.operator.reporting.EventRecorder.Reason;
import io.agentpolicy.operator.reporting.EventRecorder;
import io.agentpolicy.operator.reporting.JsonTrees;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.filter.GenericFilter;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Keeps every generated admission policy and binding (validating and mutating) equal to what the PermissionPolicies
 * and the configuration call for. Its primary is fixed: the PermissionPolicy CRD, which exists whenever the
 * operator can work. The generated objects are secondaries, so a deleted or hand-edited one is an event like any
 * other and is put back within moments (and reported), and the framework's leader election, retries and backoff
 * apply: they are written by the leader only, and a failure at start-up is retried, not forgotten.
 */
@GradualRetry(maxAttempts = ReconcileRetry.UNLIMITED, initialInterval = ReconcileRetry.INITIAL_MILLIS, intervalMultiplier = ReconcileRetry.MULTIPLIER,
        maxInterval = ReconcileRetry.MAX_MILLIS)
@ControllerConfiguration(name = AdmissionPolicyReconciler.NAME,
        informer = @Informer(genericFilter = AdmissionPolicyReconciler.PolicyCrdOnly.class, itemStore = LeanCaches.CrdNameStore.class),
        maxReconciliationInterval = @MaxReconciliationInterval(interval = 10, timeUnit = TimeUnit.MINUTES))
public class AdmissionPolicyReconciler implements Reconciler<CustomResourceDefinition> {
    public static final String NAME = "admission-policy";
    static final String PRIMARY = "permissionpolicies." + ApiConstants.GROUP;
    private static final Logger LOG = Logger.getLogger(AdmissionPolicyReconciler.class);

    /** Only the one CRD is the primary. */
    public static final class PolicyCrdOnly implements GenericFilter<CustomResourceDefinition> {
        @Override
        public boolean accept(CustomResourceDefinition crd) {
            return PRIMARY.equals(crd.getMetadata().getName());
        }
    }

    @Inject
    AdmissionPolicies admissionPolicies;

    @Inject
    KubernetesClient client;

    @Inject
    EventRecorder events;

    @Inject
    MeterRegistry registry;

    @Inject
    Clock clock;

    /** The spec last written per generated object (kind/name): a fixed, small set. Tells a restore from an update. */
    private final Map<String, String> lastWritten = Bounded.map(Bounded.PER_POLICY_SET);

    private InformerEventSource<PermissionPolicy, CustomResourceDefinition> policies;
    private List<InformerEventSource<? extends HasMetadata, CustomResourceDefinition>> generated;

    @Override
    public List<EventSource<?, CustomResourceDefinition>> prepareEventSources(EventSourceContext<CustomResourceDefinition> context) {
        Set<ResourceID> primary = Set.of(new ResourceID(PRIMARY));
        policies = new InformerEventSource<>(InformerEventSourceConfiguration.from(PermissionPolicy.class, CustomResourceDefinition.class)
                .withName("admission-permission-policies")
                .withOnUpdateFilter(PolicyChanges::matter)
                .withSecondaryToPrimaryMapper(policy -> primary)
                .build(), context);
        generated = new ArrayList<>();
        for (Class<? extends HasMetadata> kind : List.of(ValidatingAdmissionPolicy.class, ValidatingAdmissionPolicyBinding.class,
                MutatingAdmissionPolicyKinds.Policy.class, MutatingAdmissionPolicyKinds.Binding.class)) {
            generated.add(generatedObjects(kind, primary, context));
        }
        List<EventSource<?, CustomResourceDefinition>> sources = new ArrayList<>(List.of(policies));
        sources.addAll(generated);
        return sources;
    }

    private static <R extends HasMetadata> InformerEventSource<R, CustomResourceDefinition> generatedObjects(
            Class<R> kind, Set<ResourceID> primary, EventSourceContext<CustomResourceDefinition> context) {
        return new InformerEventSource<>(InformerEventSourceConfiguration.from(kind, CustomResourceDefinition.class)
                .withName("admission-" + HasMetadata.getKind(kind).toLowerCase(Locale.ROOT))
                .withLabelSelector(RenderedMap.MANAGED_SELECTOR)
                .withSecondaryToPrimaryMapper(resource -> primary)
                .build(), context);
    }

    @Override
    public UpdateControl<CustomResourceDefinition> reconcile(CustomResourceDefinition crd, Context<CustomResourceDefinition> context) {
        List<AdmissionPolicies.Generated> desired = admissionPolicies.desired(policies.list(p -> true).toList(), clock.instant());
        List<HasMetadata> wanted = desired.stream()
                .flatMap(g -> Stream.concat(Stream.of(g.policy(), g.binding()), g.alongside().stream()))
                .toList();
        for (HasMetadata object : wanted) {
            converge(actualOf(object), object, crd);
        }
        // Generated objects no longer wanted (their policy was dropped, or the map protection switched off).
        Set<String> wantedKeys = wanted.stream().map(AdmissionPolicyReconciler::key).collect(Collectors.toSet());
        generated.stream().flatMap(source -> source.list(o -> true)).filter(o -> !wantedKeys.contains(key(o))).forEach(stale -> {
            client.resource(stale).delete();
            lastWritten.remove(key(stale));
            LOG.infof("removed %s %s: no longer generated", stale.getKind(), stale.getMetadata().getName());
        });
        return UpdateControl.noUpdate();
    }

    /** Writes the object unless it already holds what the operator wants (server defaults don't count). */
    private void converge(HasMetadata actual, HasMetadata desired, CustomResourceDefinition primary) {
        String desiredSpec = Serialization.asJson(specOf(desired));
        if (actual != null && JsonTrees.contains(specOf(actual), specOf(desired))
                && JsonTrees.contains(actual.getMetadata().getLabels(), desired.getMetadata().getLabels())) {
            lastWritten.putIfAbsent(key(desired), desiredSpec);
            return;
        }
        client.resource(desired).fieldManager(RenderedMap.FIELD_MANAGER).forceConflicts().serverSideApply();
        if (desiredSpec.equals(lastWritten.put(key(desired), desiredSpec))) {
            // The operator had written exactly this: someone deleted or changed it since.
            String what = desired.getKind() + " " + desired.getMetadata().getName();
            String message = what + (actual == null ? " was deleted" : " was changed by hand") + "; restored it";
            LOG.warn(message);
            events.record(primary, Reason.AdmissionPolicyRestored, message);
            registry.counter("agentpolicy.admission.policies.restored", "kind", desired.getKind()).increment();
        }
    }

    private HasMetadata actualOf(HasMetadata desired) {
        return generated.stream().flatMap(source -> source.list(o -> key(o).equals(key(desired)))).findFirst().orElse(null);
    }

    private static String key(HasMetadata object) {
        return object.getKind() + "/" + object.getMetadata().getName();
    }

    private static Object specOf(HasMetadata resource) {
        if (resource instanceof GenericKubernetesResource generic) {
            return generic.getAdditionalProperties().get("spec");
        }
        if (resource instanceof MutatingAdmissionPolicyKinds.Policy policy) {
            return policy.getSpec();
        }
        if (resource instanceof MutatingAdmissionPolicyKinds.Binding binding) {
            return binding.getSpec();
        }
        return resource instanceof ValidatingAdmissionPolicy policy ? policy.getSpec()
                : ((ValidatingAdmissionPolicyBinding) resource).getSpec();
    }
}
