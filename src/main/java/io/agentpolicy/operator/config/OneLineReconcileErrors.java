package io.agentpolicy.operator.config;

import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.jboss.logmanager.ExtLogRecord;

import io.quarkus.logging.LoggingFilter;

/**
 * One line per failed reconcile instead of a stack trace: the framework logs every failed attempt with its
 * exception, about fifty 60-line traces per 20 s while the API server is unreachable, which buries what matters.
 * The line keeps the resource, the exception and its root cause; DEBUG on the category brings the traces back.
 */
@LoggingFilter(name = OneLineReconcileErrors.NAME)
public final class OneLineReconcileErrors implements Filter {
    public static final String NAME = "one-line-reconcile-errors";
    static final String FRAMEWORK = "io.javaoperatorsdk.operator.processing";

    @Override
    public boolean isLoggable(LogRecord record) {
        Throwable thrown = record.getThrown();
        if (thrown != null && record.getLoggerName() != null && record.getLoggerName().startsWith(FRAMEWORK)
                && record.getLevel().intValue() > Level.FINE.intValue()) {
            if (record instanceof ExtLogRecord ext) {
                ext.setMessage(ext.getFormattedMessage() + ": " + summary(thrown), ExtLogRecord.FormatStyle.NO_FORMAT);
            } else {
                record.setMessage(record.getMessage() + ": " + summary(thrown));
            }
            record.setParameters(null);
            record.setThrown(null);
        }
        return true;
    }

    /** "KubernetesClientException: Failure executing: PATCH ... (cause: ConnectException: Connection refused)". */
    static String summary(Throwable thrown) {
        Throwable root = thrown;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String first = thrown.getClass().getSimpleName() + ": " + firstLine(thrown.getMessage());
        return root == thrown ? first : first + " (cause: " + root.getClass().getSimpleName() + ": " + firstLine(root.getMessage()) + ")";
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
