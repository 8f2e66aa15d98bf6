package io.agentpolicy.testing;

import java.util.Map;

/** How the operator decides each session of examples/sessions under examples/policies: "Phase:effectiveMode". */
public final class ExampleSessions {
    /** By "namespace/name" as in the examples. */
    public static final Map<String, String> OUTCOMES = Map.of(
            "sandbox/junior-docs", "Admitted:acceptEdits",
            "orders/mid-bugfix", "Downgraded:default",
            "orders/senior-hotfix", "Admitted:acceptEdits",
            "payments/mid-review", "Admitted:default",
            "analytics/senior-migration", "Downgraded:plan",
            "sandbox/senior-prototype", "Admitted:bypassPermissions");

    private ExampleSessions() {
    }
}
