package io.agentpolicy.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import io.agentpolicy.api.AgentIncident;
import io.agentpolicy.api.AgentSession;
import io.agentpolicy.api.AgentSessionApproval;
import io.agentpolicy.api.ApiConstants;
import io.agentpolicy.api.EngineerStanding;
import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.api.Rfc3339;
import io.agentpolicy.cli.Diagnostic.Severity;
import io.agentpolicy.cli.ManifestLoader.Loaded;
import io.agentpolicy.engine.Finding;
import io.agentpolicy.engine.IncidentCheck;
import io.agentpolicy.engine.NamespaceInfo;
import io.agentpolicy.engine.PolicyEngine;
import io.agentpolicy.engine.ValidationResult;

/**
 * Checks loaded manifests as the API server and the operator would: the CRD schema and its CEL rules, then the
 * engine's own validation (rule grammar, settings keys and types, locks), and names defined twice. Namespaces are
 * read for their labels; objects of other kinds are skipped with a note.
 */
final class ManifestChecker {
    /** The label the API server puts on every namespace; namespace selectors may use it. */
    static final String NAME_LABEL = "kubernetes.io/metadata.name";

    private final PolicyEngine engine;
    private final CrdSchemas schemas = new CrdSchemas();
    private final Instant now;

    /** now stands for the moment the objects are applied: emergency overrides count their 24 hours from it. */
    ManifestChecker(PolicyEngine engine, Instant now) {
        this.engine = engine;
        this.now = now;
    }

    /** An object that passed every check, and the manifest it was read from. */
    record Checked<T>(Manifest source, T object) {
    }

    /**
     * What a set of input files holds once checked: the objects that passed, every diagnostic (sorted by file and
     * line), and how many PermissionPolicy and AgentSession documents there were, valid or not.
     */
    record CheckedInputs(List<Checked<PermissionPolicy>> policies, List<Checked<AgentSession>> sessions,
            List<Checked<AgentSessionApproval>> approvals, List<Checked<AgentIncident>> incidents, List<Checked<EngineerStanding>> standings,
            List<Checked<NamespaceInfo>> namespaces, List<Diagnostic> diagnostics, int policyDocuments,
            int sessionDocuments, List<Path> files) {

        boolean hasErrors() {
            return diagnostics.stream().anyMatch(Diagnostic::isError);
        }

        List<PermissionPolicy> policyObjects() {
            return policies.stream().map(Checked::object).toList();
        }
    }

    CheckedInputs check(Loaded loaded) {
        List<Checked<PermissionPolicy>> policies = new ArrayList<>();
        List<Checked<AgentSession>> sessions = new ArrayList<>();
        List<Checked<AgentSessionApproval>> approvals = new ArrayList<>();
        List<Checked<AgentIncident>> incidents = new ArrayList<>();
        List<Checked<EngineerStanding>> standings = new ArrayList<>();
        List<Checked<NamespaceInfo>> namespaces = new ArrayList<>();
        List<Diagnostic> diagnostics = new ArrayList<>(loaded.problems());
        Map<String, Manifest> policiesByName = new HashMap<>();
        int policyDocuments = 0;
        int sessionDocuments = 0;
        for (Manifest manifest : loaded.manifests()) {
            String kind = manifest.kind();
            if (!isObjectWithType(manifest, diagnostics)) {
                continue;
            }
            if ("PermissionPolicy".equals(kind)) {
                policyDocuments++;
                Manifest earlier = policiesByName.putIfAbsent(manifest.name(), manifest);
                if (earlier != null) {
                    diagnostics.add(Diagnostic.at(manifest, Severity.ERROR, "metadata.name", "is also the name of "
                            + earlier.where() + "; the API server keeps one object per name, so one would replace the other"));
                    continue;
                }
                PermissionPolicy policy = read(manifest, PermissionPolicy.class, diagnostics);
                if (policy != null && addEngineFindings(manifest, engine.validate(policy, now), diagnostics)) {
                    policies.add(new Checked<>(manifest, policy));
                }
            } else if ("AgentSession".equals(kind)) {
                sessionDocuments++;
                AgentSession session = read(manifest, AgentSession.class, diagnostics);
                if (session != null) {
                    sessions.add(new Checked<>(manifest, session));
                }
            } else if ("AgentSessionApproval".equals(kind)) {
                AgentSessionApproval approval = read(manifest, AgentSessionApproval.class, diagnostics);
                if (approval != null) {
                    approvals.add(new Checked<>(manifest, approval));
                }
            } else if ("AgentIncident".equals(kind)) {
                AgentIncident incident = read(manifest, AgentIncident.class, diagnostics);
                String problem = incident == null ? null : IncidentCheck.problem(incident.getSpec(),
                        Rfc3339.parse(incident.getMetadata().getCreationTimestamp()), null);
                if (problem != null) {
                    diagnostics.add(Diagnostic.at(manifest, Severity.ERROR, problem.substring(0, problem.indexOf(' ')), problem));
                } else if (incident != null) {
                    incidents.add(new Checked<>(manifest, incident));
                }
            } else if ("EngineerStanding".equals(kind)) {
                EngineerStanding standing = read(manifest, EngineerStanding.class, diagnostics);
                if (standing != null) {
                    standings.add(new Checked<>(manifest, standing));
                }
            } else if ("Namespace".equals(kind) && "v1".equals(manifest.apiVersion())) {
                NamespaceInfo namespace = namespaceOf(manifest, diagnostics);
                if (namespace != null) {
                    namespaces.add(new Checked<>(manifest, namespace));
                }
            } else if (manifest.apiVersion().startsWith(ApiConstants.GROUP + "/")) {
                diagnostics.add(Diagnostic.at(manifest, Severity.ERROR, "kind", "unknown kind " + kind + "; "
                        + ApiConstants.API_VERSION + " has PermissionPolicy, AgentSession, AgentSessionApproval, "
                        + "AgentIncident and EngineerStanding"));
            } else {
                diagnostics.add(Diagnostic.at(manifest, Severity.NOTE, null, "not an agentpolicy.io object; skipped"));
            }
        }
        return new CheckedInputs(policies, sessions, approvals, incidents, standings, namespaces, Diagnostic.sortedByPlace(diagnostics, loaded.files()), policyDocuments,
                sessionDocuments, loaded.files());
    }

