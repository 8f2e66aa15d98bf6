package io.agentpolicy.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One engineer's track record (cluster-scoped, status only, kept by the operator): where they are escalated by
 * AgentIncidents, by which incidents, and how far they are from earning the faster modes back.
 */
@Group(ApiConstants.GROUP)
@Version(ApiConstants.VERSION)
@Singular("engineerstanding")
@Plural("engineerstandings")
@ShortNames({ "estand" })
@Categories(ApiConstants.CATEGORY)
@AdditionalPrinterColumn(name = "Engineer", jsonPath = ".status.engineer", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Escalated", jsonPath = ".status.escalated", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Clean Sessions", jsonPath = ".status.cleanSessions", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class EngineerStanding extends CustomResource<Void, EngineerStandingStatus> {
}
