package io.agentpolicy.operator.track;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.agentpolicy.api.AgentIncident;
import io.agentpolicy.api.AgentSession;
import io.agentpolicy.api.EngineerStandingStatus;
import io.agentpolicy.api.NamespaceStanding;
import io.agentpolicy.api.PermissionPolicy;
import io.agentpolicy.api.Rfc3339;
import io.agentpolicy.api.Seniority;
import io.agentpolicy.api.SessionPhase;
import io.agentpolicy.api.SessionRecord;
import io.agentpolicy.engine.NamespaceInfo;
import io.agentpolicy.engine.PolicyEngine;
import io.agentpolicy.engine.TrackRecord;

/**
 * An EngineerStanding's next status, from its previous status and what the cluster holds now, nothing else: so the
 * standing computed after a restart is the one computed without it. A session is recorded once it ran; it ends once,
 * when the operator sees it Expired or no longer finds it (deleted, also while the operator was down); its record
 * keeps it counted exactly once.
 */
public final class StandingStatusBuilder {
    /** Ended sessions kept per engineer: far more than any lift rule (at most 20 clean sessions) needs. */
    static final int ENDED_KEPT = 100;
    /** Running sessions recorded per engineer: with the ended ones, the schema's bound on the records (1,000). */
    static final int RUNNING_KEPT = 900;
    /** Namespaces listed per engineer (the schema's bound): a bot account may run sessions in thousands. */
    static final int NAMESPACES_LISTED = 256;
    private static final Comparator<SessionRecord> BY_START = Comparator.comparing(r -> Rfc3339.parse(r.getStartedAt()));
    private static final Comparator<SessionRecord> BY_END = Comparator.comparing(r -> Rfc3339.parse(r.getEndedAt()));

    private StandingStatusBuilder() {
    }

    /** The session records: the previous ones, ended where their session is gone or Expired, and newly running sessions. */
    static List<SessionRecord> records(List<SessionRecord> previous, Collection<AgentSession> live, Instant now) {
        Map<String, AgentSession> byUid = new HashMap<>();
        live.forEach(s -> byUid.put(s.getMetadata().getUid(), s));
        List<SessionRecord> records = new ArrayList<>();
        for (SessionRecord before : previous) {
            AgentSession session = byUid.remove(before.getUid());
            if (before.getEndedAt() != null) {
                records.add(before);
            } else if (session == null) {
                records.add(copy(before, before.getTier(), before.getSeniority(), Rfc3339.format(now)));
            } else {
                records.add(recordOf(session, now));
            }
        }
        byUid.values().stream().filter(StandingStatusBuilder::ran).map(s -> recordOf(s, now)).forEach(records::add);
        return Stream.concat(newest(records.stream().filter(r -> r.getEndedAt() == null), BY_START, RUNNING_KEPT),
                        newest(records.stream().filter(r -> r.getEndedAt() != null), BY_END, ENDED_KEPT))
                .sorted(BY_START.thenComparing(SessionRecord::getNamespace).thenComparing(SessionRecord::getName))
                .toList();
    }

    /** The newest {@code kept} records by the given time. */
    private static Stream<SessionRecord> newest(Stream<SessionRecord> records, Comparator<SessionRecord> byTime, int kept) {
        return records.sorted(byTime.reversed()).limit(kept);
    }

    /**
     * The whole status. namespaces finds a namespace's labels (null when it is gone); the levels come from the
     * engineer's latest session in each namespace (else their latest anywhere, else junior).
     */
    static EngineerStandingStatus build(String engineer, EngineerStandingStatus previous, Collection<AgentSession> live,
            Collection<AgentIncident> incidents, Collection<PermissionPolicy> policies, Function<String, NamespaceInfo> namespaces,
            PolicyEngine engine, Instant now) {
        List<SessionRecord> records = records(previous.getSessions() == null ? List.of() : previous.getSessions(), live, now);
        EngineerStandingStatus status = new EngineerStandingStatus();
        status.setEngineer(engineer);
        status.setSessions(records.isEmpty() ? null : records);
        TrackRecord.History history = TrackRecords.history(incidents, status);

        TreeSet<String> names = new TreeSet<>();
        records.forEach(r -> names.add(r.getNamespace()));
        history.incidents().forEach(i -> names.add(i.namespace()));
        SessionRecord latest = records.stream().max(BY_START).orElse(null);
        // The engineer's newest session per namespace, once: the levels and the choice of listed namespaces read it.
        Map<String, SessionRecord> newestHere = records.stream()
                .collect(Collectors.toMap(SessionRecord::getNamespace, r -> r, BinaryOperator.maxBy(BY_START)));
        List<NamespaceStanding> standings = new ArrayList<>();
        List<Instant> lifted = new ArrayList<>();
        lifted.add(Rfc3339.parse(previous.getLiftedAt()));
        for (String name : names) {
            SessionRecord here = newestHere.getOrDefault(name, latest);
            Seniority level = here == null || here.getSeniority() == null ? Seniority.JUNIOR : here.getSeniority();
            NamespaceInfo ns = Objects.requireNonNullElse(namespaces.apply(name), new NamespaceInfo(name, Map.of()));
            String tier = engine.tierOf(ns) != null ? engine.tierOf(ns) : here != null && name.equals(here.getNamespace()) ? here.getTier() : null;
            TrackRecord.Standing evaluated = engine.standing(policies, ns, level, history, now);
            standings.add(namespaceStanding(name, tier, level, evaluated));
            lifted.add(evaluated == null ? null : evaluated.liftedAt());
        }
        List<NamespaceStanding> listed = listed(standings, newestHere);
        status.setNamespaces(listed.isEmpty() ? null : listed);
        status.setUnlistedNamespaces(standings.size() > listed.size() ? standings.size() - listed.size() : null);
        String escalated = standings.stream().filter(s -> Boolean.TRUE.equals(s.getEscalated()))
                .map(s -> s.getNamespace() + "=" + s.getLevel() + (s.getLevel() == Seniority.JUNIOR ? " (plan)" : ""))
                .collect(Collectors.joining(", "));
        status.setEscalated(escalated.isEmpty() ? null : escalated);
        status.setCleanSessions((int) history.ended().stream().filter(s -> TrackRecord.clean(s, history.incidents())).count());
        Instant liftedAt = lifted.stream().filter(Objects::nonNull).max(Comparator.naturalOrder()).orElse(null);
        status.setLiftedAt(liftedAt == null ? null : Rfc3339.format(liftedAt));
        return status;
    }

