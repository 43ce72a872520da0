package dev.pixelwise.imaging;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ComputedOnceTest {

    @Test
    void concurrentAskersShareOneComputation() throws Exception {
        ComputedOnce<Integer, String> once = new ComputedOnce<>();
        AtomicInteger made = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return once.get(7, k -> {
                        made.incrementAndGet();
                        return "value " + k;
                    });
                }));
            }
            start.countDown();
            String first = answers.get(0).get(10, TimeUnit.SECONDS);
            for (Future<String> f : answers) {
                assertSame(first, f.get(10, TimeUnit.SECONDS), "the one value, not a copy");
            }
            assertEquals(1, made.get());
            assertEquals(Map.of(7, "value 7"), once.done());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailureIsThrownAndForgotten() {
        ComputedOnce<String, Integer> once = new ComputedOnce<>();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> once.get("a", k -> {
            throw new IllegalStateException("interrupted");
        }));
        assertEquals("interrupted", e.getMessage());
        assertTrue(once.done().isEmpty());
        assertEquals(1, once.get("a", k -> 1), "a later ask tries again");
    }
}
