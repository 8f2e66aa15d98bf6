package io.agentpolicy.cli;

import java.util.ArrayList;
import java.util.List;

import io.agentpolicy.api.AgentSession;
import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.api.TaskOverride;
import io.agentpolicy.cli.Diagnostic.Severity;
import io.agentpolicy.cli.ManifestChecker.Checked;
import io.agentpolicy.cli.ManifestChecker.CheckedInputs;

/**
 * Warns where a session's taskType differs from a policy's taskOverrides entry only in case. The engine matches task
 * types ignoring case (shared/docs/api.md), so the cap applies; the warning is for the reader, who would otherwise think a
 * "Payments" session escapes the "payments" cap, or that the policy's spelling is not the one in use.
 */
final class TaskTypeSpellings {
    private TaskTypeSpellings() {
    }

    static List<Diagnostic> find(CheckedInputs inputs) {
        List<Diagnostic> found = new ArrayList<>();
        for (Checked<AgentSession> session : inputs.sessions()) {
            String taskType = session.object().getSpec() == null ? null : session.object().getSpec().getTaskType();
            if (taskType == null) {
                continue;
            }
            for (PermissionPolicy policy : inputs.policyObjects()) {
                for (TaskOverride override : orEmpty(policy.getSpec().getTaskOverrides())) {
                    for (String listed : orEmpty(override.getTaskTypes())) {
                        if (listed.equalsIgnoreCase(taskType) && !listed.equals(taskType)) {
                            found.add(Diagnostic.at(session.source(), Severity.WARNING, "spec.taskType", "\"" + taskType
                                    + "\" differs only in case from \"" + listed + "\" in taskOverrides of PermissionPolicy "
                                    + policy.getMetadata().getName() + "; task types match ignoring case, so that cap ("
                                    + (override.getMaxMode() != null ? override.getMaxMode() : "raised to " + override.getRaiseTo())
                                    + ") applies; spell it \"" + listed + "\""));
                        }
                    }
                }
            }
        }
        return found;
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
