package io.agentpolicy.operator.reporting;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/**
 * Writes a primary's status, when it changed, the one way every reconciler does.
 * <ul>
 * <li>On the version the reconcile read: the server-side apply carries its resourceVersion, so a status computed from
 * an older version is refused (409) and the reconcile runs again, instead of overwriting a newer one. A write the API
 * server held through an etcd outage and stored late can thus never put an old status back.</li>
 * <li>Cached for the next reconcile: it starts from the status written, not from the watch, which may not have
 * delivered it yet. What a reconciler derives from the previous status (an Event, an audit line, a counter of
 * transitions) then happens once per transition.</li>
 * </ul>
 * The reconciler returns {@code UpdateControl.noUpdate()} after it (with its reschedule, if any).
 */
public final class StatusWrites {
    private StatusWrites() {
    }

    /** Writes the status unless the primary already holds it; says whether it wrote. */
    public static <P extends CustomResource<?, S>, S> boolean write(P primary, S status, Context<P> context) {
        if (JsonTrees.same(primary.getStatus(), status)) {
            return false;
        }
        P written = apply(context.getClient(), primary, status, context.getControllerConfiguration().fieldManager());
        context.eventSourceRetriever().getControllerEventSource().handleRecentResourceUpdate(ResourceID.fromResource(primary), written,
                primary);
        return true;
    }

    /** The status alone, applied on the primary's version: a 409 when the primary changed since it was read. */
    static <P extends CustomResource<?, S>, S> P apply(KubernetesClient client, P primary, S status, String fieldManager) {
        P patch = emptyLike(primary);
        patch.setMetadata(new ObjectMetaBuilder().withName(primary.getMetadata().getName())
                .withNamespace(primary.getMetadata().getNamespace())
                .withResourceVersion(primary.getMetadata().getResourceVersion()).build());
        patch.setStatus(status);
        return client.resource(patch).subresource("status").patch(new PatchContext.Builder()
                .withPatchType(PatchType.SERVER_SIDE_APPLY).withForce(true).withFieldManager(fieldManager).build());
    }

    @SuppressWarnings("unchecked")
    private static <P extends CustomResource<?, ?>> P emptyLike(P primary) {
        try {
            return (P) primary.getClass().getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("every custom resource class has a public no-argument constructor: " + primary.getClass(), e);
        }
    }
}
