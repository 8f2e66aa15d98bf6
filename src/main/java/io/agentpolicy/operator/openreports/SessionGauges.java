package io.agentpolicy.operator.openreports;

import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.agentpolicy.api.AgentSession;
import io.agentpolicy.api.AgentSessionStatus;
import io.agentpolicy.operator.cache.Bounded;
import io.agentpolicy.operator.session.AuditTrail;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Gauges of the sessions there are now, read from the session cache at scrape time: agentpolicy_sessions{phase, mode,
 * tier} and agentpolicy_pods_noncompliant{tier}. A series appears with the first session of its labels and stays
 * (at 0 once none is left), so a dashboard shows a drop to zero rather than a gap.
 */
@ApplicationScoped
public class SessionGauges {
    /** Label sets are few (6 phases x 7 modes x the tiers in use); the bound only guards against a flood of tiers. */
    private final Set<List<String>> registered = Bounded.set(10_000);
    private volatile Supplier<Stream<AgentSession>> sessions = Stream::empty;

    @Inject
    MeterRegistry registry;

    /** The cache the gauges read. */
    public void readFrom(Supplier<Stream<AgentSession>> cache) {
        this.sessions = cache;
    }

    /** Makes sure the session's label sets have their series. */
    public void observe(AgentSession session) {
        AgentSessionStatus status = session.getStatus();
        if (status == null || status.getPhase() == null) {
            return;
        }
        String phase = status.getPhase().value();
        String mode = modeOf(status);
        String tier = String.valueOf(status.getTier());
        if (registered.add(List.of(phase, mode, tier))) {
            Gauge.builder("agentpolicy.sessions", () -> count(s -> phase.equals(s.getPhase().value()) && mode.equals(modeOf(s))
                    && tier.equals(String.valueOf(s.getTier()))))
                    .description("AgentSessions by phase, effective mode and tier").tags("phase", phase, "mode", mode, "tier", tier)
                    .register(registry);
        }
        if (registered.add(List.of(tier))) {
            Gauge.builder("agentpolicy.pods.noncompliant", () -> decided()
                    .filter(s -> tier.equals(String.valueOf(s.getTier())) && s.getPods() != null && s.getPods().getNonCompliant() != null)
                    .mapToInt(s -> s.getPods().getNonCompliant()).sum())
                    .description("Agent pods that break their session's settings, by tier").tags("tier", tier).register(registry);
        }
    }

    private long count(Predicate<AgentSessionStatus> matching) {
        return decided().filter(matching).count();
    }

    private Stream<AgentSessionStatus> decided() {
        return sessions.get().map(AgentSession::getStatus).filter(s -> s != null && s.getPhase() != null);
    }

    private static String modeOf(AgentSessionStatus status) {
        return status.getEffectiveMode() == null ? AuditTrail.NO_MODE : status.getEffectiveMode().value();
    }
}
