package io.agentpolicy.operator.admission;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.agentpolicy.api.ApiConstants;
import io.agentpolicy.api.Enforcement;
import io.agentpolicy.api.OnViolation;
import io.agentpolicy.api.PermissionMode;
import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.engine.PolicyEngine;
import io.agentpolicy.operator.cache.PolicyValidation;
import io.agentpolicy.operator.config.OperatorConfig;
import io.agentpolicy.operator.config.OperatorIdentity;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchResources;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchResourcesBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBindingBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidationBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.Variable;

/**
 * Generates the ValidatingAdmissionPolicies (and their bindings) that enforce policy at admission time, from the
 * valid PermissionPolicies and the operator's configuration. No webhook server: the API server evaluates the CEL.
 * The reconcile-time decision stays authoritative; admission refuses early what would never be admitted.
 */
@ApplicationScoped
public class AdmissionPolicies {
    public static final String SESSION_MODES = "agentpolicy.io-session-modes";
    public static final String SESSION_MODE_WARNINGS = "agentpolicy.io-session-mode-warnings";
    public static final String SESSION_IDENTITY = "agentpolicy.io-session-identity";
    public static final String APPROVAL_IDENTITY = "agentpolicy.io-approval-identity";
    public static final String INCIDENT_IDENTITY = "agentpolicy.io-incident-identity";
    public static final String AGENT_PODS = "agentpolicy.io-agent-pods";
    public static final String AGENT_POD_WARNINGS = "agentpolicy.io-agent-pod-warnings";
    public static final String SESSION_PODS = "agentpolicy.io-session-pods";
    public static final String SESSION_POD_WARNINGS = "agentpolicy.io-session-pod-warnings";
    public static final String NAMESPACE_TIER = "agentpolicy.io-namespace-tier";
    public static final String PROTECT_CONFIG_MAPS = "agentpolicy.io-protect-config-maps";
    public static final String RESERVE_CONFIG_MAP_NAMES = "agentpolicy.io-reserve-config-map-names";
    public static final String INJECT_SETTINGS = SettingsInjection.NAME;

    /**
     * One generated policy with its binding, and what is kept current along with it (the injecting
     * MutatingAdmissionPolicy and its binding go with the pod policy whose checks assume them).
     */
    public record Generated(ValidatingAdmissionPolicy policy, ValidatingAdmissionPolicyBinding binding, List<GenericKubernetesResource> alongside) {
        Generated(ValidatingAdmissionPolicy policy, ValidatingAdmissionPolicyBinding binding) {
            this(policy, binding, List.of());
        }

        public String name() {
            return policy.getMetadata().getName();
        }
    }

    @Inject
    PolicyEngine engine;

    @Inject
    OperatorConfig config;

    @Inject
    OperatorIdentity identity;

    @Inject
    PolicyValidation validation;

    /** Names of every admission policy this operator may generate (to find and remove ones no longer wanted). */
    public static Set<String> allNames() {
        return Set.of(SESSION_MODES, SESSION_MODE_WARNINGS, SESSION_IDENTITY, APPROVAL_IDENTITY, INCIDENT_IDENTITY, AGENT_PODS, AGENT_POD_WARNINGS, SESSION_PODS, SESSION_POD_WARNINGS, NAMESPACE_TIER,
                PROTECT_CONFIG_MAPS, RESERVE_CONFIG_MAP_NAMES);
    }

    /**
     * What admission should enforce for these policies. An invalid policy is enforced as it last was valid, like the
     * maps it rendered; one never valid in this process counts as absent.
     */
    public List<Generated> desired(Collection<PermissionPolicy> policies, Instant now) {
        List<PolicyFacts> facts = policies.stream().map(validation::lastGood).flatMap(Optional::stream).map(p -> facts(p, now)).toList();
        List<Generated> generated = new ArrayList<>(List.of(
                sessionModes(facts, true),
                sessionModes(facts, false),
                sessionIdentity(),
                approvalIdentity(),
                incidentIdentity(),
                agentPods(facts, true),
                agentPods(facts, false),
                sessionPods(facts, true),
                sessionPods(facts, false),
                namespaceTier()));
        // Without knowing its own name the operator would lock itself out of its maps.
        if (config.protectManagedConfigMaps()) {
            identity.username().ifPresent(operator -> {
                generated.add(protectConfigMaps(operator));
                generated.add(reserveConfigMapNames(operator));
            });
        }
        return generated;
    }

