package io.agentpolicy.operator.maps;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.agentpolicy.api.ApiConstants;
import io.agentpolicy.engine.Sha256;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;

/** What counts as someone else's content on a rendered map. */
class DriftDetectorTest {
    static final String SETTINGS = "{\n  \"permissions\": {\n    \"defaultMode\": \"plan\"\n  }\n}\n";

    static ConfigMap rendered() {
        return new ConfigMapBuilder().withNewMetadata().withNamespace("payments").withName("agent-managed-settings")
                .withResourceVersion("7")
                .addToLabels(ApiConstants.MANAGED_BY_LABEL, ApiConstants.MANAGED_BY_VALUE)
                .addToLabels(ApiConstants.DEFAULT_TIER_LABEL, "1")
                .addToAnnotations(ApiConstants.SETTINGS_HASH_ANNOTATION, Sha256.settingsHash(SETTINGS))
                .addToAnnotations(ApiConstants.POLICIES_ANNOTATION, "tier-1")
                .endMetadata().addToData(ApiConstants.SETTINGS_KEY, SETTINGS).build();
    }

    @Test
    void theOperatorsOwnMapHoldsNothingForeign() {
        assertThat(DriftDetector.foreignContent(rendered(), rendered())).isEmpty();
        assertThat(DriftDetector.inspect(rendered(), rendered())).isNull();
    }

    @Test
    void aTenantsMapUnderTheRenderedNameShowsEverythingForeign() {
        ConfigMap tenants = new ConfigMapBuilder(rendered()).editMetadata().addToLabels("team", "tenant")
                .addToAnnotations("note", "mine").addToFinalizers("tenant.example.com/keep").endMetadata()
                .withImmutable(true).addToData("managed-mcp.json", "{}").addToBinaryData("blob", "aGVsbG8=").build();
        assertThat(DriftDetector.foreignContent(tenants, rendered()))
                .containsExactly("metadata.labels", "metadata.annotations", "metadata.finalizers", "immutable", "data", "binaryData");
        assertThat(DriftDetector.inspect(tenants, rendered()).paths()).hasSize(6);
    }

    @Test
    void aMissingLabelIsForeignAnotherTierIsARerender() {
        ConfigMap unlabelled = new ConfigMapBuilder(rendered()).editMetadata().removeFromLabels(ApiConstants.MANAGED_BY_LABEL).endMetadata().build();
        assertThat(DriftDetector.foreignContent(unlabelled, rendered())).containsExactly("metadata.labels");
        ConfigMap otherManager = new ConfigMapBuilder(rendered()).editMetadata().addToLabels(ApiConstants.MANAGED_BY_LABEL, "Helm").endMetadata().build();
        assertThat(DriftDetector.foreignContent(otherManager, rendered())).containsExactly("metadata.labels");
        ConfigMap relabelled = new ConfigMapBuilder(rendered()).editMetadata().addToLabels(ApiConstants.DEFAULT_TIER_LABEL, "4").endMetadata().build();
        assertThat(DriftDetector.inspect(relabelled, rendered())).isNull();
    }

    @Test
    void aMapWithoutTheSettingsKeyIsUnreadableAsAWhole() {
        ConfigMap emptied = new ConfigMapBuilder(rendered()).withData(null).build();
        assertThat(DriftDetector.foreignContent(emptied, rendered())).isEqualTo(List.of(""));
        ConfigMap swapped = new ConfigMapBuilder(emptied).editMetadata().addToFinalizers("x/y").endMetadata().addToData("CLAUDE.md", "hi").build();
        assertThat(DriftDetector.foreignContent(swapped, rendered())).containsExactly("metadata.finalizers", "data");
    }

    @Test
    void anotherValueOfTheSettingsIsNoForeignKeyButAnEditedPath() {
        ConfigMap edited = new ConfigMapBuilder(rendered()).addToData(ApiConstants.SETTINGS_KEY, SETTINGS.replace("plan", "bypassPermissions")).build();
        assertThat(DriftDetector.foreignContent(edited, rendered())).isEmpty();
        assertThat(DriftDetector.inspect(edited, rendered()).paths()).containsExactly("/permissions/defaultMode");
    }
}
