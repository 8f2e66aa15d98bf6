package io.agentpolicy.cli;

import java.nio.file.Path;

/**
 * The CLI cannot do what it was asked with what it was given: a bad option, a missing, unreadable or oversized
 * file, inputs holding nothing to work on, a malformed test file. Reported as one line "error: message", exit 2.
 */
final class UsageException extends Exception {

    UsageException(String message) {
        super(message, null, false, false); // a user-facing message, never a stack trace
    }

    /** "path: problem". */
    static UsageException about(Path file, String problem) {
        return new UsageException(file + ": " + problem);
    }
}
