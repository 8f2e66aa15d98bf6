package io.agentpolicy.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.agentpolicy.api.AgentSessionSpec;
import io.agentpolicy.api.ApiConstants;
import io.agentpolicy.api.ExceptionState;
import io.agentpolicy.api.PermissionMode;
import io.agentpolicy.api.Rfc3339;
import io.agentpolicy.api.SessionPhase;
import io.agentpolicy.cli.YamlDocuments.YamlDocument;

/**
 * A test file of "agentpolicy test": the policies under test and cases that pin what the operator does with them.
 * Paths in it are relative to the file. Any mistake in the file is a {@link UsageException} naming file and line.
 * A namespace given only by name is the Namespace of that name among the policy paths.
 * <pre>
 * policies: [../policies]
 * now: "2026-11-21T10:00:00Z"              # optional default for every case
 * cases:
 *   - name: tier-1 mid engineer asks for acceptEdits
 *     namespace: {tier: "1", labels: {team: payments}}     # or namespaceFile: ns.yaml (+ namespaceName: payments)
 *     session: {engineer: a@x, groups: [eng-mid], requestedMode: acceptEdits}   # or sessionFile: session.yaml
 *     expect: {phase: Downgraded, effectiveMode: default, reasonContains: "seniority mid"}
 *   - name: tier-1 exception approved by the CTO and a code owner
 *     namespace: {tier: "1"}
 *     sessionFile: hotfix.yaml
 *     approvalFiles: [carol-approves.yaml, dave-approves.yaml]   # AgentSessionApprovals; needs sessionFile
 *     expect: {phase: Admitted, effectiveMode: bypassPermissions, exceptionState: Approved}
 *   - name: a senior's critical incident lowers them to mid
 *     namespace: {name: orders, tier: "2"}
 *     session: {engineer: sam@example.com, groups: [eng-senior], requestedMode: acceptEdits}
 *     incidentFiles: [inc-1234-sam.yaml]                      # AgentIncidents; those of the session's engineer count
 *     expect: {phase: Downgraded, effectiveMode: default, seniority: mid}
 *   - name: tier-1 baseline
 *     namespace: {tier: "1"}
 *     expect: {renderedFile: expected/tier-1.json}           # or rendered: the JSON text
 * </pre>
 */
record PolicyTestFile(Path file, List<Path> policies, String now, List<TestCase> cases) {

    /** A case's namespace: described inline (name, tier, labels), or a Namespace picked from a file. */
    record NamespaceSource(String name, String tier, Map<String, String> labels, Path file) {
    }

    /** One case; session and sessionFile are both null for a rendering-only case. */
    record TestCase(String name, NamespaceSource namespace, AgentSessionSpec session, Path sessionFile, List<Path> approvalFiles,
            List<Path> incidentFiles, String now, Expectation expect) {
    }

    /**
     * What a case expects; null fields are not checked. effectiveMode "none" expects no mode (Denied, Expired).
     * rendered holds the expected managed-settings.json text, from the file or inline.
     */
    record Expectation(String phase, String effectiveMode, String reason, String reasonContains, String tier,
            String seniority, String exceptionState, String rendered, String renderedFrom) {

        boolean expectsDecision() {
            return phase != null || effectiveMode != null || reason != null || reasonContains != null || tier != null
                    || seniority != null || exceptionState != null;
        }
    }

    static PolicyTestFile read(Path file) throws UsageException {
        List<YamlDocument> documents = ManifestLoader.loadStrict(file);
        if (documents.size() > 1) {
            throw new UsageException(file + ":" + documents.get(1).line() + ": a test file holds one YAML document");
        }
        Fields root = new Fields(file, documents.get(0), documents.get(0).content(), "");
        root.allowOnly("policies", "now", "cases");
        List<Path> policies = new ArrayList<>();
        for (String path : root.strings("policies", true)) {
            policies.add(root.relative(path));
        }
        if (policies.isEmpty()) {
            throw root.problem("policies", "list at least one policy file or directory");
        }
        String now = root.instant("now");
        List<TestCase> cases = new ArrayList<>();
        CrdSchemas schemas = new CrdSchemas();
        for (Fields entry : root.objects("cases")) {
            cases.add(testCase(entry, schemas));
        }
        if (cases.isEmpty()) {
            throw root.problem("cases", "list at least one case");
        }
        return new PolicyTestFile(file, policies, now, cases);
    }

