package io.agentpolicy.operator.admission;

import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;

/** Builds CEL source text for the generated admission policies, with literals escaped safely. */
final class Cel {
    private Cel() {
    }

    /** True for a request that adds ephemeral containers to a running pod (request.subResource is absent otherwise). */
    static final String EPHEMERAL_CONTAINERS_UPDATE = "(has(request.subResource) && request.subResource == 'ephemeralcontainers')";

    /** A CEL string literal. */
    static String string(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /** A CEL list of string literals. */
    static String list(Collection<String> values) {
        return values.stream().map(Cel::string).collect(Collectors.joining(", ", "[", "]"));
    }

    static String or(List<String> terms) {
        return terms.isEmpty() ? "false" : terms.stream().map(t -> "(" + t + ")").collect(Collectors.joining(" || "));
    }

    static String and(List<String> terms) {
        return terms.isEmpty() ? "true" : terms.stream().map(t -> "(" + t + ")").collect(Collectors.joining(" && "));
    }

    /** True when the request's namespace carries the label. */
    static String hasNamespaceLabel(String key) {
        return "has(namespaceObject.metadata.labels) && " + string(key) + " in namespaceObject.metadata.labels";
    }

    static String namespaceLabel(String key) {
        return "namespaceObject.metadata.labels[" + string(key) + "]";
    }

    /** The label selector as a CEL condition on the request's namespace labels (null selector: always true). */
    static String selectorMatches(LabelSelector selector) {
        if (selector == null) {
            return "true";
        }
        List<String> terms = new java.util.ArrayList<>();
        if (selector.getMatchLabels() != null) {
            selector.getMatchLabels().forEach((key, value) ->
                    terms.add(hasNamespaceLabel(key) + " && " + namespaceLabel(key) + " == " + string(value)));
        }
        if (selector.getMatchExpressions() != null) {
            for (LabelSelectorRequirement requirement : selector.getMatchExpressions()) {
                terms.add(requirement(requirement));
            }
        }
        return and(terms);
    }

    private static String requirement(LabelSelectorRequirement requirement) {
        String key = requirement.getKey();
        List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
        return switch (requirement.getOperator()) {
            case "In" -> hasNamespaceLabel(key) + " && " + namespaceLabel(key) + " in " + list(values);
            case "NotIn" -> "!(" + hasNamespaceLabel(key) + ") || !(" + namespaceLabel(key) + " in " + list(values) + ")";
            case "Exists" -> hasNamespaceLabel(key);
            case "DoesNotExist" -> "!(" + hasNamespaceLabel(key) + ")";
            // Validation refuses other operators before a policy gets here; match nothing, as the engine does.
            default -> "false";
        };
    }
}