    /** What admission needs to know of one policy: when it matches and what it allows. */
    record PolicyFacts(String name, String matches, Set<PermissionMode> allowed, Enforcement enforcement, OnViolation onViolation,
            PermissionMode exceptionCap) {
    }

    private PolicyFacts facts(PermissionPolicy policy, Instant now) {
        List<String> tiers = policy.getSpec().getTiers() == null ? List.of() : policy.getSpec().getTiers();
        String tierMatch = tiers.isEmpty() ? "true" : "variables.tier in " + Cel.list(tiers);
        String matches = Cel.and(List.of(tierMatch, Cel.selectorMatches(policy.getSpec().getNamespaceSelector())));
        Set<PermissionMode> allowed = engine.merge(List.of(policy), now).allowed();
        return new PolicyFacts(policy.getMetadata().getName(), matches, allowed, policy.getSpec().getEnforcement(),
                policy.getSpec().getModes() == null ? null : policy.getSpec().getModes().getOnViolation(),
                policy.getSpec().getExceptions() == null ? null : policy.getSpec().getExceptions().getMaxMode());
    }

    /**
     * Sessions requesting a mode outside the allowed set: refused under Enforce + Deny (deny = true), otherwise
     * admitted with a warning that says what the operator will do (deny = false).
     */
    private Generated sessionModes(List<PolicyFacts> facts, boolean deny) {
        List<Variable> variables = new ArrayList<>(commonVariables(facts));
        variables.add(variable("requested", "has(object.spec.requestedMode) ? object.spec.requestedMode : ''"));
        variables.add(variable("violators", namesWhere(facts, i -> "!(variables.requested in "
                + Cel.list(facts.get(i).allowed().stream().map(PermissionMode::value).toList()) + ")")));
        variables.add(variable("excepted", exceptionCovers(facts)));
        String violation = "variables.requested != '' && size(variables.violators) > 0 && !variables.excepted";
        String refused = violation + " && !variables.audit && variables.deny";
        String message = "'tier ' + variables.tier + ' does not allow ' + variables.requested + ' (policy ' + variables.violators.join(', ') + ')'";
        ValidatingAdmissionPolicy policy = base(deny ? SESSION_MODES : SESSION_MODE_WARNINGS, sessions(), variables)
                .addToValidations(new ValidationBuilder()
                        .withExpression(deny ? "!(" + refused + ")" : "!(" + violation + ") || (" + refused + ")")
                        .withMessageExpression(deny ? message + " + '; request a mode the tier allows'"
                                : "variables.audit ? " + message + " + '; admitted because enforcement is Audit (the violation is reported)'"
                                        + " : " + message + " + '; the session will be downgraded'")
                        .withReason("Forbidden")
                        .build())
                .endSpec().build();
        return new Generated(policy, binding(policy, deny ? "Deny" : "Warn"));
    }

    /**
     * A session asking for an exception (spec.exception) may request more than the allowed set, up to the exception
     * cap (shared/docs/api.md, Exceptions): some matching policy offers exceptions and every one that does permits the mode.
     * The operator holds it at PendingApproval until the approvals are in.
     */
    private static String exceptionCovers(List<PolicyFacts> facts) {
        List<String> permitting = new ArrayList<>();
        for (int i = 0; i < facts.size(); i++) {
            PermissionMode cap = facts.get(i).exceptionCap();
            if (cap != null) {
                permitting.add("(!variables.p" + i + " || variables.requested in " + Cel.list(java.util.Arrays.stream(PermissionMode.values())
                        .filter(m -> !m.isAbove(cap)).map(PermissionMode::value).toList()) + ")");
            }
        }
        return Cel.and(List.of("has(object.spec.exception)", matchedWhere(facts, f -> f.exceptionCap() != null), Cel.and(permitting)));
    }

