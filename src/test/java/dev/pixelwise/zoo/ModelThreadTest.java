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
    void wakeRunsOnlyWhenTheModelThreadIsIdleAndNeverBlocks() throws Exception {
        ModelThread.run(() -> { }); // the model thread up, ND4J not needed
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread busy = new Thread(() -> ModelThread.run(() -> {
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        busy.start();
        started.await();
        assertEquals(1, ModelThread.pending());
        ModelThread.wake(); // busy: its OpenMP threads are awake already, nothing is queued behind the work
        assertEquals(1, ModelThread.pending());
        release.countDown();
        busy.join();
        // on the model thread itself: nothing queued (the call running is the one pending), no deadlock
        assertEquals(1, (int) ModelThread.call(() -> {
            ModelThread.wake();
            return ModelThread.pending();
        }));
        // idle: the no-op is queued to the model thread (a parallel ND4J op) and finishes; the thread serves the next call
        ModelThread.wake();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (ModelThread.pending() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(0, ModelThread.pending());
        assertEquals("ok", ModelThread.call(() -> "ok"));
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
