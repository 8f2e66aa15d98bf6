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

/**
 * Something an engineer's agent got wrong in this namespace (the namespace is the "area" of the escalation rules),
 * recorded by a platform or on-call team. Incidents escalate the engineer's agents (PermissionPolicy
 * spec.seniority.escalation); the operator keeps the result in the engineer's EngineerStanding.
 */
@Group(ApiConstants.GROUP)
@Version(ApiConstants.VERSION)
@Singular("agentincident")
@Plural("agentincidents")
@ShortNames({ "ainc" })
@Categories(ApiConstants.CATEGORY)
@ValidationRule(value = "has(self.spec)", message = "spec is required: set engineer, severity and occurredAt")
@ValidationRule(value = "self.spec.engineer == oldSelf.spec.engineer", message = "spec.engineer cannot be changed: "
        + "an incident stays on the record of the engineer it was filed for; delete it and file a new one")
@AdditionalPrinterColumn(name = "Engineer", jsonPath = ".spec.engineer", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Severity", jsonPath = ".spec.severity", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Occurred", jsonPath = ".spec.occurredAt", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class AgentIncident extends CustomResource<AgentIncidentSpec, AgentIncidentStatus> implements Namespaced {
}
