package io.agentpolicy.engine;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.agentpolicy.api.AgentIncident;
import io.agentpolicy.api.EngineerStandingStatus;
import io.agentpolicy.api.Escalation;
import io.agentpolicy.api.IncidentSeverity;
import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.api.Rfc3339;
import io.agentpolicy.api.Seniority;
import io.agentpolicy.api.SessionRecord;

/**
 * An engineer's track record (shared/docs/api.md, "Track record"): incidents escalate the engineer one level lower in
 * a namespace, consecutive clean sessions or a quiet period lift it. Replayed from the durable facts (incidents and
 * the sessions that ended) in time order, so the same facts always give the same standing, whoever computes it when.
 */
public final class TrackRecord {
    private static final Pattern DURATION = Pattern.compile(Escalation.DURATION_PATTERN);
    /** The longest window or quiet period (the CRD's CEL rules say the same). */
    static final Duration MAX_DURATION = Duration.ofHours(8760);

    private TrackRecord() {
    }

    /** An AgentIncident as the engine reads it; session may be null. */
    public record Incident(String name, String namespace, String session, IncidentSeverity severity, Instant occurredAt) {
        public static Incident of(AgentIncident incident) {
            return new Incident(incident.getMetadata().getName(), incident.getMetadata().getNamespace(),
                    incident.getSpec().getSession(), incident.getSpec().getSeverity(), Rfc3339.parse(incident.getSpec().getOccurredAt()));
        }
    }

    /** One of the engineer's sessions that ended (Expired or deleted), with when it ran. */
    public record EndedSession(String name, String namespace, Instant start, Instant end) {
    }

    /** What the engine knows of one engineer: their valid incidents and their ended sessions, in any order. */
    public record History(Collection<Incident> incidents, Collection<EndedSession> ended) {
        public static final History NONE = new History(List.of(), List.of());

        /** The incidents that count, and the sessions an EngineerStanding status records as ended (standing may be null). */
        public static History of(Collection<AgentIncident> counted, EngineerStandingStatus standing) {
            List<SessionRecord> records = standing == null || standing.getSessions() == null ? List.of() : standing.getSessions();
            return new History(counted.stream().map(Incident::of).toList(), records.stream().filter(r -> r.getEndedAt() != null)
                    .map(r -> new EndedSession(r.getName(), r.getNamespace(), Rfc3339.parse(r.getStartedAt()), Rfc3339.parse(r.getEndedAt())))
                    .toList());
        }
    }

    /**
     * The escalation rules of the policies governing a namespace, merged so that the strictest wins: the fewest
     * mistakes, the longest window, incidents anywhere when any policy counts them so; a lift offered only when every
     * voting policy offers it, at the largest number or duration. A null trigger never escalates that level.
     */
    public record Rules(Integer juniorMistakes, boolean juniorSameNamespace, Integer midMistakes, Duration midWithin,
            Integer seniorCritical, Integer cleanSessions, Duration quietFor, List<String> policies) {

        /** The merged rules, or null when no policy sets seniority.escalation (incidents change nothing there). */
        public static Rules of(Collection<PermissionPolicy> governing) {
            List<PermissionPolicy> voting = governing.stream().filter(p -> escalation(p) != null)
                    .sorted(Comparator.comparing(p -> p.getMetadata().getName())).toList();
            if (voting.isEmpty()) {
                return null;
            }
            List<Escalation> rules = voting.stream().map(TrackRecord::escalation).toList();
            Integer juniorMistakes = min(rules.stream().map(e -> e.getJunior() == null ? null : e.getJunior().getMistakes()));
            boolean sameNamespace = rules.stream().filter(e -> e.getJunior() != null)
                    .allMatch(e -> Boolean.TRUE.equals(e.getJunior().getSameNamespace()));
            Integer midMistakes = min(rules.stream().map(e -> e.getMid() == null ? null : e.getMid().getMistakes()));
            Duration within = rules.stream().map(e -> e.getMid() == null ? null : parse(e.getMid().getWithin()))
                    .filter(Objects::nonNull).max(Comparator.naturalOrder()).orElse(null);
            Integer critical = min(rules.stream().map(e -> e.getSenior() == null ? null : e.getSenior().getCritical()));
            boolean everyCounts = rules.stream().allMatch(e -> e.getLift() != null && e.getLift().getCleanSessions() != null);
            boolean everyWaits = rules.stream().allMatch(e -> e.getLift() != null && parse(e.getLift().getOrQuietFor()) != null);
            Integer clean = everyCounts ? rules.stream().map(e -> e.getLift().getCleanSessions()).max(Integer::compare).orElseThrow() : null;
            Duration quiet = everyWaits ? rules.stream().map(e -> parse(e.getLift().getOrQuietFor())).max(Comparator.naturalOrder())
                    .orElseThrow() : null;
            return new Rules(juniorMistakes, sameNamespace, midMistakes == null || within == null ? null : midMistakes, within,
                    critical, clean, quiet, voting.stream().map(p -> p.getMetadata().getName()).toList());
        }

        private static Integer min(java.util.stream.Stream<Integer> values) {
            return values.filter(Objects::nonNull).min(Integer::compare).orElse(null);
        }
    }