    /**
     * An answer to a session's exception is given only in one's own name and groups: spec.approver is the requesting
     * user and every spec.groups entry one of theirs. No trusted group may answer for someone else (a robot approving
     * would void the two-person rule); only the break-glass groups are let through.
     */
    private Generated approvalIdentity() {
        List<Variable> variables = List.of(variable("groups", "has(request.userInfo.groups) ? request.userInfo.groups : []"));
        ValidatingAdmissionPolicy policy = base(APPROVAL_IDENTITY, new MatchResourcesBuilder()
                .addNewResourceRule().withApiGroups(ApiConstants.GROUP).withApiVersions(ApiConstants.VERSION)
                .withResources("agentsessionapprovals").withOperations("CREATE", "UPDATE").endResourceRule()
                .build(), variables)
                .addNewMatchCondition().withName("not-break-glass")
                .withExpression("!(has(request.userInfo.groups) && request.userInfo.groups.exists(g, g in "
                        + Cel.list(config.breakGlassGroups()) + "))").endMatchCondition()
                .addToValidations(new ValidationBuilder()
                        .withExpression("object.spec.approver == request.userInfo.username")
                        .withMessageExpression("'spec.approver is ' + object.spec.approver + ' but the request comes from '"
                                + " + request.userInfo.username + ': an approval may only be given in your own name'")
                        .withReason("Forbidden")
                        .build())
                .addToValidations(new ValidationBuilder()
                        .withExpression("object.spec.groups.all(g, g in variables.groups)")
                        .withMessageExpression("'spec.groups claims ' + object.spec.groups.filter(g, !(g in variables.groups)).join(', ')"
                                + " + ', which ' + request.userInfo.username + ' is not a member of: approve only as your own groups'")
                        .withReason("Forbidden")
                        .build())
                .endSpec().build();
        return new Generated(policy, binding(policy, "Deny"));
    }

    /**
     * An incident records who filed it: spec.reportedBy must be the requesting user, so nobody can pin an escalation on
     * a colleague in someone else's name. Trusted groups (e.g. an alerting robot) may file on someone's behalf.
     */
    private Generated incidentIdentity() {
        String trusted = Cel.list(config.trustedGroups());
        ValidatingAdmissionPolicy policy = base(INCIDENT_IDENTITY, new MatchResourcesBuilder()
                .addNewResourceRule().withApiGroups(ApiConstants.GROUP).withApiVersions(ApiConstants.VERSION)
                .withResources("agentincidents").withOperations("CREATE", "UPDATE").endResourceRule()
                .build(), List.of())
                .addNewMatchCondition().withName("requester-is-not-trusted")
                .withExpression("!(has(request.userInfo.groups) && request.userInfo.groups.exists(g, g in " + trusted + "))")
                .endMatchCondition()
                .addToValidations(new ValidationBuilder()
                        .withExpression("has(object.spec.reportedBy) && object.spec.reportedBy == request.userInfo.username")
                        .withMessageExpression("(has(object.spec.reportedBy) ? 'spec.reportedBy is ' + object.spec.reportedBy"
                                + " : 'spec.reportedBy is not set') + ' but the request comes from ' + request.userInfo.username"
                                + " + ': set spec.reportedBy to your own user name (members of '"
                                + " + " + Cel.string(String.join(", ", config.trustedGroups())) + " + ' may file for others)'")
                        .withReason("Forbidden")
                        .build())
                .endSpec().build();
        return new Generated(policy, binding(policy, "Deny"));
    }

    /** Nobody creates a session for someone else or claims groups they are not in, unless trusted. */
    private Generated sessionIdentity() {
        String trusted = Cel.list(config.trustedGroups());
        List<Variable> variables = List.of(
                variable("checked", "request.operation == 'CREATE' || object.spec != oldObject.spec"),
                variable("groups", "has(request.userInfo.groups) ? request.userInfo.groups : []"));
        ValidatingAdmissionPolicy policy = base(SESSION_IDENTITY, sessions(), variables)
                .addNewMatchCondition().withName("requester-is-not-trusted")
                .withExpression("!(has(request.userInfo.groups) && request.userInfo.groups.exists(g, g in " + trusted + "))")
                .endMatchCondition()
                .addToValidations(new ValidationBuilder()
                        .withExpression("!variables.checked || object.spec.engineer == request.userInfo.username")
                        .withMessageExpression("'spec.engineer is ' + object.spec.engineer + ' but the request comes from '"
                                + " + request.userInfo.username + ': a session may only be created for yourself (members of '"
                                + " + " + Cel.string(String.join(", ", config.trustedGroups())) + " + ' may act on behalf of an engineer)'")
                        .withReason("Forbidden")
                        .build())
                .addToValidations(new ValidationBuilder()
                        .withExpression("!variables.checked || !has(object.spec.groups) || object.spec.groups.all(g, g in variables.groups)")
                        .withMessageExpression("'spec.groups claims ' + object.spec.groups.filter(g, !(g in variables.groups)).join(', ')"
                                + " + ', which ' + request.userInfo.username + ' is not a member of: list only your own groups'")
                        .withReason("Forbidden")
                        .build())
                .endSpec().build();
        return new Generated(policy, binding(policy, "Deny"));
    }

