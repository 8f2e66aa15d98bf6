package io.agentpolicy.engine;

import java.util.List;

/** Errors make a policy or settings file unusable; warnings are reported but do not block rendering. */
public record ValidationResult(List<Finding> errors, List<Finding> warnings) {

    public ValidationResult {
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
    }

    /** True when there is no error (warnings allowed). */
    public boolean valid() {
        return errors.isEmpty();
    }
}
