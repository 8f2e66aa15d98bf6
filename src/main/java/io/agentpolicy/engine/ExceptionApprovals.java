package io.agentpolicy.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.agentpolicy.api.AgentSessionApproval;
import io.agentpolicy.api.AgentSessionApprovalSpec;
import io.agentpolicy.api.ApprovalDecision;
import io.agentpolicy.api.Rfc3339;

/**
 * Counts the answers to one session's exception (shared/docs/api.md, Exceptions): an answer counts only when it names the
 * session and its current spec generation, was made while the session existed, comes from someone other than the
 * session's engineer and claims a group some requirement names. Each requirement must be met by a different approver,
 * so the approvers are matched to the requirements (a maximum bipartite matching: one person with two groups never
 * meets two entries).
 */
final class ExceptionApprovals {

    /** One eligible answer. at is the answer's creationTimestamp (now for one read from a file without it). */
    record Answer(String approver, List<String> groups, ApprovalDecision decision, String comment, Instant at) {
    }

    /** The matching's result: who met which requirement, and the requirements nobody met. */
    record Count(List<ExceptionOutcome.CountedAnswer> counted, List<MergedPolicy.Requirement> missing) {
        boolean complete() {
            return missing.isEmpty();
        }

        Instant lastApproval() {
            return counted.stream().map(ExceptionOutcome.CountedAnswer::at).max(Comparator.naturalOrder()).orElseThrow();
        }
    }

    private ExceptionApprovals() {
    }

    /** The session generation an answer is about; one that names none answers the session as created. */
    static long answeredGeneration(AgentSessionApprovalSpec spec) {
        return spec.getSessionGeneration() == null ? 1 : spec.getSessionGeneration();
    }

    /**
     * The answers that count for this session: its name, its current generation, not older than the session (a session
     * deleted and created again under its name starts at generation 1 too), not its engineer, a relevant group.
     */
    static List<Answer> eligible(SessionDecider.Answers to, String engineer, List<MergedPolicy.Requirement> requirements, Instant now) {
        Set<String> relevantGroups = new LinkedHashSet<>();
        requirements.forEach(r -> relevantGroups.addAll(r.groups()));
        List<Answer> answers = new ArrayList<>();
        for (AgentSessionApproval approval : to.approvals()) {
            AgentSessionApprovalSpec spec = approval.getSpec();
            if (spec == null || !to.session().equals(spec.getSession()) || answeredGeneration(spec) != to.generation()
                    || spec.getApprover() == null || spec.getApprover().equals(engineer) || spec.getDecision() == null) {
                continue;
            }
            Instant at = Optional.ofNullable(Rfc3339.parse(approval.getMetadata().getCreationTimestamp())).orElse(now);
            if (to.created() != null && at.isBefore(to.created())) {
                continue;
            }
            List<String> groups = Policies.orEmpty(spec.getGroups()).stream().filter(relevantGroups::contains).toList();
            if (!groups.isEmpty()) {
                answers.add(new Answer(spec.getApprover(), groups, spec.getDecision(), spec.getComment(), at));
            }
        }
        answers.sort(Comparator.comparing(Answer::at).thenComparing(Answer::approver));
        return answers;
    }

    /** The first Reject among the eligible answers, if any. */
    static Optional<Answer> firstReject(List<Answer> eligible) {
        return eligible.stream().filter(a -> a.decision() == ApprovalDecision.REJECT).findFirst();
    }

    /** Matches the approvers (their Approve answers merged per person) to the requirements, each person at most once. */
    static Count count(List<Answer> eligible, List<MergedPolicy.Requirement> requirements) {
        Map<String, Answer> byApprover = new LinkedHashMap<>();
        for (Answer answer : eligible) {
            if (answer.decision() == ApprovalDecision.APPROVE) {
                byApprover.merge(answer.approver(), answer, (a, b) -> new Answer(a.approver(),
                        List.copyOf(new LinkedHashSet<>(concat(a.groups(), b.groups()))), a.decision(), a.comment(),
                        a.at().isAfter(b.at()) ? a.at() : b.at()));
            }
        }
        List<Answer> approvers = List.copyOf(byApprover.values());
        int[] approverOf = new int[requirements.size()];
        Arrays.fill(approverOf, -1);
        for (int person = 0; person < approvers.size(); person++) {
            assign(person, approvers, requirements, approverOf, new boolean[requirements.size()]);
        }
        List<ExceptionOutcome.CountedAnswer> counted = new ArrayList<>();
        List<MergedPolicy.Requirement> missing = new ArrayList<>();
        for (int r = 0; r < requirements.size(); r++) {
            if (approverOf[r] < 0) {
                missing.add(requirements.get(r));
            } else {
                Answer answer = approvers.get(approverOf[r]);
                List<String> groups = answer.groups().stream().filter(requirements.get(r).groups()::contains).toList();
                counted.add(new ExceptionOutcome.CountedAnswer(answer.approver(), groups, answer.at()));
            }
        }
        return new Count(counted, missing);
    }

    /** Kuhn's augmenting path: gives the person a requirement, moving earlier assignments along if need be. */
    private static boolean assign(int person, List<Answer> approvers, List<MergedPolicy.Requirement> requirements,
            int[] approverOf, boolean[] visited) {
        for (int r = 0; r < requirements.size(); r++) {
            if (!visited[r] && approvers.get(person).groups().stream().anyMatch(requirements.get(r).groups()::contains)) {
                visited[r] = true;
                if (approverOf[r] < 0 || assign(approverOf[r], approvers, requirements, approverOf, visited)) {
                    approverOf[r] = person;
                    return true;
                }
            }
        }
        return false;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