    /**
     * At most {@link #NAMESPACES_LISTED} of the standings, sorted by namespace: the escalated ones first (they are what
     * the status is read for, and when they lift), then the namespaces of the newest sessions. The Events and the
     * decisions do not depend on which are listed: the escalated ones always are, and sessions are decided from the
     * incidents and the session records.
     */
    private static List<NamespaceStanding> listed(List<NamespaceStanding> standings, Map<String, SessionRecord> newestHere) {
        if (standings.size() <= NAMESPACES_LISTED) {
            return standings;
        }
        Function<NamespaceStanding, Instant> newestSession = s -> {
            SessionRecord here = newestHere.get(s.getNamespace());
            return here == null ? Instant.MIN : Rfc3339.parse(here.getStartedAt());
        };
        return standings.stream()
                .sorted(Comparator.comparing((NamespaceStanding s) -> !Boolean.TRUE.equals(s.getEscalated()))
                        .thenComparing(newestSession, Comparator.reverseOrder()))
                .limit(NAMESPACES_LISTED).sorted(Comparator.comparing(NamespaceStanding::getNamespace)).toList();
    }

    /** When the escalations of a status next lift by quiet time (the instant to reconcile at), or null. */
    static Instant nextLift(EngineerStandingStatus status) {
        return status.getNamespaces() == null ? null : status.getNamespaces().stream().map(s -> Rfc3339.parse(s.getLiftsAt()))
                .filter(Objects::nonNull).min(Comparator.naturalOrder()).orElse(null);
    }

    private static NamespaceStanding namespaceStanding(String name, String tier, Seniority level, TrackRecord.Standing standing) {
        NamespaceStanding out = new NamespaceStanding();
        out.setNamespace(name);
        out.setTier(tier);
        out.setSeniority(level);
        if (standing == null) {
            out.setLevel(level);
            out.setEscalated(false);
            out.setReason("no PermissionPolicy governing " + name + " sets seniority.escalation: incidents here change nothing");
            return out;
        }
        out.setLevel(standing.level());
        out.setEscalated(standing.escalated());
        out.setIncidents(standing.triggers().isEmpty() ? null : standing.triggers().stream().map(TrackRecord.Incident::name).toList());
        out.setSince(standing.since() == null ? null : Rfc3339.format(standing.since()));
        out.setCleanSessions(standing.escalated() ? standing.cleanSessions() : null);
        out.setCleanSessionsNeeded(standing.cleanSessionsNeeded());
        out.setLiftsAt(standing.liftsAt() == null ? null : Rfc3339.format(standing.liftsAt()));
        out.setReason(standing.reason());
        return out;
    }

    private static boolean ran(AgentSession session) {
        SessionPhase phase = session.getStatus() == null ? null : session.getStatus().getPhase();
        return phase == SessionPhase.ADMITTED || phase == SessionPhase.DOWNGRADED || phase == SessionPhase.EXPIRED;
    }

    private static SessionRecord recordOf(AgentSession session, Instant now) {
        SessionRecord record = new SessionRecord();
        record.setUid(session.getMetadata().getUid());
        record.setNamespace(session.getMetadata().getNamespace());
        record.setName(session.getMetadata().getName());
        record.setStartedAt(session.getMetadata().getCreationTimestamp());
        Seniority from = session.getStatus().getEscalatedFrom();
        return copy(record, session.getStatus().getTier(), from != null ? from : session.getStatus().getSeniority(),
                session.getStatus().getPhase() == SessionPhase.EXPIRED ? Rfc3339.format(now) : null);
    }

    private static SessionRecord copy(SessionRecord from, String tier, Seniority seniority, String endedAt) {
        SessionRecord record = new SessionRecord();
        record.setUid(from.getUid());
        record.setNamespace(from.getNamespace());
        record.setName(from.getName());
        record.setStartedAt(from.getStartedAt());
        record.setTier(tier);
        record.setSeniority(seniority);
        record.setEndedAt(endedAt);
        return record;
    }
}
