package io.agentpolicy.operator.admission;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import io.agentpolicy.api.ApiConstants;
import io.agentpolicy.api.PermissionMode;
import io.agentpolicy.operator.admission.LockedModeFlags;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchCondition;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchResources;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchResourcesBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.Validation;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidationBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.Variable;

/**
 * The CEL of the pod admission policies (shared/docs/api.md, "Agent pods", 2): pods, ephemeral containers and the pod
 * templates of workloads, read container by container. What a pod without a session may launch Claude Code in
 * comes from the policies compiled into the CEL (like the session policies); what a session's pod may, from the
 * session itself, the parameter of the session pod policies. No ConfigMap serves as a parameter: the API server
 * 1.36 can stop seeing changes of a built-in parameter kind for good (kubernetes/kubernetes#130887).
 */
final class PodPolicies {
    /** A mount path at or below /etc/claude-code, also when spelled with doubled slashes, `.` or `x/..` segments. */
    private static final String UNDER_DIRECTORY = "^/+((\\.|[^/]+/+\\.\\.)/+)*etc/+((\\.|[^/]+/+\\.\\.)/+)*claude-code(/.*)?$";

    private final String namespaceMap;
    private final List<String> exemptingGroups;

    /**
     * @param namespaceMap the namespace map's name
     * @param exemptingGroups the groups that may set the exempt label (break-glass and trusted)
     */
    PodPolicies(String namespaceMap, List<String> exemptingGroups) {
        this.namespaceMap = namespaceMap;
        this.exemptingGroups = exemptingGroups;
    }

    /** Pods at creation, ephemeral containers as they are added, and every workload kind with a pod template. */
    static MatchResources podsAndWorkloads() {
        return new MatchResourcesBuilder()
                .addNewResourceRule().withApiGroups("").withApiVersions("v1").withResources("pods").withOperations("CREATE").endResourceRule()
                .addNewResourceRule().withApiGroups("").withApiVersions("v1").withResources("pods/ephemeralcontainers")
                .withOperations("UPDATE").endResourceRule()
                .addNewResourceRule().withApiGroups("apps").withApiVersions("v1")
                .withResources("deployments", "statefulsets", "daemonsets", "replicasets").withOperations("CREATE", "UPDATE").endResourceRule()
                .addNewResourceRule().withApiGroups("batch").withApiVersions("v1").withResources("jobs", "cronjobs")
                .withOperations("CREATE", "UPDATE").endResourceRule()
                .build();
    }

    /**
     * Updates that leave the pod template alone (a controller scaling a ReplicaSet, an annotation) are not checked
     * again: a workload admitted before a policy changed must not block its controllers.
     */
    static MatchCondition podSpecChanged() {
        return new MatchCondition("request.operation == 'CREATE' || " + Cel.EPHEMERAL_CONTAINERS_UPDATE + " || "
                + "(object.kind == 'CronJob' ? object.spec.jobTemplate != oldObject.spec.jobTemplate : object.spec.template != oldObject.spec.template)",
                "pod-spec-changed");
    }

    /**
     * template, labels, session (the session label's value or ''), containers with their command lines, kind (for
     * messages), and whether the exempt label is set and by whom.
     */
    List<Variable> podVariables() {
        String spec = "variables.template.spec.";
        String ephemeral = "(has(" + spec + "ephemeralContainers) ? " + spec + "ephemeralContainers : [])";
        String stripQuotes = Arrays.stream(LockedModeFlags.SHELL_QUOTING.split(""))
                .map(c -> ".replace(" + Cel.string(c) + ", '')").collect(Collectors.joining());
        return List.of(
                AdmissionPolicies.variable("template", "object.kind == 'Pod' ? object : object.kind == 'CronJob' ? "
                        + "object.spec.jobTemplate.spec.template : object.spec.template"),
                AdmissionPolicies.variable("labels", "has(variables.template.metadata) && has(variables.template.metadata.labels) ? "
                        + "variables.template.metadata.labels : {}"),
                AdmissionPolicies.variable("session", Cel.string(ApiConstants.SESSION_LABEL) + " in variables.labels ? variables.labels["
                        + Cel.string(ApiConstants.SESSION_LABEL) + "] : ''"),
                // On the ephemeralcontainers subresource only the ephemeral containers can change.
                AdmissionPolicies.variable("containers", Cel.EPHEMERAL_CONTAINERS_UPDATE + " ? " + ephemeral + " : "
                        + "(has(" + spec + "initContainers) ? " + spec + "initContainers : []) + " + spec + "containers + " + ephemeral),
                // "<container>: <command and args>", shell quoting removed (LockedModeFlags).
                AdmissionPolicies.variable("commandLines", "variables.containers.map(c, c.name + ': ' + "
                        + "((has(c.command) ? c.command : []) + (has(c.args) ? c.args : [])).join(' ')" + stripQuotes + ")"),
                AdmissionPolicies.variable("kind", "object.kind + ' ' + (has(object.metadata.name) ? object.metadata.name : "
                        + "object.metadata.generateName + '*')"),
                AdmissionPolicies.variable("exempt", Cel.string(ApiConstants.EXEMPT_LABEL) + " in variables.labels && variables.labels["
                        + Cel.string(ApiConstants.EXEMPT_LABEL) + "] == 'true'"),
                // Controllers create pods from templates checked here, so they pass the template's label on.
                AdmissionPolicies.variable("mayExempt", "(has(request.userInfo.groups) && request.userInfo.groups.exists(g, g in "
                        + Cel.list(exemptingGroups) + ")) || request.userInfo.username in " + Cel.list(KubernetesControllers.WORKLOADS)),
                AdmissionPolicies.variable("skipped", "variables.exempt && variables.mayExempt"),
                // The injected volume, and any volume of the pod's own map (a pod written before injection mounts it itself).
                AdmissionPolicies.variable("ownMapVolumes", "[" + Cel.string(SettingsInjection.VOLUME) + "] + (has(" + spec + "volumes) ? "
                        + spec + "volumes.filter(v, has(v.configMap) && v.configMap.name == (variables.session == '' ? " + Cel.string(namespaceMap)
                        + " : " + Cel.string(ApiConstants.SESSION_CONFIG_MAP_PREFIX) + " + variables.session)).map(v, v.name) : [])"));
    }

