package io.agentpolicy.operator.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.agentpolicy.api.PermissionMode;
import io.agentpolicy.engine.NamespaceInfo;
import io.agentpolicy.operator.maps.RenderedMap;
import io.agentpolicy.operator.session.PodComplianceCheck;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.fabric8.kubernetes.client.utils.Serialization;

/** The lean caches keep every fact the operator reads from managedFields and pods. */
class LeanCachesTest {

    @Test
    void renderedMapsKeepWhoElseChangedThemAndWhetherTheyOwnTheData() {
        ConfigMap map = new ConfigMapBuilder().withNewMetadata().withName("agent-managed-settings").withNamespace("payments")
                .withManagedFields(
                        entry(RenderedMap.FIELD_MANAGER, "2026-11-21T10:00:00Z", Map.of("f:data", Map.of("f:managed-settings.json", Map.of()),
                                "f:metadata", Map.of("f:labels", Map.of()))),
                        entry("kubectl-patch", "2026-11-21T10:05:00Z", Map.of("f:data", Map.of("f:managed-settings.json", Map.of()))),
                        entry("kubectl-label", "2026-11-21T10:06:00Z", Map.of("f:metadata", Map.of("f:labels", Map.of("f:team", Map.of())))))
                .endMetadata().addToData("managed-settings.json", "{}\n").build();

        List<ManagedFieldsEntry> lean = LeanCaches.keepForeignDataOwnership(map).getMetadata().getManagedFields();

        assertThat(lean).extracting(ManagedFieldsEntry::getManager).containsExactly("kubectl-patch", "kubectl-label");
        assertThat(lean).extracting(ManagedFieldsEntry::getTime).containsExactly("2026-11-21T10:05:00Z", "2026-11-21T10:06:00Z");
        assertThat(lean).extracting(RenderedMap::ownsData).containsExactly(true, false);
        assertThat(map.getData()).containsEntry("managed-settings.json", "{}\n");
    }

    @Test
    void renderedMapsHoldingTheSameSettingsShareOneCopy() {
        String settings = "{\"permissions\":{\"deny\":[\"Bash(rm -rf *)\"]}}\n";
        ConfigMap first = LeanCaches.keepForeignDataOwnership(new ConfigMapBuilder().withNewMetadata().withName("a").endMetadata()
                .addToData("managed-settings.json", new String(settings)).build());
        ConfigMap second = LeanCaches.keepForeignDataOwnership(new ConfigMapBuilder().withNewMetadata().withName("b").endMetadata()
                .addToData("managed-settings.json", new String(settings)).build());

        assertThat(second.getData().get("managed-settings.json")).isEqualTo(settings)
                .isSameAs(first.getData().get("managed-settings.json"));
    }

    @Test
    void namespacesKeepWhatSelectsAndRemovesTheirPolicies() {
        Namespace namespace = new NamespaceBuilder().withNewMetadata().withName("payments").withUid("u-1").withResourceVersion("7")
                .withDeletionTimestamp("2026-11-21T10:00:00Z").addToLabels("agentpolicy.io/tier", "1").addToLabels("team", "payments")
                .addToAnnotations("kubectl.kubernetes.io/last-applied-configuration", "{\"apiVersion\":\"v1\"}")
                .withManagedFields(entry("kubectl-client-side-apply", "2026-11-21T09:00:00Z", Map.of("f:metadata", Map.of())))
                .endMetadata().withNewSpec().addToFinalizers("kubernetes").endSpec().withNewStatus().withPhase("Terminating").endStatus()
                .build();
        NamespaceInfo before = Namespaces.info(namespace);

        Namespace lean = LeanCaches.keepNameAndLabels(namespace);

        assertThat(Namespaces.info(lean)).isEqualTo(before);
        assertThat(lean.getMetadata().getDeletionTimestamp()).isEqualTo("2026-11-21T10:00:00Z");
        assertThat(lean.getMetadata().getUid()).isEqualTo("u-1");
        assertThat(lean.getMetadata().getAnnotations()).isEmpty();
        assertThat(lean.getMetadata().getManagedFields()).isNull();
        assertThat(lean.getSpec()).isNull();
    }