    private static TestCase testCase(Fields entry, CrdSchemas schemas) throws UsageException {
        entry.allowOnly("name", "namespace", "namespaceFile", "namespaceName", "session", "sessionFile", "approvalFiles", "incidentFiles", "now",
                "expect");
        String name = entry.string("name", true);
        NamespaceSource namespace;
        Fields inline = entry.object("namespace");
        if (inline != null && entry.string("namespaceFile", false) != null) {
            throw entry.problem("namespace", "give either namespace or namespaceFile, not both");
        }
        if (inline != null) {
            inline.allowOnly("name", "tier", "labels");
            namespace = new NamespaceSource(inline.string("name", false), inline.string("tier", false),
                    inline.stringMap("labels"), null);
        } else if (entry.string("namespaceFile", false) != null) {
            namespace = new NamespaceSource(entry.string("namespaceName", false), null, Map.of(),
                    entry.relative(entry.string("namespaceFile", true)));
        } else {
            throw entry.problem("", "case \"" + name + "\" needs a namespace ({tier: \"1\", labels: {...}}) or a namespaceFile");
        }
        Fields session = entry.object("session");
        String sessionFile = entry.string("sessionFile", false);
        if (session != null && sessionFile != null) {
            throw entry.problem("session", "give either session or sessionFile, not both");
        }
        List<Path> approvalFiles = new ArrayList<>();
        for (String path : entry.strings("approvalFiles", false)) {
            approvalFiles.add(entry.relative(path));
        }
        if (!approvalFiles.isEmpty() && sessionFile == null) {
            throw entry.problem("approvalFiles", "approvals name their session by metadata.name: give the session as sessionFile");
        }
        List<Path> incidentFiles = new ArrayList<>();
        for (String path : entry.strings("incidentFiles", false)) {
            incidentFiles.add(entry.relative(path));
        }
        Expectation expect = expectation(entry.object("expect"), entry);
        if (expect.expectsDecision() && session == null && sessionFile == null) {
            throw entry.problem("expect", "phase, effectiveMode, reason, tier and seniority need a session or sessionFile");
        }
        return new TestCase(name, namespace, session == null ? null : session.sessionSpec(schemas),
                sessionFile == null ? null : entry.relative(sessionFile), approvalFiles, incidentFiles, entry.instant("now"), expect);
    }

    private static Expectation expectation(Fields expect, Fields entry) throws UsageException {
        if (expect == null) {
            throw entry.problem("", "a case needs expect: {phase, effectiveMode, reason, reasonContains, tier, seniority} "
                    + "and/or {rendered or renderedFile}");
        }
        expect.allowOnly("phase", "effectiveMode", "reason", "reasonContains", "tier", "seniority", "exceptionState", "rendered",
                "renderedFile");
        String phase = expect.oneOf("phase", SessionPhase.values());
        String effectiveMode = expect.string("effectiveMode", false);
        if (effectiveMode != null && !effectiveMode.equals("none") && PermissionMode.fromValue(effectiveMode) == null) {
            throw expect.problem("effectiveMode", "\"" + effectiveMode + "\" is not a mode: use plan, default, dontAsk, "
                    + "acceptEdits, auto, bypassPermissions, or none");
        }
        String rendered = expect.string("rendered", false);
        String renderedFile = expect.string("renderedFile", false);
        if (rendered != null && renderedFile != null) {
            throw expect.problem("rendered", "give either rendered or renderedFile, not both");
        }
        String renderedFrom = rendered != null ? "the inline expectation" : renderedFile;
        if (renderedFile != null) {
            rendered = ManifestLoader.readText(expect.relative(renderedFile));
        }
        Expectation expectation = new Expectation(phase, effectiveMode, expect.string("reason", false),
                expect.string("reasonContains", false), expect.string("tier", false), expect.string("seniority", false),
                expect.oneOf("exceptionState", ExceptionState.values()), rendered, renderedFrom);
        if (!expectation.expectsDecision() && rendered == null) {
            throw expect.problem("", "expect nothing: give phase, effectiveMode, reason, reasonContains, tier, seniority, "
                    + "rendered or renderedFile");
        }
        return expectation;
    }

    /** Typed reads of one mapping of the test file, with errors that name file, line and field. */
    private record Fields(Path file, YamlDocument document, JsonNode node, String path) {

        void allowOnly(String... keys) throws UsageException {
            Set<String> allowed = Set.of(keys);
            for (Map.Entry<String, JsonNode> member : node.properties()) {
                if (!allowed.contains(member.getKey())) {
                    throw problem(member.getKey(), "unknown key; expected one of " + String.join(", ", keys));
                }
            }
        }