    /**
     * The engineer's standing in one namespace at an instant.
     *
     * @param seniority the level from the engineer's groups
     * @param triggers the incidents that escalated (or renewed the escalation), oldest first; empty when not escalated
     * @param since when the last trigger occurred: clean sessions and the quiet period count from here
     * @param cleanSessions consecutive clean sessions since
     * @param liftsAt when the escalation lifts by quiet time if no incident comes first; null when not escalated or no
     *        quiet period lifts it (the instant to schedule a reconcile at)
     * @param liftedAt when an escalation here was last lifted; null if never
     * @param reason what a person reads: why, and what earns the faster modes back
     */
    public record Standing(String namespace, Seniority seniority, boolean escalated, List<Incident> triggers, Instant since,
            int cleanSessions, Integer cleanSessionsNeeded, Instant liftsAt, Instant liftedAt, String reason) {

        /** The level sessions here are decided at: one lower while escalated (a junior stays junior, see cappedAtPlan). */
        public Seniority level() {
            return escalated && seniority != Seniority.JUNIOR ? Seniority.values()[seniority.ordinal() - 1] : seniority;
        }

        /** An escalated junior has no lower level: sessions here are capped at plan instead. */
        public boolean cappedAtPlan() {
            return escalated && seniority == Seniority.JUNIOR;
        }
    }

    /**
     * The standing in namespace at now of an engineer of the given level (from their groups): the rules replayed over
     * the history in time order. Incidents after now are not counted yet; at equal instants an incident comes before
     * a session's end (a session that ends as an incident is filed is not clean).
     */
    public static Standing evaluate(Rules rules, Seniority seniority, String namespace, History history, Instant now) {
        List<Incident> incidents = history.incidents().stream().filter(i -> !i.occurredAt().isAfter(now))
                .sorted(Comparator.comparing(Incident::occurredAt).thenComparing(Incident::name)).toList();
        List<EndedSession> ended = history.ended().stream()
                .filter(s -> namespace.equals(s.namespace()) && !s.end().isAfter(now))
                .sorted(Comparator.comparing(EndedSession::end).thenComparing(EndedSession::name)).toList();
        Replay replay = new Replay(rules, seniority, namespace, incidents);
        int i = 0;
        int s = 0;
        while (i < incidents.size() || s < ended.size()) {
            boolean incidentFirst = s >= ended.size()
                    || (i < incidents.size() && !incidents.get(i).occurredAt().isAfter(ended.get(s).end()));
            if (incidentFirst) {
                replay.incident(incidents.get(i++));
            } else {
                replay.ended(ended.get(s++));
            }
        }
        replay.liftByQuietBefore(now.plusNanos(1));
        return replay.standing();
    }

    /**
     * Whether a session that ended was clean: no incident in its namespace names it or occurred while it ran (the
     * engineer's incidents only are given).
     */
    public static boolean clean(EndedSession session, Collection<Incident> incidents) {
        return incidents.stream().filter(i -> session.namespace().equals(i.namespace())).noneMatch(i -> session.name().equals(i.session())
                || !i.occurredAt().isBefore(session.start()) && !i.occurredAt().isAfter(session.end()));
    }

    /** The state of one namespace while the history is replayed. */
    private static final class Replay {
        private static final int MAX_TRIGGERS = 20;
        private final Rules rules;
        private final Seniority seniority;
        private final String namespace;
        private final List<Incident> incidents;
        private boolean escalated;
        private final List<Incident> triggers = new ArrayList<>();
        private Instant since;
        private int clean;
        private Instant forgivenUpTo = Instant.MIN;
        private Instant liftedAt;
        private String lifted;

        Replay(Rules rules, Seniority seniority, String namespace, List<Incident> incidents) {
            this.rules = rules;
            this.seniority = seniority;
            this.namespace = namespace;
            this.incidents = incidents;
        }

        void incident(Incident incident) {
            Instant at = incident.occurredAt();
            liftByQuietBefore(at);
            if (rules == null) {
                return;
            }
            if (escalated) {
                if (namespace.equals(incident.namespace())) { // a new mistake here restarts the way back
                    addTrigger(incident);
                    since = at;
                    clean = 0;
                }
                return;
            }
            List<Incident> pool = triggered(incident);
            if (!pool.isEmpty()) {
                escalated = true;
                triggers.clear();
                pool.forEach(this::addTrigger);
                since = at;
                clean = 0;
            }
        }

