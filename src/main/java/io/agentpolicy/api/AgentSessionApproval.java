package io.agentpolicy.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** An approver's answer (Approve or Reject) to an AgentSession's exception; immutable once created, so it stays on record. */
@Group(ApiConstants.GROUP)
@Version(ApiConstants.VERSION)
@Singular("agentsessionapproval")
@Plural("agentsessionapprovals")
@ShortNames({ "asa" })
@Categories(ApiConstants.CATEGORY)
@ValidationRule(value = "has(self.spec)", message = "spec is required: set session, approver, groups and decision")
@ValidationRule(value = "self.spec == oldSelf.spec", message = "an AgentSessionApproval cannot be changed once created: "
        + "create a new one (a Reject stands until it is deleted)")
@AdditionalPrinterColumn(name = "Session", jsonPath = ".spec.session", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Approver", jsonPath = ".spec.approver", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Decision", jsonPath = ".spec.decision", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class AgentSessionApproval extends CustomResource<AgentSessionApprovalSpec, Void> implements Namespaced {
}
