package io.agentpolicy.cli;

import java.time.Instant;

import io.agentpolicy.api.ApiConstants;
import io.agentpolicy.api.Rfc3339;
import io.agentpolicy.engine.EngineConfig;
import io.agentpolicy.engine.PolicyEngine;
import picocli.CommandLine.Option;

/** The operator settings the engine needs (as in the operator's configuration), and the moment to evaluate at. */
final class EngineOptions {

    @Option(names = "--tier-label", paramLabel = "KEY", defaultValue = ApiConstants.DEFAULT_TIER_LABEL,
            description = "Namespace label holding the tier, as the operator's agentpolicy.tier-label (default: ${DEFAULT-VALUE}).")
    String tierLabel;

    @Option(names = "--unclassified-tier", paramLabel = "TIER", defaultValue = "1",
            description = "Tier that decides sessions in namespaces without the tier label, as the operator's "
                    + "agentpolicy.unclassified-tier (default: ${DEFAULT-VALUE}).")
    String unclassifiedTier;

    @Option(names = "--now", paramLabel = "TIME",
            description = "Evaluate at this instant (RFC 3339, UTC like 2026-11-21T10:00:00Z) instead of the current time; "
                    + "emergency overrides and session expiry depend on it.")
    String now;

    EngineConfig config() {
        return new EngineConfig(tierLabel, unclassifiedTier);
    }

    PolicyEngine engine() {
        return new PolicyEngine(config());
    }

    Instant now() throws UsageException {
        return parseInstant(now, "--now");
    }

    /** An RFC 3339 instant, the current time when absent. */
    static Instant parseInstant(String text, String what) throws UsageException {
        if (text == null) {
            return Instant.now();
        }
        Instant instant = Rfc3339.parse(text);
        if (instant == null) {
            throw new UsageException(what + " \"" + text + "\" is not an RFC 3339 timestamp; write e.g. 2026-11-21T10:00:00Z");
        }
        return instant;
    }
}
