package dev.pixelwise.api;

import org.junit.jupiter.api.Test;

import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AbortedUploadLogFilterTest {

    private static LogRecord error(Throwable t) {
        LogRecord r = new LogRecord(Level.SEVERE, "Uncaught exception received by Vert.x");
        r.setThrown(t);
        return r;
    }

    private static IllegalStateException closed(String method) {
        IllegalStateException e = new IllegalStateException("File handle is closed");
        e.setStackTrace(new StackTraceElement[]{
                new StackTraceElement("io.vertx.core.file.impl.AsyncFileImpl", "checkClosed", "AsyncFileImpl.java", 550),
                new StackTraceElement("io.vertx.core.http.impl.HttpServerFileUploadImpl", method, "HttpServerFileUploadImpl.java", 225)});
        return e;
    }

    @Test
    void dropsOnlyTheUploadCleanupRace() {
        AbortedUploadLogFilter filter = new AbortedUploadLogFilter();
        assertFalse(filter.isLoggable(error(closed("cancelStreamToFileSystem"))));
        assertTrue(filter.isLoggable(error(closed("write"))), "the same message elsewhere is a real error");
        assertTrue(filter.isLoggable(error(new IllegalStateException("boom"))));
        assertTrue(filter.isLoggable(new LogRecord(Level.INFO, "no exception")));
    }
}
