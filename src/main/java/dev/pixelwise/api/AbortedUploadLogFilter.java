package dev.pixelwise.api;

import io.quarkus.logging.LoggingFilter;

import java.util.logging.Filter;
import java.util.logging.LogRecord;

/**
 * Drops the one stack trace Vert.x logs at ERROR whenever a client hangs up in the middle of a
 * multipart upload: cleaning up the half-written upload file it calls {@code drainHandler} on the
 * file it has just closed ("File handle is closed", from {@code cancelStreamToFileSystem}). Nothing
 * of ours failed — the request is already gone — and a slow or cut upload per client is routine, so
 * 40 lines of stack trace per disconnect would bury real errors. Every other record passes.
 */
@LoggingFilter(name = "aborted-upload")
public final class AbortedUploadLogFilter implements Filter {

    @Override
    public boolean isLoggable(LogRecord record) {
        return !isAbortedUploadCleanup(record.getThrown());
    }

    static boolean isAbortedUploadCleanup(Throwable t) {
        if (!(t instanceof IllegalStateException) || !"File handle is closed".equals(t.getMessage())) {
            return false;
        }
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getMethodName().equals("cancelStreamToFileSystem")) {
                return true;
            }
        }
        return false;
    }
}