    /** A mapping with string apiVersion and kind, or an error saying what is missing. */
    private static boolean isObjectWithType(Manifest manifest, List<Diagnostic> diagnostics) {
        String document = "document " + manifest.document().index();
        if (!manifest.content().isObject()) {
            diagnostics.add(Diagnostic.inFile(manifest.file(), manifest.line(), Severity.ERROR, document + " is "
                    + (manifest.content().isArray() ? "a list" : "a plain value") + ", not a Kubernetes object"));
            return false;
        }
        for (String field : List.of("apiVersion", "kind")) {
            if (!manifest.content().path(field).isTextual() || manifest.content().path(field).asText().isEmpty()) {
                diagnostics.add(Diagnostic.inFile(manifest.file(), manifest.lineOf(field), Severity.ERROR, document
                        + " has no " + field + "; every manifest needs apiVersion and kind, e.g. apiVersion: "
                        + ApiConstants.API_VERSION + " and kind: PermissionPolicy"));
                return false;
            }
        }
        return true;
    }

    /**
     * The object, when its apiVersion is served and the schema check finds nothing but unknown fields (which the
     * API server would drop); otherwise null, with the problems added.
     */
    private <T> T read(Manifest manifest, Class<T> type, List<Diagnostic> diagnostics) {
        if (!ApiConstants.API_VERSION.equals(manifest.apiVersion())) {
            diagnostics.add(Diagnostic.at(manifest, Severity.ERROR, "apiVersion", manifest.kind() + " is served as "
                    + ApiConstants.API_VERSION + ", not " + manifest.apiVersion()));
            return null;
        }
        boolean readable = true;
        for (CrdSchemas.Violation violation : schemas.validate(manifest.kind(), manifest.content())) {
            diagnostics.add(Diagnostic.at(manifest, Severity.ERROR, violation.field(), violation.message()));
            readable &= violation.unknownField();
        }
        if (!readable) {
            return null;
        }
        try {
            return Json.MAPPER.treeToValue(manifest.content(), type);
        } catch (JsonProcessingException e) {
            diagnostics.add(Diagnostic.at(manifest, Severity.ERROR, null, "cannot be read as a " + manifest.kind() + ": "
                    + e.getOriginalMessage()));
            return null;
        }
    }

    /** Adds the engine's findings; true when there is no error among them. */
    private static boolean addEngineFindings(Manifest manifest, ValidationResult result, List<Diagnostic> diagnostics) {
        for (Finding error : result.errors()) {
            diagnostics.add(Diagnostic.at(manifest, Severity.ERROR, error.field(), error.message()));
        }
        for (Finding warning : result.warnings()) {
            diagnostics.add(Diagnostic.at(manifest, Severity.WARNING, warning.field(), warning.message()));
        }
        return result.valid();
    }

    /** The namespace's name and labels, plus the name label the API server adds; label values must be strings. */
    private static NamespaceInfo namespaceOf(Manifest manifest, List<Diagnostic> diagnostics) {
        if (Manifest.UNNAMED.equals(manifest.name())) {
            diagnostics.add(Diagnostic.at(manifest, Severity.ERROR, "metadata.name", "is required"));
            return null;
        }
        Map<String, String> labels = new HashMap<>();
        JsonNode written = manifest.content().path("metadata").path("labels");
        boolean valid = true;
        for (Map.Entry<String, JsonNode> label : written.properties()) {
            if (label.getValue().isTextual()) {
                labels.put(label.getKey(), label.getValue().textValue());
            } else {
                valid = false;
                diagnostics.add(Diagnostic.at(manifest, Severity.ERROR, "metadata.labels." + label.getKey(), "label values "
                        + "must be strings; quote it: \"" + label.getValue().asText() + "\""));
            }
        }
        labels.put(NAME_LABEL, manifest.name());
        return valid ? new NamespaceInfo(manifest.name(), labels) : null;
    }
}
