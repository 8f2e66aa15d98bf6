package io.agentpolicy.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;

/** Kubernetes label selector semantics (matchLabels and matchExpressions) without an API server. */
public final class LabelSelectors {
    private static final List<String> OPERATORS = List.of("In", "NotIn", "Exists", "DoesNotExist");

    private LabelSelectors() {
    }

    /**
     * Whether the labels satisfy the selector. A null or empty selector matches everything, as in Kubernetes;
     * a requirement with an unknown operator matches nothing, so an invalid selector never widens a policy.
     */
    public static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return true;
        }
        Map<String, String> matchLabels = selector.getMatchLabels();
        if (matchLabels != null) {
            for (Map.Entry<String, String> required : matchLabels.entrySet()) {
                if (!required.getValue().equals(labels.get(required.getKey()))) {
                    return false;
                }
            }
        }
        List<LabelSelectorRequirement> expressions = selector.getMatchExpressions();
        return expressions == null || expressions.stream().allMatch(e -> satisfies(e, labels));
    }

    private static boolean satisfies(LabelSelectorRequirement requirement, Map<String, String> labels) {
        String value = labels.get(requirement.getKey());
        List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
        switch (String.valueOf(requirement.getOperator())) {
            case "In":
                return value != null && values.contains(value);
            case "NotIn":
                return value == null || !values.contains(value);
            case "Exists":
                return value != null;
            case "DoesNotExist":
                return value == null;
            default:
                return false;
        }
    }

    /** What is wrong with the selector, in one message, or null when it is valid. */
    public static String validate(LabelSelector selector) {
        if (selector == null || selector.getMatchExpressions() == null) {
            return null;
        }
        List<String> problems = new ArrayList<>();
        List<LabelSelectorRequirement> expressions = selector.getMatchExpressions();
        for (int i = 0; i < expressions.size(); i++) {
            String problem = problem(expressions.get(i));
            if (problem != null) {
                problems.add("matchExpressions[" + i + "] " + problem);
            }
        }
        return problems.isEmpty() ? null : String.join("; ", problems);
    }

    private static String problem(LabelSelectorRequirement requirement) {
        String operator = requirement.getOperator();
        boolean hasValues = requirement.getValues() != null && !requirement.getValues().isEmpty();
        if (requirement.getKey() == null || requirement.getKey().isBlank()) {
            return "has no key; name the namespace label to test";
        }
        if (!OPERATORS.contains(operator)) {
            return "has operator \"" + operator + "\"; use one of In, NotIn, Exists, DoesNotExist";
        }
        if ((operator.equals("In") || operator.equals("NotIn")) && !hasValues) {
            return "uses " + operator + " without values; list at least one value";
        }
        if ((operator.equals("Exists") || operator.equals("DoesNotExist")) && hasValues) {
            return "uses " + operator + " with values; " + operator + " takes no values, remove them";
        }
        return null;
    }
}
