package dev.pixelwise.zoo;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelThreadTest {

    @Test
    void runsElsewhereAndNestedCallsRunInPlace() {
        assertFalse(ModelThread.current());
        String name = ModelThread.call(() -> ModelThread.call(() -> Thread.currentThread().getName()));
        assertTrue(name.startsWith("pixelwise-nd4j"), name);
    }

    @Test
    void failuresReachTheCallerAsThrown() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelThread.call(() -> { throw new IllegalArgumentException("bad shape"); }));
        assertEquals("bad shape", e.getMessage());
        assertThrows(OutOfMemoryError.class, () -> ModelThread.call(() -> { throw new OutOfMemoryError("native"); }));
        UncheckedIOException io = assertThrows(UncheckedIOException.class,
                () -> ModelThread.call(() -> { throw new IOException("not a graph file"); }));
        assertInstanceOf(IOException.class, io.getCause());
    }

    @Test
    void anInterruptedCallerIsCancelledAndTheThreadServesTheNextCall() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Throwable> seen = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                ModelThread.run(() -> {
                    started.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            } catch (Throwable t) {
                seen.set(t);
            }
        });
        caller.start();
        started.await();
        caller.interrupt(); // a cancelled job
        caller.join(10_000);
        assertInstanceOf(CancellationException.class, seen.get());
        release.countDown();
        assertEquals(42, ModelThread.call(() -> 42));
    }
}