    /**
     * Pods and pod templates in tiered namespaces: foreign mounts under /etc/claude-code, launch flags outside the
     * namespace's allowed set (pods without a session), the exempt label from outside the privileged groups. Refused
     * under Enforce (deny = true), a warning under Audit (deny = false). The injecting policy goes along with the
     * refusing one, whose mount check assumes it.
     */
    private Generated agentPods(List<PolicyFacts> facts, boolean deny) {
        String name = deny ? AGENT_PODS : AGENT_POD_WARNINGS;
        PodPolicies pods = podPolicies();
        List<Variable> variables = new ArrayList<>(commonVariables(facts));
        variables.addAll(namespaceVariables(facts));
        variables.addAll(pods.podVariables());
        ValidatingAdmissionPolicy policy = base(name, PodPolicies.podsAndWorkloads(), variables)
                .withMatchConditions(PodPolicies.podSpecChanged())
                .withValidations(pods.namespaceChecks(name, deny))
                .endSpec().build();
        List<Variable> injectionVariables = new ArrayList<>(matchVariables(facts));
        injectionVariables.addAll(namespaceVariables(facts).subList(0, 2));
        return new Generated(policy, binding(policy, deny ? "Deny" : "Warn"),
                deny ? SettingsInjection.resources(config.configMapName(), injectionVariables) : List.of());
    }

    /**
     * Pods and templates naming a session: created by its engineer (always refused otherwise, shared/docs/api.md, AgentSession
     * identity), and launching at most in its effective mode (refused under Enforce, a warning under Audit).
     *
     * <p>Only tiered namespaces match (no other is governed). That bounds what a failure of the parameter costs: the
     * API server refuses every request that matches a policy whose paramKind it cannot resolve, and after its restart
     * it may not know the AgentSession kind for up to 30 s (until its discovery cache is next refreshed). Matching
     * every namespace, that refused every pod and workload of the cluster meanwhile. The warning variant never
     * refuses, not even then.
     */
    private Generated sessionPods(List<PolicyFacts> facts, boolean deny) {
        String name = deny ? SESSION_PODS : SESSION_POD_WARNINGS;
        List<Variable> variables = new ArrayList<>(commonVariables(facts));
        variables.addAll(podPolicies().podVariables());
        variables.addAll(PodPolicies.sessionVariables());
        MatchResources tieredNamespaces = new MatchResourcesBuilder(PodPolicies.podsAndWorkloads())
                .withNewNamespaceSelector().addNewMatchExpression().withKey(config.tierLabel()).withOperator("Exists").endMatchExpression()
                .endNamespaceSelector().build();
        ValidatingAdmissionPolicyBuilder.SpecNested<ValidatingAdmissionPolicyBuilder> spec = base(name, tieredNamespaces, variables)
                .withFailurePolicy(deny ? "Fail" : "Ignore")
                .withNewParamKind().withApiVersion(ApiConstants.API_VERSION).withKind("AgentSession").endParamKind()
                .addToMatchConditions(PodPolicies.podSpecChanged())
                .addNewMatchCondition().withName("names-a-session")
                .withExpression("has(object.metadata.labels) && " + Cel.string(ApiConstants.SESSION_LABEL) + " in object.metadata.labels || "
                        + "object.kind != 'Pod' && (object.kind == 'CronJob' ? has(object.spec.jobTemplate.spec.template.metadata) "
                        + "&& has(object.spec.jobTemplate.spec.template.metadata.labels) && " + Cel.string(ApiConstants.SESSION_LABEL)
                        + " in object.spec.jobTemplate.spec.template.metadata.labels : has(object.spec.template.metadata) "
                        + "&& has(object.spec.template.metadata.labels) && " + Cel.string(ApiConstants.SESSION_LABEL)
                        + " in object.spec.template.metadata.labels)")
                .endMatchCondition();
        if (deny) {
            spec.addToValidations(PodPolicies.ownership(name, config.trustedGroups()));
        }
        ValidatingAdmissionPolicy policy = spec.addToValidations(PodPolicies.sessionFlags(name, deny)).endSpec().build();
        ValidatingAdmissionPolicyBinding binding = new ValidatingAdmissionPolicyBindingBuilder(binding(policy, deny ? "Deny" : "Warn"))
                .editSpec().withNewParamRef().withNewSelector().endSelector()
                // No session in the namespace: a pod naming one has no map to run under and does not start.
                .withParameterNotFoundAction("Allow").endParamRef().endSpec().build();
        return new Generated(policy, binding);
    }