        /** A scalar as text (numbers and booleans too, so tier: 1 reads as "1"). */
        String string(String key, boolean required) throws UsageException {
            JsonNode value = node.get(key);
            if (value == null || value.isNull()) {
                if (required) {
                    throw problem("", key + " is required");
                }
                return null;
            }
            if (!value.isValueNode()) {
                throw problem(key, "must be a single value, not " + (value.isArray() ? "a list" : "a mapping"));
            }
            return value.asText();
        }

        String oneOf(String key, Enum<?>[] values) throws UsageException {
            String value = string(key, false);
            List<String> names = Arrays.stream(values).map(Object::toString).toList();
            if (value != null && !names.contains(value)) {
                throw problem(key, "\"" + value + "\" is not one of " + String.join(", ", names));
            }
            return value;
        }

        String instant(String key) throws UsageException {
            String value = string(key, false);
            if (value != null && Rfc3339.parse(value) == null) {
                throw problem(key, "\"" + value + "\" is not an RFC 3339 timestamp; write e.g. 2026-11-21T10:00:00Z");
            }
            return value;
        }

        /** A list of scalars, or a single scalar as a list of one. */
        List<String> strings(String key, boolean required) throws UsageException {
            JsonNode value = node.get(key);
            if (value == null || value.isNull()) {
                if (required) {
                    throw problem("", key + " is required");
                }
                return List.of();
            }
            if (value.isValueNode()) {
                return List.of(value.asText());
            }
            if (!value.isArray()) {
                throw problem(key, "must be a list");
            }
            List<String> strings = new ArrayList<>();
            for (int i = 0; i < value.size(); i++) {
                if (!value.get(i).isValueNode()) {
                    throw problem(key + "[" + i + "]", "must be a single value");
                }
                strings.add(value.get(i).asText());
            }
            return strings;
        }

        Map<String, String> stringMap(String key) throws UsageException {
            Fields map = object(key);
            Map<String, String> strings = new LinkedHashMap<>();
            if (map != null) {
                for (Map.Entry<String, JsonNode> label : map.node.properties()) {
                    strings.put(label.getKey(), map.string(label.getKey(), true));
                }
            }
            return strings;
        }

        Fields object(String key) throws UsageException {
            JsonNode value = node.get(key);
            if (value == null || value.isNull()) {
                return null;
            }
            if (!value.isObject()) {
                throw problem(key, "must be a mapping");
            }
            return new Fields(file, document, value, child(key));
        }

        List<Fields> objects(String key) throws UsageException {
            JsonNode value = node.get(key);
            if (value == null || value.isNull()) {
                return List.of();
            }
            if (!value.isArray()) {
                throw problem(key, "must be a list");
            }
            List<Fields> objects = new ArrayList<>();
            for (int i = 0; i < value.size(); i++) {
                String elementPath = child(key) + "[" + i + "]";
                if (!value.get(i).isObject()) {
                    throw new UsageException(file + ":" + document.lines().lineOf(elementPath) + ": " + elementPath
                            + ": must be a mapping");
                }
                objects.add(new Fields(file, document, value.get(i), elementPath));
            }
            return objects;
        }

        /** This mapping as an AgentSession spec, checked against the CRD schema like a session file. */
        AgentSessionSpec sessionSpec(CrdSchemas schemas) throws UsageException {
            ObjectNode session = Json.MAPPER.createObjectNode().put("apiVersion", ApiConstants.API_VERSION).put("kind", "AgentSession");
            session.putObject("metadata").put("name", "test-case");
            session.set("spec", node);
            List<CrdSchemas.Violation> violations = schemas.validate("AgentSession", session);
            if (!violations.isEmpty()) {
                throw problem(violations.get(0).field().replaceFirst("^spec\\.?", ""), violations.get(0).message());
            }
            try {
                return Json.MAPPER.treeToValue(node, AgentSessionSpec.class);
            } catch (JsonProcessingException e) {
                throw problem("", "is not an AgentSession spec: " + e.getOriginalMessage());
            }
        }

        Path relative(String path) {
            Path parent = file.toAbsolutePath().getParent();
            Path resolved = parent.resolve(path).normalize();
            Path here = Path.of("").toAbsolutePath();
            return resolved.startsWith(here) ? here.relativize(resolved) : resolved;
        }

        UsageException problem(String key, String message) {
            String field = key.isEmpty() ? path : child(key);
            return new UsageException(file + ":" + document.lines().lineOf(field) + ": "
                    + (field.isEmpty() ? "" : field + ": ") + message);
        }

        private String child(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }
    }
}
