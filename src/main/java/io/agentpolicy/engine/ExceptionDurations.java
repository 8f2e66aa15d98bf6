package io.agentpolicy.engine;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.agentpolicy.api.Exceptions;

/** Reads exceptions.maxDuration (e.g. 8h, 1h30m, 90m), the subset of Go durations its CRD pattern admits. */
public final class ExceptionDurations {
    /** The longest an exception may last (the CRD's CEL rule says the same). */
    public static final Duration MAX = Duration.ofHours(24);

    private static final Pattern FORMAT = Pattern.compile(Exceptions.DURATION_PATTERN);

    private ExceptionDurations() {
    }

    /** The duration, or null when the text is not one of the accepted forms, is zero or exceeds 24 hours. */
    public static Duration parse(String text) {
        Duration duration = hoursMinutesSeconds(FORMAT, text);
        return duration == null || duration.compareTo(MAX) > 0 ? null : duration;
    }

    /** A duration written as hours, minutes and seconds (groups 1 to 3 of format), or null when absent, malformed or zero. */
    static Duration hoursMinutesSeconds(Pattern format, String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        Matcher m = format.matcher(text);
        if (!m.matches()) {
            return null;
        }
        Duration duration = Duration.ofHours(part(m.group(1))).plusMinutes(part(m.group(2))).plusSeconds(part(m.group(3)));
        return duration.isZero() ? null : duration;
    }

    private static long part(String group) {
        return group == null ? 0 : Long.parseLong(group.substring(0, group.length() - 1));
    }
}