    private PodPolicies podPolicies() {
        return new PodPolicies(config.configMapName(), privilegedGroups());
    }

    /** Only the privileged groups pick a namespace's tier (shared/docs/api.md, "Namespace tiers"). */
    private Generated namespaceTier() {
        String label = Cel.string(config.tierLabel());
        String tierOf = "has(%1$s.metadata.labels) && " + label + " in %1$s.metadata.labels ? 'tier ' + %1$s.metadata.labels[" + label + "] : 'no tier'";
        ValidatingAdmissionPolicy policy = base(NAMESPACE_TIER, new MatchResourcesBuilder()
                .addNewResourceRule().withApiGroups("").withApiVersions("v1").withResources("namespaces")
                .withOperations("CREATE", "UPDATE").endResourceRule().build(), List.of(
                        variable("before", "request.operation == 'CREATE' ? 'no tier' : " + tierOf.formatted("oldObject")),
                        variable("after", tierOf.formatted("object"))))
                .addNewMatchCondition().withName("requester-is-not-privileged")
                .withExpression("!(has(request.userInfo.groups) && request.userInfo.groups.exists(g, g in " + Cel.list(privilegedGroups()) + "))")
                .endMatchCondition()
                .addToValidations(new ValidationBuilder()
                        .withExpression("variables.before == variables.after")
                        .withMessageExpression("'namespace ' + object.metadata.name + ' would go from ' + variables.before + ' to ' + variables.after"
                                + " + ', but the label " + config.tierLabel() + " decides which PermissionPolicies govern a namespace and only members of ' + "
                                + Cel.string(String.join(", ", privilegedGroups())) + " + ' may add, change or remove it: ask your platform team"
                                + " (admission policy " + NAMESPACE_TIER + ")'")
                        .withReason("Forbidden").build())
                .endSpec().build();
        return new Generated(policy, binding(policy, "Deny"));
    }

    /**
     * Nobody but the operator (and the break-glass groups) creates a map under a rendered map's name: the operator
     * would otherwise find, and adopt, a tenant's map with whatever else it holds.
     */
    private Generated reserveConfigMapNames(String operator) {
        String name = "object.metadata.name";
        ValidatingAdmissionPolicy policy = base(RESERVE_CONFIG_MAP_NAMES, new MatchResourcesBuilder()
                .addNewResourceRule().withApiGroups("").withApiVersions("v1").withResources("configmaps")
                .withOperations("CREATE").endResourceRule().build(), List.of())
                .addNewMatchCondition().withName("not-the-operator")
                .withExpression("request.userInfo.username != " + Cel.string(operator)).endMatchCondition()
                .addNewMatchCondition().withName("not-break-glass")
                .withExpression("!(has(request.userInfo.groups) && request.userInfo.groups.exists(g, g in "
                        + Cel.list(config.breakGlassGroups()) + "))").endMatchCondition()
                .addToValidations(new ValidationBuilder()
                        .withExpression("!(" + name + " == " + Cel.string(config.configMapName()) + " || " + name + ".startsWith("
                                + Cel.string(ApiConstants.SESSION_CONFIG_MAP_PREFIX) + "))")
                        .withMessageExpression("'the ConfigMap name ' + " + name + " + ' is reserved for the managed Claude Code settings "
                                + "agent-policy-operator renders (" + config.configMapName() + ", " + ApiConstants.SESSION_CONFIG_MAP_PREFIX
                                + "<session>): choose another name (admission policy " + RESERVE_CONFIG_MAP_NAMES + ")'")
                        .withReason("Forbidden").build())
                .endSpec().build();
        return new Generated(policy, binding(policy, "Deny"));
    }

