package io.agentpolicy.api;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * What agents may do in the namespaces of one or more risk tiers (cluster-scoped). Every tiered namespace gets
 * the merge of all policies that match it, rendered into a managed-settings.json ConfigMap.
 */
@Group(ApiConstants.GROUP)
@Version(ApiConstants.VERSION)
@Singular("permissionpolicy")
@Plural("permissionpolicies")
@ShortNames({ "ppol", "permpol" })
@Categories(ApiConstants.CATEGORY)
@ValidationRule(value = "has(self.spec)", message = "spec is required: set at least spec.tiers or spec.namespaceSelector")
@AdditionalPrinterColumn(name = "Tiers", jsonPath = ".spec.tiers", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Enforcement", jsonPath = ".spec.enforcement", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Default", jsonPath = ".spec.modes.default", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Namespaces", jsonPath = ".status.renderedNamespaces", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class PermissionPolicy extends CustomResource<PermissionPolicySpec, PermissionPolicyStatus> {

    /** A spec the model cannot hold is read as an unreadable one, reported on this object (see UnreadableSpec). */
    @Override
    @JsonDeserialize(using = UnreadableSpec.ForPolicy.class)
    public void setSpec(PermissionPolicySpec spec) {
        super.setSpec(spec);
    }
}