        /** The incidents that escalate here with this one, or none. */
        private List<Incident> triggered(Incident latest) {
            Instant at = latest.occurredAt();
            List<Incident> counted = incidents.stream()
                    .filter(i -> i.occurredAt().isAfter(forgivenUpTo) && !i.occurredAt().isAfter(at)).toList();
            List<Incident> pool;
            int needed;
            switch (seniority) {
                case JUNIOR -> {
                    if (rules.juniorMistakes() == null) {
                        return List.of();
                    }
                    needed = rules.juniorMistakes();
                    pool = rules.juniorSameNamespace()
                            ? counted.stream().filter(i -> namespace.equals(i.namespace())).toList() : counted;
                }
                case MID -> {
                    if (rules.midMistakes() == null) {
                        return List.of();
                    }
                    needed = rules.midMistakes();
                    Instant from = at.minus(rules.midWithin());
                    pool = counted.stream().filter(i -> i.occurredAt().isAfter(from)).toList();
                }
                default -> {
                    if (rules.seniorCritical() == null) {
                        return List.of();
                    }
                    needed = rules.seniorCritical();
                    pool = counted.stream().filter(i -> i.severity() == IncidentSeverity.CRITICAL && namespace.equals(i.namespace()))
                            .toList();
                }
            }
            boolean concernsHere = pool.stream().anyMatch(i -> namespace.equals(i.namespace()));
            return pool.size() >= needed && pool.contains(latest) && concernsHere ? pool.subList(pool.size() - needed, pool.size())
                    : List.of();
        }

        void ended(EndedSession session) {
            liftByQuietBefore(session.end());
            if (!escalated || !session.end().isAfter(since)) {
                return;
            }
            clean = clean(session, incidents) ? clean + 1 : 0;
            if (rules.cleanSessions() != null && clean >= rules.cleanSessions()) {
                lift(session.end(), "after " + clean + " consecutive clean sessions");
            }
        }

        /** Lifts the escalation if its quiet period ended before the instant. */
        void liftByQuietBefore(Instant instant) {
            Instant liftsAt = liftsAt();
            if (liftsAt != null && liftsAt.isBefore(instant)) {
                lift(liftsAt, "after " + SessionLifetime.describe(rules.quietFor()) + " without a new incident");
            }
        }

        private Instant liftsAt() {
            return escalated && rules.quietFor() != null ? since.plus(rules.quietFor()) : null;
        }

        private void lift(Instant at, String how) {
            escalated = false;
            triggers.clear();
            since = null;
            clean = 0;
            forgivenUpTo = at;
            liftedAt = at;
            lifted = how;
        }

        private void addTrigger(Incident incident) {
            triggers.add(incident);
            if (triggers.size() > MAX_TRIGGERS) {
                triggers.remove(0);
            }
        }

        Standing standing() {
            return new Standing(namespace, seniority, escalated, List.copyOf(triggers), since, clean,
                    escalated ? rules.cleanSessions() : null, liftsAt(), liftedAt, reason());
        }

        private String reason() {
            if (!escalated) {
                return liftedAt == null ? null : "escalation in " + namespace + " lifted on " + day(liftedAt) + " " + lifted;
            }
            String what = seniority == Seniority.JUNIOR ? "escalated junior in " + namespace + " (capped at plan)"
                    : "escalated from " + seniority + " to " + Seniority.values()[seniority.ordinal() - 1] + " in " + namespace;
            String by = (seniority == Seniority.SENIOR ? "critical " : "") + (triggers.size() == 1 ? "incident " : "incidents ")
                    + triggers.stream().map(i -> i.name() + " on " + day(i.occurredAt())).collect(Collectors.joining(", "));
            List<String> way = new ArrayList<>();
            if (rules.cleanSessions() != null) {
                way.add(clean + " of " + rules.cleanSessions() + " clean sessions since");
            }
            if (rules.quietFor() != null) {
                way.add("lifted on " + day(liftsAt()) + " without a new incident");
            }
            return what + ": " + by + "; " + String.join(", or ", way) + " (policy " + String.join(", ", rules.policies()) + ")";
        }
    }

    private static Escalation escalation(PermissionPolicy policy) {
        return policy.getSpec() == null || policy.getSpec().getSeniority() == null ? null : policy.getSpec().getSeniority().getEscalation();
    }

    /** A duration of the escalation rules (e.g. 720h, 90m), or null when absent, malformed or zero. */
    static Duration parse(String text) {
        return ExceptionDurations.hoursMinutesSeconds(DURATION, text);
    }

    private static String day(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC).toLocalDate().toString();
    }

}