    @Test
    void informersOfTheSameKindShareOneInstancePerVersion() {
        ItemStore<Namespace> baselines = new LeanCaches.NamespaceStore();
        ItemStore<Namespace> sessions = LeanCaches.namespaces();

        baselines.put("payments", namespace("7", "1"));
        sessions.put("payments", namespace("7", "1"));
        assertThat(sessions.get("payments")).isSameAs(baselines.get("payments"));

        sessions.put("payments", namespace("8", "2"));
        assertThat(sessions.get("payments").getMetadata().getLabels()).containsEntry("agentpolicy.io/tier", "2");
        assertThat(baselines.get("payments").getMetadata().getLabels()).containsEntry("agentpolicy.io/tier", "1");
        baselines.put("payments", namespace("8", "2"));
        assertThat(baselines.get("payments")).isSameAs(sessions.get("payments"));
    }

    private static Namespace namespace(String resourceVersion, String tier) {
        return new NamespaceBuilder().withNewMetadata().withName("payments").withUid("u-shared").withResourceVersion(resourceVersion)
                .addToLabels("agentpolicy.io/tier", tier).endMetadata().build();
    }

    @Test
    void agentPodsAreJudgedTheSameAfterTrimming() {
        List<Pod> pods = List.of(
                pod("mounted", "agent-session-run", "/etc/claude-code", null, List.of("claude"), List.of("--print")),
                pod("subpath", "agent-session-run", "/etc/claude-code/managed-settings.json", "managed-settings.json",
                        List.of("sh", "-c"), List.of("claude --permission-mode bypassPermissions")),
                pod("unmounted", "other", "/etc/claude-code", null, List.of("claude"), List.of("--enable-auto-mode")),
                new PodBuilder(pod("init-flag", "agent-session-run", "/etc/claude-code", null, List.of("claude"), List.of()))
                        .editSpec().addNewInitContainer().withName("warm-up").withCommand("claude", "--dangerously-skip-permissions")
                        .endInitContainer().endSpec().build());

        for (PermissionMode mode : PermissionMode.values()) {
            String before = Serialization.asJson(PodComplianceCheck.check(copies(pods), "agent-session-run", mode));
            List<Pod> trimmed = copies(pods).stream().map(LeanCaches::keepComplianceFields).toList();
            assertThat(Serialization.asJson(PodComplianceCheck.check(trimmed, "agent-session-run", mode))).as(mode.toString())
                    .isEqualTo(before);
        }
        Pod trimmed = LeanCaches.keepComplianceFields(copies(pods).get(0));
        assertThat(trimmed.getStatus()).isNull();
        assertThat(trimmed.getMetadata().getManagedFields()).isNull();
        assertThat(trimmed.getSpec().getContainers().get(0).getImage()).isNull();
    }

    private static ManagedFieldsEntry entry(String manager, String time, Map<String, Object> fields) {
        FieldsV1 fieldsV1 = new FieldsV1();
        fields.forEach(fieldsV1::setAdditionalProperty);
        return new ManagedFieldsEntryBuilder().withManager(manager).withOperation("Apply").withTime(time).withFieldsV1(fieldsV1).build();
    }

    /** A pod as the API server holds it: image, resources, status and managedFields besides what the check reads. */
    private static Pod pod(String name, String configMap, String mountPath, String subPath, List<String> command, List<String> args) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("payments").addToLabels("agentpolicy.io/session", "run")
                .withManagedFields(entry("kubectl-client-side-apply", "2026-11-21T10:00:00Z", Map.of("f:spec", Map.of())))
                .endMetadata()
                .withNewSpec()
                .addNewVolume().withName("settings").withNewConfigMap().withName(configMap).endConfigMap().endVolume()
                .addNewVolume().withName("scratch").withNewEmptyDir().endEmptyDir().endVolume()
                .addNewContainer().withName("agent").withImage("claude-code:2").withCommand(command).withArgs(args)
                .addNewVolumeMount().withName("settings").withMountPath(mountPath).withSubPath(subPath).endVolumeMount()
                .addNewVolumeMount().withName("scratch").withMountPath("/work").endVolumeMount()
                .withNewResources().addToLimits("memory", new Quantity("1Gi")).endResources()
                .addNewEnv().withName("HOME").withValue("/work").endEnv()
                .endContainer()
                .endSpec()
                .withNewStatus().withPhase("Pending").endStatus()
                .build();
    }

    private static List<Pod> copies(List<Pod> pods) {
        return pods.stream().map(Serialization::clone).toList();
    }
}