    /** Groups allowed past the tenant guards: break-glass and trusted. */
    private List<String> privilegedGroups() {
        return java.util.stream.Stream.concat(config.breakGlassGroups().stream(), config.trustedGroups().stream()).distinct().toList();
    }

    /**
     * Rendered maps may be changed or deleted only by the operator, the break-glass groups and Kubernetes' own
     * controllers (namespace deletion, garbage collection); everyone else is told which resource to change.
     */
    private Generated protectConfigMaps(String operator) {
        String labels = "oldObject.metadata.labels";
        String sessionLabel = Cel.string(ApiConstants.SESSION_LABEL);
        String policies = "has(oldObject.metadata.annotations) && " + Cel.string(ApiConstants.POLICIES_ANNOTATION)
                + " in oldObject.metadata.annotations ? oldObject.metadata.annotations[" + Cel.string(ApiConstants.POLICIES_ANNOTATION)
                + "] : 'its PermissionPolicies'";
        ValidatingAdmissionPolicy policy = base(PROTECT_CONFIG_MAPS, new MatchResourcesBuilder()
                .addNewResourceRule().withApiGroups("").withApiVersions("v1").withResources("configmaps")
                .withOperations("UPDATE", "DELETE").endResourceRule()
                .withNewObjectSelector().addToMatchLabels(ApiConstants.MANAGED_BY_LABEL, ApiConstants.MANAGED_BY_VALUE).endObjectSelector()
                .build(), List.of())
                .addNewMatchCondition().withName("not-the-operator")
                .withExpression("request.userInfo.username != " + Cel.string(operator)).endMatchCondition()
                .addNewMatchCondition().withName("not-break-glass")
                .withExpression("!(has(request.userInfo.groups) && request.userInfo.groups.exists(g, g in "
                        + Cel.list(config.breakGlassGroups()) + "))").endMatchCondition()
                .addNewMatchCondition().withName("not-a-kubernetes-controller")
                .withExpression("!(request.userInfo.username in " + Cel.list(KubernetesControllers.CLEANUP) + ")").endMatchCondition()
                .addToValidations(new ValidationBuilder()
                        .withExpression("false")
                        .withMessageExpression("'ConfigMap ' + oldObject.metadata.namespace + '/' + oldObject.metadata.name"
                                + " + ' is managed by agent-policy-operator and cannot be changed by hand: ' + "
                                + "(has(" + labels + ") && " + sessionLabel + " in " + labels
                                + " ? 'it holds the settings of AgentSession ' + " + labels + "[" + sessionLabel + "] + '; change that session or its policies instead'"
                                + " : 'it is rendered from PermissionPolicy ' + (" + policies + ") + '; change the policy instead')")
                        .withReason("Forbidden")
                        .build())
                .endSpec().build();
        return new Generated(policy, binding(policy, "Deny"));
    }

    /** tier, one match variable per policy, and the merged enforcement and onViolation votes (shared/docs/api.md, Merging). */
    private List<Variable> commonVariables(List<PolicyFacts> facts) {
        List<Variable> variables = new ArrayList<>(matchVariables(facts));
        variables.add(variable("audit", Cel.and(List.of(
                matchedWhere(facts, f -> f.enforcement() == Enforcement.AUDIT),
                "!(" + matchedWhere(facts, f -> f.enforcement() == Enforcement.ENFORCE) + ")"))));
        variables.add(variable("deny", Cel.or(List.of(
                matchedWhere(facts, f -> f.onViolation() == OnViolation.DENY),
                "!(" + matchedWhere(facts, f -> f.onViolation() == OnViolation.DOWNGRADE) + ")"))));
        return variables;
    }

