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
import io.agentpolicy.operator.config.OperatorConfig;
import io.agentpolicy.operator.support.LockedModeFlags;
import io.agentpolicy.operator.support.OperatorIdentity;
import io.agentpolicy.operator.support.PolicyValidation;
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
    public static final String POD_FLAGS = "agentpolicy.io-pod-flags";
    public static final String PROTECT_CONFIG_MAPS = "agentpolicy.io-protect-config-maps";

    /** One generated policy with its binding. */
    public record Generated(ValidatingAdmissionPolicy policy, ValidatingAdmissionPolicyBinding binding) {
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
        return Set.of(SESSION_MODES, SESSION_MODE_WARNINGS, SESSION_IDENTITY, POD_FLAGS, PROTECT_CONFIG_MAPS);
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
                podFlags(facts)));
        // Without knowing its own name the operator would lock itself out of its maps.
        if (config.protectManagedConfigMaps()) {
            identity.username().ifPresent(operator -> generated.add(protectConfigMaps(operator)));
        }
        return generated;
    }

    /** What admission needs to know of one policy: when it matches and what it allows. */
    record PolicyFacts(String name, String matches, Set<PermissionMode> allowed, Enforcement enforcement, OnViolation onViolation) {
    }

    private PolicyFacts facts(PermissionPolicy policy, Instant now) {
        List<String> tiers = policy.getSpec().getTiers() == null ? List.of() : policy.getSpec().getTiers();
        String tierMatch = tiers.isEmpty() ? "true" : "variables.tier in " + Cel.list(tiers);
        String matches = Cel.and(List.of(tierMatch, Cel.selectorMatches(policy.getSpec().getNamespaceSelector())));
        Set<PermissionMode> allowed = engine.merge(List.of(policy), now).allowed();
        return new PolicyFacts(policy.getMetadata().getName(), matches, allowed, policy.getSpec().getEnforcement(),
                policy.getSpec().getModes() == null ? null : policy.getSpec().getModes().getOnViolation());
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
        String violation = "variables.requested != '' && size(variables.violators) > 0";
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

    /** Pods of a session must not start Claude Code in a mode their tier locks out (under Enforce). */
    private Generated podFlags(List<PolicyFacts> facts) {
        List<Variable> variables = new ArrayList<>(commonVariables(facts));
        variables.add(variable("commandLines", "(has(object.spec.initContainers) ? object.spec.initContainers : []).map(c, "
                + "(has(c.command) ? c.command : []).join(' ') + ' ' + (has(c.args) ? c.args : []).join(' ')) + "
                + "object.spec.containers.map(c, (has(c.command) ? c.command : []).join(' ') + ' ' + (has(c.args) ? c.args : []).join(' '))"));
        variables.add(variable("bypassLockers", namesWhere(facts, i -> String.valueOf(!facts.get(i).allowed().contains(PermissionMode.BYPASS_PERMISSIONS)))));
        variables.add(variable("autoLockers", namesWhere(facts, i -> String.valueOf(!facts.get(i).allowed().contains(PermissionMode.AUTO)))));
        ValidatingAdmissionPolicy policy = base(POD_FLAGS, new MatchResourcesBuilder()
                .addNewResourceRule().withApiGroups("").withApiVersions("v1").withResources("pods")
                .withOperations("CREATE", "UPDATE").endResourceRule()
                .withNewObjectSelector().addNewMatchExpression().withKey(ApiConstants.SESSION_LABEL).withOperator("Exists")
                .endMatchExpression().endObjectSelector()
                .build(), variables)
                .addToValidations(flagValidation("bypassLockers", LockedModeFlags.BYPASS,
                        "bypassPermissions (--dangerously-skip-permissions or --permission-mode bypassPermissions)"))
                .addToValidations(flagValidation("autoLockers", LockedModeFlags.AUTO, "auto mode (--permission-mode auto or --enable-auto-mode)"))
                .endSpec().build();
        return new Generated(policy, binding(policy, "Deny"));
    }

    private static io.fabric8.kubernetes.api.model.admissionregistration.v1.Validation flagValidation(String lockers, String flags,
            String what) {
        return new ValidationBuilder()
                .withExpression("variables.audit || size(variables." + lockers + ") == 0 || "
                        + "!variables.commandLines.exists(l, l.matches(" + Cel.string(flags) + "))")
                .withMessageExpression("'this pod starts Claude Code in " + what + ", which tier ' + variables.tier"
                        + " + ' disables (policy ' + variables." + lockers + ".join(', ') + '); remove the flag'")
                .withReason("Forbidden")
                .build();
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
                .withExpression("!request.userInfo.username.startsWith('system:serviceaccount:kube-system:') "
                        + "&& request.userInfo.username != 'system:kube-controller-manager'").endMatchCondition()
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

    /** tier, one match variable per policy, and the merged enforcement and onViolation votes (docs api.md, Merging). */
    private List<Variable> commonVariables(List<PolicyFacts> facts) {
        List<Variable> variables = new ArrayList<>();
        variables.add(variable("tier", Cel.hasNamespaceLabel(config.tierLabel()) + " ? " + Cel.namespaceLabel(config.tierLabel())
                + " : " + Cel.string(config.unclassifiedTier())));
        for (int i = 0; i < facts.size(); i++) {
            variables.add(variable("p" + i, facts.get(i).matches()));
        }
        variables.add(variable("audit", Cel.and(List.of(
                matchedWhere(facts, f -> f.enforcement() == Enforcement.AUDIT),
                "!(" + matchedWhere(facts, f -> f.enforcement() == Enforcement.ENFORCE) + ")"))));
        variables.add(variable("deny", Cel.or(List.of(
                matchedWhere(facts, f -> f.onViolation() == OnViolation.DENY),
                "!(" + matchedWhere(facts, f -> f.onViolation() == OnViolation.DOWNGRADE) + ")"))));
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

    private static ValidatingAdmissionPolicyBuilder.SpecNested<ValidatingAdmissionPolicyBuilder> base(String name,
            MatchResources match, List<Variable> variables) {
        return new ValidatingAdmissionPolicyBuilder()
                .withNewMetadata().withName(name)
                .addToLabels(ApiConstants.MANAGED_BY_LABEL, ApiConstants.MANAGED_BY_VALUE)
                .endMetadata()
                .withNewSpec().withFailurePolicy("Fail").withMatchConstraints(match).withVariables(variables);
    }

    private static ValidatingAdmissionPolicyBinding binding(ValidatingAdmissionPolicy policy, String action) {
        return new ValidatingAdmissionPolicyBindingBuilder()
                .withNewMetadata().withName(policy.getMetadata().getName())
                .addToLabels(ApiConstants.MANAGED_BY_LABEL, ApiConstants.MANAGED_BY_VALUE)
                .endMetadata()
                .withNewSpec().withPolicyName(policy.getMetadata().getName()).withValidationActions(action).endSpec()
                .build();
    }

    private static Variable variable(String name, String expression) {
        return new Variable(expression, name);
    }
}
