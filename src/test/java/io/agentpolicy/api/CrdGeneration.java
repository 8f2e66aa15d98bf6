package io.agentpolicy.api;

import java.io.File;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.CustomResource;

/**
 * Generates the CRD YAML from the Java model. The fabric8 generator does the schema; the post-processor adds
 * what it cannot express: descriptions of the root, spec and status (for kubectl explain), the printer columns
 * in the order they are declared (fabric8 sorts them by JSON path), a length bound on every string in a list
 * (the API server refuses CEL rules over unbounded lists of unbounded strings as too costly) and
 * {@code type: object} on free-form objects (CEL cannot type them otherwise).
 */
final class CrdGeneration {
    static final List<Class<? extends CustomResource<?, ?>>> KINDS = List.of(PermissionPolicy.class, AgentSession.class,
            AgentSessionApproval.class, AgentIncident.class, EngineerStanding.class);

    private static final Map<String, String[]> DESCRIPTIONS = Map.of(
            "PermissionPolicy", new String[] {
                    "PermissionPolicy declares what AI coding agents (Claude Code) may do in the namespaces of one or more "
                            + "risk tiers. Every tiered namespace gets the merge of all matching policies rendered into "
                            + "the ConfigMap agent-managed-settings (managed-settings.json).",
                    "What the policy governs and how agents there are capped.",
                    "What the operator observed and did: conditions, matched and rendered namespaces, drift." },
            "AgentSession", new String[] {
                    "AgentSession is one agent run asking to be admitted into this namespace with a requested permission "
                            + "mode, for an engineer and a task type. The operator decides it and renders the session's "
                            + "own managed-settings.json into the ConfigMap agent-session-<name>.",
                    "The request: who, which mode, which task, until when.",
                    "The decision: phase, effective mode, tier, seniority, reason, exception, pod compliance." },
            "AgentSessionApproval", new String[] {
                    "AgentSessionApproval is an approver's answer (Approve or Reject) to an AgentSession's exception: "
                            + "the session asks to go beyond its caps, and the approvers its policies name answer here. "
                            + "Immutable once created.",
                    "The answer: which session (and which generation of its spec), who, as which groups, and the decision.",
                    null },
            "AgentIncident", new String[] {
                    "AgentIncident records a mistake an engineer's agent made in this namespace. Incidents escalate the "
                            + "engineer's agents one level lower (PermissionPolicy spec.seniority.escalation) until clean "
                            + "sessions or a quiet period lift it; the operator keeps the result in an EngineerStanding.",
                    "The incident: whose agent, in which session, how bad, when, and who recorded it.",
                    "Whether the incident counts on the engineer's record, or why not." },
            "EngineerStanding", new String[] {
                    "EngineerStanding is one engineer's track record, kept by the operator: where AgentIncidents escalated "
                            + "them, by which incidents, and what earns the faster modes back. Status only.",
                    null,
                    "The level per namespace, the escalations with their trigger incidents, clean sessions, when lifted." });

    /** Upper bound for strings inside lists (rules, paths, group names); far above any real value. */
    static final long LIST_ITEM_MAX_LENGTH = 1024;

    private CrdGeneration() {
    }

    /** Writes one <plural>.<group>-v1.yml per kind into the directory. */
    static void generate(File outputDirectory) {
        outputDirectory.mkdirs();
        new CRDGenerator()
                .inOutputDir(outputDirectory)
                .forCRDVersions("v1")
                .withPostProcessor(new Finishing())
                .customResourceClasses(List.copyOf(KINDS))
                .generate();
    }

    private static final class Finishing implements CRDPostProcessor {
        @Override
        public HasMetadata process(HasMetadata resource, String crdSpecVersion) {
            CustomResourceDefinition crd = (CustomResourceDefinition) resource;
            String kind = crd.getSpec().getNames().getKind();
            Class<?> model = KINDS.stream().filter(k -> k.getSimpleName().equals(kind)).findFirst().orElseThrow();
            for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
                JSONSchemaProps root = version.getSchema().getOpenAPIV3Schema();
                String[] text = DESCRIPTIONS.get(kind);
                root.setDescription(text[0]);
                if (text[1] == null) { // a status-only kind (EngineerStanding): no spec field at all
                    root.getProperties().remove("spec");
                } else {
                    root.getProperties().get("spec").setDescription(text[1]);
                }
                if (text[2] == null) { // a kind without status (AgentSessionApproval): no status field at all
                    root.getProperties().remove("status");
                } else {
                    root.getProperties().get("status").setDescription(text[2]);
                }
                orderColumnsAsDeclared(version, model);
                boundAndTypeRecursively(root);
            }
            return crd;
        }

        private static void boundAndTypeRecursively(JSONSchemaProps schema) {
            if (Boolean.TRUE.equals(schema.getXKubernetesPreserveUnknownFields()) && schema.getType() == null) {
                schema.setType("object");
            }
            JSONSchemaProps items = schema.getItems() == null ? null : schema.getItems().getSchema();
            if (items != null) {
                if ("string".equals(items.getType()) && items.getMaxLength() == null && items.getEnum().isEmpty()) {
                    items.setMaxLength(LIST_ITEM_MAX_LENGTH);
                }
                boundAndTypeRecursively(items);
            }
            schema.getProperties().values().forEach(Finishing::boundAndTypeRecursively);
        }

        private static void orderColumnsAsDeclared(CustomResourceDefinitionVersion version, Class<?> model) {
            List<String> declared = Arrays.stream(model.getAnnotationsByType(AdditionalPrinterColumn.class))
                    .map(AdditionalPrinterColumn::name).toList();
            version.getAdditionalPrinterColumns().sort(
                    (a, b) -> Integer.compare(declared.indexOf(a.getName()), declared.indexOf(b.getName())));
            version.getAdditionalPrinterColumns().forEach(CrdGeneration.Finishing::dropDefaultPriority);
        }

        private static void dropDefaultPriority(CustomResourceColumnDefinition column) {
            if (Integer.valueOf(0).equals(column.getPriority())) {
                column.setPriority(null);
            }
        }
    }
}
