package dev.pixelwise.work;

import dev.pixelwise.Poll;
import dev.pixelwise.problem.AppException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pool's order and limits, without Quarkus: plain work items on a real pool. */
class WorkerPoolSchedulingTest {

    private WorkerPool pool;

    private static JobsConfig config(int workers, int capacity, Map<String, Integer> taskWorkers) {
        return new JobsConfig() {
            public Optional<Integer> workers() { return Optional.of(workers); }
            public Map<String, Integer> taskWorkers() { return taskWorkers; }
            public Duration shutdownGrace() { return Duration.ofSeconds(1); }
            public int queueCapacity() { return capacity; }
            public boolean admissionLine() { return true; }
            public Duration timeout() { return Duration.ofMinutes(1); }
            public Map<String, Duration> taskTimeouts() { return Map.of(); }
            public Duration ttl() { return Duration.ofHours(1); }
            public Duration sweepInterval() { return Duration.ofMinutes(1); }
            public Path dataDir() { return Path.of("target"); }
        };
    }

    @AfterEach
    void stop() {
        if (pool != null) {
            pool.shutdown();
        }
    }

    @Test
    void shortJobsOvertakeLongOnesThatWaitBehindABusyWorker() throws Exception {
        pool = new WorkerPool(config(1, 16, Map.of()), new SimpleMeterRegistry());
        // teach the pool what each task costs
        runAndWait(new WorkerPool.Work("slow", false, () -> workFor(300)));
        runAndWait(new WorkerPool.Work("fast", false, () -> workFor(1)));

        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocking = new CountDownLatch(1);
        List<String> order = new CopyOnWriteArrayList<>();
        CountDownLatch all = new CountDownLatch(4);
        pool.submit(new WorkerPool.Work("blocker", false, () -> {
            blocking.countDown();
            await(release);
        }));
        assertTrue(blocking.await(10, TimeUnit.SECONDS), "the only worker took the blocker");
        for (String task : List.of("slow", "slow", "fast")) {
            pool.submit(new WorkerPool.Work(task, false, () -> {
                order.add(task);
                all.countDown();
            }));
        }
        all.countDown();
        release.countDown();
        assertTrue(all.await(10, TimeUnit.SECONDS));
        assertEquals("fast", order.get(0), "the short job went first: " + order);
    }

    @Test
    void aHeavyTaskLeavesAWorkerForTheOthers() throws Exception {
        pool = new WorkerPool(config(2, 16, Map.of()), new SimpleMeterRegistry());
        assertEquals(2, pool.workers() / Math.max(1, pool.devices().size()));
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch firstHeavyRunning = new CountDownLatch(1);
        CountDownLatch secondHeavyRan = new CountDownLatch(1);
        CountDownLatch lightRan = new CountDownLatch(1);
        pool.submit(new WorkerPool.Work("upscale", true, () -> {
            firstHeavyRunning.countDown();
            await(release);
        }));
        assertTrue(firstHeavyRunning.await(5, TimeUnit.SECONDS));
        pool.submit(new WorkerPool.Work("upscale", true, secondHeavyRan::countDown));
        pool.submit(new WorkerPool.Work("classify", false, lightRan::countDown));
        assertTrue(lightRan.await(5, TimeUnit.SECONDS), "the free worker took the light job");
        assertEquals(1, secondHeavyRan.getCount(), "the second heavy job waits although a worker is free");
        release.countDown();
        assertTrue(secondHeavyRan.await(5, TimeUnit.SECONDS), "and runs once the first is done");
    }

    @Test
    void configuredTaskLimitsAndAFullQueue() throws Exception {
        pool = new WorkerPool(config(2, 1, Map.of("quantize", 1)), new SimpleMeterRegistry());
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        pool.submit(new WorkerPool.Work("quantize", false, () -> {
            running.countDown();
            await(release);
        }));
        assertTrue(running.await(5, TimeUnit.SECONDS));
        pool.submit(new WorkerPool.Work("quantize", false, () -> { })); // waits: quantize may hold one worker
        AppException.QueueFull full = assertThrows(AppException.QueueFull.class,
                () -> pool.submit(new WorkerPool.Work("inspect", false, () -> { })));
        assertTrue(full.getMessage().contains("retry in about"), full.getMessage());
        assertTrue(pool.retryAfterSeconds() >= 1);
        release.countDown();
    }

    @Test
    void retryAfterFollowsTheMeasuredDrainRate() {
        DrainRate rate = new DrainRate(Duration.ofMinutes(1));
        assertEquals(7, rate.retryAfterSeconds(6.5), "no finishes yet: the fallback estimate");
        for (int i = 0; i < 50; i++) {
            rate.record();
        }
        assertEquals(1, rate.retryAfterSeconds(6.5), "fifty finishes just now: a slot frees within a second");
        DrainRate slow = new DrainRate(Duration.ofMinutes(1));
        for (int i = 0; i < 9; i++) {
            slow.recordRefusal();
        }
        assertEquals(20, slow.retryAfterSeconds(2.0), "nine clients refused just now wait for the same slots: (9 + 1) × 2 s");
    }

    /** A task's first run (model load, JIT) is replaced by its second, then runs blend in at 0.2. */
    @Test
    void theFirstRunOfATaskDoesNotLingerInItsMean() {
        pool = new WorkerPool(config(2, 16, Map.of()), new SimpleMeterRegistry());
        assertNull(pool.meanRunMillis("classify"));
        pool.recordRun("classify", 2000);
        assertEquals(2000, pool.meanRunMillis("classify"), 1e-9);
        pool.recordRun("classify", 50);
        assertEquals(50, pool.meanRunMillis("classify"), 1e-9, "the cold first run is gone");
        pool.recordRun("classify", 100);
        assertEquals(60, pool.meanRunMillis("classify"), 1e-9);
        assertEquals(0.030, pool.secondsPerSlot(), 1e-9, "60 ms over two workers");
    }

    private void runAndWait(WorkerPool.Work work) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        pool.submit(new WorkerPool.Work(work.task, work.heavy, () -> {
            work.body.run();
            done.countDown();
        }));
        assertTrue(done.await(10, TimeUnit.SECONDS));
        // The pool records the run time after the body returns, then frees the worker.
        Poll.until("the worker to be free again", Duration.ofSeconds(10), () -> pool.busy() == 0);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stands in for a task's work: the pool learns what a task costs from its measured run time. */
    private static void workFor(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