    /**
     * The checks of pods in a tiered namespace, each refusing (deny) or warning under Audit (!deny); the caller
     * binds them with Deny or Warn. Needs the namespace variables (tiered, governed, policies, namespaceModes).
     */
    List<Validation> namespaceChecks(String policyName, boolean deny) {
        // Pods of a namespace without a tier label are none of the operator's business.
        String gate = (deny ? "variables.audit" : "!variables.audit") + " || !variables.tiered";
        String audit = auditSuffix(deny);
        String where = "' (tier ' + variables.tier + ', policies ' + variables.policies + ', admission policy " + policyName + ")'";
        List<Validation> validations = new ArrayList<>();
        validations.add(new ValidationBuilder()
                .withExpression(gate + " || !variables.governed || !variables.exempt || variables.mayExempt")
                .withMessageExpression("variables.kind + ' carries the label " + ApiConstants.EXEMPT_LABEL + ": \"true\", which skips the managed "
                        + "Claude Code settings; only members of ' + " + Cel.string(String.join(", ", exemptingGroups)) + " + ' may set it' + " + where
                        + " + ': remove the label'" + audit)
                .withReason("Forbidden").build());
        String mountProblems = "variables.containers.filter(c, has(c.volumeMounts) && c.volumeMounts.exists(m, " + foreignMount("m")
                + ")).map(c, 'container ' + c.name + ' mounts ' + c.volumeMounts.filter(m, " + foreignMount("m")
                + ").map(m, 'volume ' + m.name + ' at ' + m.mountPath + (has(m.subPath) && m.subPath != '' ? ' (subPath ' + m.subPath + ')' : ''))"
                + ".join(' and '))";
        validations.add(new ValidationBuilder()
                .withExpression(gate + " || variables.skipped || !variables.governed || size(" + mountProblems + ") == 0")
                .withMessageExpression("variables.kind + ': ' + " + mountProblems + ".join('; ') + ', but Claude Code reads every file under "
                        + ApiConstants.MOUNT_DIRECTORY + " (a drop-in overrides the operator\\'s settings) and a subPath mount never sees a "
                        + "lockdown' + " + where + " + ': remove the mount; the operator mounts the whole directory from ConfigMap ' + "
                        + "(variables.session == '' ? " + Cel.string(namespaceMap) + " : " + Cel.string(ApiConstants.SESSION_CONFIG_MAP_PREFIX)
                        + " + variables.session) + ' read-only itself'" + audit)
                .withReason("Forbidden").build());
        // A tier no policy covers allows no mode flag but plan: an unknown tier never opens admission.
        String flagProblems = flagProblems("variables.namespaceModes");
        validations.add(new ValidationBuilder()
                .withExpression(gate + " || variables.skipped || variables.session != '' || size(" + flagProblems + ") == 0")
                .withMessageExpression("variables.kind + ': ' + " + flagProblems + ".join('; ') + ', outside the modes tier ' + variables.tier"
                        + " + ' allows without a session: ' + variables.namespaceModes.join(', ') + ' (policies ' + variables.policies"
                        + " + ', admission policy " + policyName + "): remove the flag, or create an AgentSession for the mode and name it in the label "
                        + ApiConstants.SESSION_LABEL + "'"
                        + audit)
                .withReason("Forbidden").build());
        return validations;
    }

