package io.agentpolicy.api;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Timestamps in the API are RFC 3339 strings; the CRD checks their shape, this class reads them. */
public final class Rfc3339 {
    /** Shape check used by the CRD schema (the operator still parses and reports impossible dates). */
    public static final String PATTERN =
            "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$";

    private Rfc3339() {
    }

    /** The instant, or null when the text is not a valid RFC 3339 timestamp. */
    public static Instant parse(String text) {
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    public static String format(Instant instant) {
        return instant.toString();
    }
}
