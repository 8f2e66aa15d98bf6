package io.agentpolicy.engine;

import java.util.ArrayList;
import java.util.List;

/** Collects errors and warnings while a validator walks a document. */
final class Findings {
    private final List<Finding> errors = new ArrayList<>();
    private final List<Finding> warnings = new ArrayList<>();

    void error(String field, String message) {
        errors.add(new Finding(field, message));
    }

    void warning(String field, String message) {
        warnings.add(new Finding(field, message));
    }

    ValidationResult result() {
        return new ValidationResult(errors, warnings);
    }
}
