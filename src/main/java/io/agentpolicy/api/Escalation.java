package io.agentpolicy.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * What escalates an engineer one level lower in a namespace (AgentIncidents) and what lifts it again
 * (PermissionPolicy spec.seniority.escalation). A level without its trigger is never escalated.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Escalation {
    /** Hours, minutes and seconds, e.g. 720h or 2160h: a subset of Go durations that CEL's duration() reads too. */
    public static final String DURATION_PATTERN = "^([0-9]{1,5}h)?([0-9]{1,5}m)?([0-9]{1,6}s)?$";
    /** The longest window or quiet period: one year. */
    static final String MAX_DURATION = "8760h";
    static final String DURATION_BOUNDS = "duration(self) > duration('0s') && duration(self) <= duration('" + MAX_DURATION + "')";

    @JsonPropertyDescription("When a junior is escalated (capped at plan where escalated), e.g. {mistakes: 2, sameNamespace: true}.")
    private Junior junior;

    @JsonPropertyDescription("When a mid-level engineer is escalated to junior, e.g. {mistakes: 3, within: 720h}.")
    private Mid mid;

    @JsonPropertyDescription("When a senior is escalated to mid, e.g. {critical: 1}.")
    private Senior senior;

    @Required
    @JsonPropertyDescription("What lifts an escalation, e.g. {cleanSessions: 5, orQuietFor: 2160h}.")
    private Lift lift;

    /** Junior trigger: a number of incidents, in one namespace or anywhere. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Junior {
        @Required
        @Min(1)
        @Max(20)
        @JsonPropertyDescription("Incidents (any severity) that escalate a junior, 1 to 20.")
        private Integer mistakes;

        @JsonPropertyDescription("true: only incidents in the same namespace count together, and the junior is escalated "
                + "there only; false or absent: incidents anywhere count, and escalate in each namespace they occurred in.")
        private Boolean sameNamespace;

        public Integer getMistakes() {
            return mistakes;
        }

        public void setMistakes(Integer mistakes) {
            this.mistakes = mistakes;
        }

        public Boolean getSameNamespace() {
            return sameNamespace;
        }

        public void setSameNamespace(Boolean sameNamespace) {
            this.sameNamespace = sameNamespace;
        }
    }

    /** Mid trigger: a number of incidents within a sliding window. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Mid {
        @Required
        @Min(1)
        @Max(20)
        @JsonPropertyDescription("Incidents (any severity, any namespace) that escalate a mid-level engineer, 1 to 20.")
        private Integer mistakes;

        @Required
        @Size(min = 2, max = 24)
        @Pattern(DURATION_PATTERN)
        @ValidationRule(value = DURATION_BOUNDS, message = "escalation.mid.within must be more than 0s and at most 8760h, e.g. 720h")
        @JsonPropertyDescription("The window the incidents must fall in, e.g. 720h (30 days); at most 8760h.")
        private String within;

        public Integer getMistakes() {
            return mistakes;
        }

        public void setMistakes(Integer mistakes) {
            this.mistakes = mistakes;
        }

        public String getWithin() {
            return within;
        }

        public void setWithin(String within) {
            this.within = within;
        }
    }

    /** Senior trigger: a number of Critical incidents. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Senior {
        @Required
        @Min(1)
        @Max(20)
        @JsonPropertyDescription("Critical incidents in a namespace that escalate a senior there, 1 to 20.")
        private Integer critical;

        public Integer getCritical() {
            return critical;
        }

        public void setCritical(Integer critical) {
            this.critical = critical;
        }
    }

    /** What lifts an escalation: consecutive clean sessions, or a quiet period, whichever comes first. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "has(self.cleanSessions) || has(self.orQuietFor)",
            message = "escalation.lift needs cleanSessions, orQuietFor or both: an escalation must be able to end")
    public static class Lift {
        @Min(1)
        @Max(20)
        @JsonPropertyDescription("Consecutive clean sessions in the namespace that lift its escalation, 1 to 20. A clean "
                + "session ended (Expired or deleted) with no incident naming it or its engineer in its namespace while it ran.")
        private Integer cleanSessions;

        @Size(min = 2, max = 24)
        @Pattern(DURATION_PATTERN)
        @ValidationRule(value = DURATION_BOUNDS, message = "escalation.lift.orQuietFor must be more than 0s and at most 8760h, e.g. 2160h")
        @JsonPropertyDescription("Time without a new incident in the namespace after which the escalation lifts, e.g. 2160h "
                + "(90 days); at most 8760h.")
        private String orQuietFor;

        public Integer getCleanSessions() {
            return cleanSessions;
        }

        public void setCleanSessions(Integer cleanSessions) {
            this.cleanSessions = cleanSessions;
        }

        public String getOrQuietFor() {
            return orQuietFor;
        }

        public void setOrQuietFor(String orQuietFor) {
            this.orQuietFor = orQuietFor;
        }
    }

    public Junior getJunior() {
        return junior;
    }

    public void setJunior(Junior junior) {
        this.junior = junior;
    }

    public Mid getMid() {
        return mid;
    }

    public void setMid(Mid mid) {
        this.mid = mid;
    }

    public Senior getSenior() {
        return senior;
    }

    public void setSenior(Senior senior) {
        this.senior = senior;
    }

    public Lift getLift() {
        return lift;
    }

    public void setLift(Lift lift) {
        this.lift = lift;
    }
}