    /**
     * What a namespace's tier makes of its pods: tiered (labelled), governed (some policy renders its map, so pods get
     * it injected), the matching policies' names, and the modes a pod without a session may launch in: the allowed
     * set, plan where no policy matches (an unknown tier never opens admission).
     */
    private List<Variable> namespaceVariables(List<PolicyFacts> facts) {
        String matched = matchedWhere(facts, f -> true);
        String allowedByAll = Cel.list(java.util.Arrays.stream(PermissionMode.values()).map(PermissionMode::value).toList())
                + ".filter(m, " + Cel.and(java.util.stream.IntStream.range(0, facts.size()).mapToObj(i -> "!variables.p" + i + " || m in "
                        + Cel.list(facts.get(i).allowed().stream().map(PermissionMode::value).toList())).toList()) + ")";
        // tiered and governed first: the injecting policy needs only them.
        return List.of(
                variable("tiered", Cel.hasNamespaceLabel(config.tierLabel())),
                variable("governed", "variables.tiered && (" + matched + ")"),
                variable("policies", "size(" + namesWhere(facts, i -> "true") + ") == 0 ? 'none' : " + namesWhere(facts, i -> "true")
                        + ".join(', ')"),
                variable("allowedByAll", allowedByAll),
                variable("namespaceModes", "variables.governed && size(variables.allowedByAll) > 0 ? variables.allowedByAll : ['plan']"));
    }

    /** The namespace's tier and, per policy, whether it matches the namespace. */
    private List<Variable> matchVariables(List<PolicyFacts> facts) {
        List<Variable> variables = new ArrayList<>();
        variables.add(variable("tier", Cel.hasNamespaceLabel(config.tierLabel()) + " ? " + Cel.namespaceLabel(config.tierLabel())
                + " : " + Cel.string(config.unclassifiedTier())));
        for (int i = 0; i < facts.size(); i++) {
            variables.add(variable("p" + i, facts.get(i).matches()));
        }
        return variables;
    }

    /** True when a matching policy has the property. */
    private static String matchedWhere(List<PolicyFacts> facts, Predicate<PolicyFacts> property) {
        List<String> terms = new ArrayList<>();
        for (int i = 0; i < facts.size(); i++) {
            if (property.test(facts.get(i))) {
                terms.add("variables.p" + i);
            }
        }
        return Cel.or(terms);
    }

    /** The names of the matching policies for which the CEL condition holds. */
    private static String namesWhere(List<PolicyFacts> facts, java.util.function.IntFunction<String> condition) {
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < facts.size(); i++) {
            entries.add("variables.p" + i + " && " + condition.apply(i) + " ? " + Cel.string(facts.get(i).name()) + " : ''");
        }
        return entries.stream().map(e -> "(" + e + ")").collect(java.util.stream.Collectors.joining(", ", "[", "]"))
                + ".filter(n, n != '')";
    }

    private static MatchResources sessions() {
        return new MatchResourcesBuilder()
                .addNewResourceRule().withApiGroups(ApiConstants.GROUP).withApiVersions(ApiConstants.VERSION)
                .withResources("agentsessions").withOperations("CREATE", "UPDATE").endResourceRule()
                .build();
    }

    static ValidatingAdmissionPolicyBuilder.SpecNested<ValidatingAdmissionPolicyBuilder> base(String name,
            MatchResources match, List<Variable> variables) {
        return new ValidatingAdmissionPolicyBuilder()
                .withNewMetadata().withName(name)
                .addToLabels(ApiConstants.MANAGED_BY_LABEL, ApiConstants.MANAGED_BY_VALUE)
                .endMetadata()
                .withNewSpec().withFailurePolicy("Fail").withMatchConstraints(match).withVariables(variables);
    }

    static ValidatingAdmissionPolicyBinding binding(ValidatingAdmissionPolicy policy, String action) {
        return new ValidatingAdmissionPolicyBindingBuilder()
                .withNewMetadata().withName(policy.getMetadata().getName())
                .addToLabels(ApiConstants.MANAGED_BY_LABEL, ApiConstants.MANAGED_BY_VALUE)
                .endMetadata()
                .withNewSpec().withPolicyName(policy.getMetadata().getName()).withValidationActions(action).endSpec()
                .build();
    }

    static Variable variable(String name, String expression) {
        return new Variable(expression, name);
    }
}
