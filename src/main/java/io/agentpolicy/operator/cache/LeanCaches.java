package io.agentpolicy.operator.cache;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.github.benmanes.caffeine.cache.Interner;

import io.agentpolicy.api.AgentSession;
import io.agentpolicy.api.AgentSessionApproval;
import io.agentpolicy.operator.maps.RenderedMap;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;

/**
 * Item stores for the informers of the kinds that grow with the cluster (namespaces, sessions, pods, rendered maps).
 * They keep what the operator reads and drop {@code metadata.managedFields}: every FieldsV1 is a tree of maps, the
 * largest part of a cached object, and only drift detection reads it, on rendered maps, for two facts: who last
 * changed the map and whether someone other than the operator owns its data. Rendered maps keep exactly that.
 *
 * <p>Namespaces keep their identity and labels (the tier; policies select by label), agent pods what the compliance
 * check reads: their containers' command lines and mounts, and their ConfigMap volumes.
 *
 * <p>The stores transform the object the informer hands on to event handlers too, so every reader sees the same lean
 * object. Informers of the same kind share one instance of each version ({@link SharedVersions}), and rendered maps one
 * copy of each rendering.
 */
public final class LeanCaches {
    /** Five informers cache the namespaces and three the sessions, each made lean alike: one instance per version. */
    private static final SharedVersions<Namespace> NAMESPACES = new SharedVersions<>(LeanCaches::keepNameAndLabels);
    private static final SharedVersions<AgentSession> SESSIONS = new SharedVersions<>(LeanCaches::dropManagedFields);
    /**
     * The settings a rendered map holds: thousands of maps hold one of a few renderings (one per tier and mode), each
     * a few KiB, which SharedStrings leaves alone (too long to be worth a lossy slot).
     */
    private static final Interner<String> RENDERED_DATA = Interner.newWeakInterner();

    private LeanCaches() {
    }

    /** A store for rendered maps: managedFields reduced to the other managers, their time and whether they own data. */
    public static ItemStore<ConfigMap> renderedConfigMaps() {
        return new TransformingItemStore<>(LeanCaches::keepForeignDataOwnership);
    }

    /** A store for namespaces: name, labels and deletion, nothing else. */
    public static ItemStore<Namespace> namespaces() {
        return new TransformingItemStore<>(NAMESPACES);
    }

    /** A store for agent pods: what {@code PodComplianceCheck} reads, nothing else. */
    public static ItemStore<Pod> agentPods() {
        return new TransformingItemStore<>(LeanCaches::keepComplianceFields);
    }

    /** The namespace-baseline controller's primary store (annotations name a class with a no-argument constructor). */
    public static final class NamespaceStore extends TransformingItemStore<Namespace> {
        public NamespaceStore() {
            super(NAMESPACES);
        }
    }

    /** The agent-session controller's primary store. */
    public static final class AgentSessionStore extends TransformingItemStore<AgentSession> {
        public AgentSessionStore() {
            super(SESSIONS);
        }
    }

    /** AgentSessionApprovals: what the decision reads (spec, name, namespace, creationTimestamp), without managedFields. */
    public static final class ApprovalStore extends TransformingItemStore<AgentSessionApproval> {
        public ApprovalStore() {
            super(LeanCaches::dropManagedFields);
        }
    }

    /** The admission-policy controller's primary store: every CRD of the cluster is listed, and only its name is read. */
    public static final class CrdNameStore extends TransformingItemStore<CustomResourceDefinition> {
        public CrdNameStore() {
            super(crd -> {
                crd.setSpec(null);
                crd.setStatus(null);
                crd.getMetadata().setManagedFields(null);
                crd.getMetadata().setAnnotations(Map.of()); // JOSDK reads them on every event of a secondary informer
                return crd;
            });
        }
    }

    static <R extends HasMetadata> R dropManagedFields(R resource) {
        resource.getMetadata().setManagedFields(null);
        return resource;
    }

    static ConfigMap keepForeignDataOwnership(ConfigMap map) {
        if (map.getData() != null && !map.getData().isEmpty()) {
            Map<String, String> data = new LinkedHashMap<>();
            map.getData().forEach((key, value) -> data.put(key, value == null ? null : RENDERED_DATA.intern(value)));
            map.setData(data);
        }
        List<ManagedFieldsEntry> entries = map.getMetadata().getManagedFields();
        if (entries != null) {
            map.getMetadata().setManagedFields(entries.stream()
                    .filter(RenderedMap::byOtherManager)
                    .map(LeanCaches::dataOwnershipOnly)
                    .toList());
        }
        return map;
    }

    private static ManagedFieldsEntry dataOwnershipOnly(ManagedFieldsEntry entry) {
        FieldsV1 fields = new FieldsV1();
        if (RenderedMap.ownsData(entry)) {
            fields.setAdditionalProperty(RenderedMap.DATA_FIELD, Map.of());
        }
        ManagedFieldsEntry lean = new ManagedFieldsEntry();
        lean.setManager(entry.getManager());
        lean.setOperation(entry.getOperation());
        lean.setTime(entry.getTime());
        lean.setFieldsV1(fields);
        return lean;
    }

    static Namespace keepNameAndLabels(Namespace namespace) {
        dropManagedFields(namespace);
        namespace.getMetadata().setAnnotations(Map.of()); // JOSDK reads them on every event
        namespace.setSpec(null);
        namespace.setStatus(null);
        return namespace;
    }

    static Pod keepComplianceFields(Pod pod) {
        dropManagedFields(pod);
        pod.setStatus(null);
        PodSpec spec = pod.getSpec();
        if (spec != null) {
            PodSpec lean = new PodSpec();
            lean.setVolumes(spec.getVolumes() == null ? null : spec.getVolumes().stream().map(LeanCaches::configMapSource).toList());
            lean.setInitContainers(spec.getInitContainers() == null ? null : spec.getInitContainers().stream().map(LeanCaches::commandAndMounts).toList());
            lean.setContainers(spec.getContainers() == null ? null : spec.getContainers().stream().map(LeanCaches::commandAndMounts).toList());
            pod.setSpec(lean);
        }
        return pod;
    }

    private static Volume configMapSource(Volume volume) {
        Volume lean = new Volume();
        lean.setName(volume.getName());
        lean.setConfigMap(volume.getConfigMap());
        return lean;
    }

    private static Container commandAndMounts(Container container) {
        Container lean = new Container();
        lean.setName(container.getName());
        lean.setCommand(container.getCommand());
        lean.setArgs(container.getArgs());
        lean.setVolumeMounts(container.getVolumeMounts());
        return lean;
    }
}
