package io.agentpolicy.api;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

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
 * One agent run asking to be admitted into a namespace with a requested mode, for an engineer and a task type.
 * The operator decides it, records the decision in status and renders the session's own managed settings.
 */
@Group(ApiConstants.GROUP)
@Version(ApiConstants.VERSION)
@Singular("agentsession")
@Plural("agentsessions")
@ShortNames({ "as", "asess" })
@Categories(ApiConstants.CATEGORY)
@ValidationRule(value = "has(self.spec)", message = "spec is required: set at least spec.engineer")
// The session's map is agent-session-<name>, and the session label on it and on its pods holds at most 63 characters.
@ValidationRule(value = "size(self.metadata.name) <= 49", message = "an AgentSession name has at most 49 characters "
        + "(its ConfigMap agent-session-<name> must fit a label value): choose a shorter name")
@AdditionalPrinterColumn(name = "Engineer", jsonPath = ".spec.engineer", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Requested", jsonPath = ".spec.requestedMode", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Effective", jsonPath = ".status.effectiveMode", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Awaiting", jsonPath = ".status.exception.missing", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class AgentSession extends CustomResource<AgentSessionSpec, AgentSessionStatus> implements Namespaced {

    /** A spec the model cannot hold is read as an unreadable one, reported on this object (see UnreadableSpec). */
    @Override
    @JsonDeserialize(using = UnreadableSpec.ForSession.class)
    public void setSpec(AgentSessionSpec spec) {
        super.setSpec(spec);
    }
}