    /**
     * The parameter is each AgentSession of the namespace (a session exists, with its immutable engineer, from
     * creation on, before it has a map); only the one the pod names counts. Its effective mode and below may be
     * launched in; a session not decided yet allows plan only.
     */
    static List<Variable> sessionVariables() {
        return List.of(
                AdmissionPolicies.variable("podsSession", "params.metadata.name == variables.session"),
                AdmissionPolicies.variable("effective", "has(params.status) && has(params.status.effectiveMode) ? params.status.effectiveMode"
                        + " : 'none yet'"),
                AdmissionPolicies.variable("sessionModes", "variables.effective in " + modesUpTo() + " ? " + modesUpTo()
                        + "[variables.effective] : ['plan']"));
    }

    /** Launch flags above the session's effective mode; refused (deny) or warned about under Audit (!deny). */
    static Validation sessionFlags(String policyName, boolean deny) {
        String flagProblems = flagProblems("variables.sessionModes");
        return new ValidationBuilder()
                .withExpression((deny ? "variables.audit" : "!variables.audit") + " || !variables.podsSession || variables.skipped || size("
                        + flagProblems + ") == 0")
                .withMessageExpression("variables.kind + ': ' + " + flagProblems + ".join('; ') + ', above the effective mode of AgentSession '"
                        + " + variables.session + ' (' + variables.effective + ', tier ' + variables.tier + ', admission policy " + policyName
                        + "): remove the flag, or request the mode in the session'" + auditSuffix(deny))
                .withReason("Forbidden").build();
    }

    /**
     * A pod or template naming a session is created by the session's engineer, a trusted group, or a controller
     * working from a template checked here.
     */
    static Validation ownership(String policyName, List<String> trustedGroups) {
        return new ValidationBuilder()
                .withExpression("!variables.podsSession || params.spec.engineer == request.userInfo.username || request.userInfo.username in "
                        + Cel.list(KubernetesControllers.WORKLOADS) + " || (has(request.userInfo.groups) && request.userInfo.groups.exists(g, g in "
                        + Cel.list(trustedGroups) + "))")
                .withMessageExpression("variables.kind + ' names AgentSession ' + variables.session + ' of ' + params.spec.engineer"
                        + " + ', but the request comes from ' + request.userInfo.username + ': only that engineer (or members of ' + "
                        + Cel.string(String.join(", ", trustedGroups)) + " + ') may run pods under it; create your own AgentSession and name it "
                        + "in the label " + ApiConstants.SESSION_LABEL + " (admission policy " + policyName + ")'")
                .withReason("Forbidden").build();
    }

    private static String auditSuffix(boolean deny) {
        return deny ? "" : " + ' (admitted because enforcement is Audit; the violation is reported)'";
    }

    /** "container c passes <flag>" for every container whose command line launches outside the permitted modes. */
    private static String flagProblems(String permitted) {
        return "variables.commandLines.filter(l, size(" + flagsOutside("l", permitted) + ") > 0).map(l, 'container ' + "
                + "l.substring(0, l.indexOf(':')) + ' passes ' + " + flagsOutside("l", permitted) + ".join(' and '))";
    }

    /**
     * Descriptions of the mode flags in the command line that launch outside the permitted modes; a mode filled in
     * at run time counts as any mode, so it passes only where every mode is permitted.
     */
    private static String flagsOutside(String line, String permitted) {
        List<String> entries = new ArrayList<>(Arrays.stream(PermissionMode.values())
                .map(mode -> "(" + line + ".matches(" + Cel.string(LockedModeFlags.forMode(mode)) + ") && !(" + Cel.string(mode.value())
                        + " in " + permitted + ") ? " + Cel.string(LockedModeFlags.describe(mode)) + " : '')")
                .toList());
        entries.add("(" + line + ".matches(" + Cel.string(LockedModeFlags.RUN_TIME_MODE) + ") && size(" + permitted + ") < "
                + PermissionMode.values().length + " ? '--permission-mode with a value set at run time (spell the mode out)' : '')");
        return entries.stream().collect(Collectors.joining(", ", "[", "].filter(f, f != '')"));
    }

    /** Each mode with the modes ranked at or below it. */
    private static String modesUpTo() {
        return Arrays.stream(PermissionMode.values())
                .map(m -> Cel.string(m.value()) + ": " + Cel.list(Arrays.stream(PermissionMode.values())
                        .filter(lower -> !lower.isAbove(m)).map(PermissionMode::value).toList()))
                .collect(Collectors.joining(", ", "{", "}"));
    }

    /** At or below /etc/claude-code, other than the pod's own map mounted whole at the directory. */
    private static String foreignMount(String mount) {
        String subPath = "(has(" + mount + ".subPath) && " + mount + ".subPath != '') || (has(" + mount + ".subPathExpr) && " + mount
                + ".subPathExpr != '')";
        return mount + ".mountPath.matches(" + Cel.string(UNDER_DIRECTORY) + ") && !(" + mount + ".mountPath in "
                + Cel.list(List.of(ApiConstants.MOUNT_DIRECTORY, ApiConstants.MOUNT_DIRECTORY + "/")) + " && " + mount
                + ".name in variables.ownMapVolumes && !(" + subPath + "))";
    }
}
