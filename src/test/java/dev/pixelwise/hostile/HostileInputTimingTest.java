package dev.pixelwise.hostile;

import dev.pixelwise.hostile.HostileCorpus.Sample;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static dev.pixelwise.hostile.HostileInputTest.TASKS;
import static dev.pixelwise.hostile.HostileInputTest.problemOf;
import static dev.pixelwise.hostile.HostileInputTest.send;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #8's budgets for the hostile corpus: each file refused within a second by every task, and
 * the heap where it was after the barrage. The app runs in this JVM, so its heap is the one
 * measured here. Wall-clock and heap readings depend on the machine, so this class is tagged
 * {@code timing}: {@code ./mvnw verify} leaves it out and {@code .ci/run} runs it apart and
 * reports it. {@link HostileInputTest} asserts that every file is refused.
 */
@QuarkusTest
@Tag("timing")
class HostileInputTimingTest {

    /** The limit for refusing a hostile file; generous, since most are refused at intake. */
    static final long REFUSE_WITHIN_MS = 1000;
    /** Room for JIT, class loading and caches that fill on first use; a leak per file would dwarf it. */
    static final long HEAP_MARGIN_BYTES = 64L << 20;

    @BeforeEach
    void warmUp() {
        HostileInputTest.warmUpOnce(); // first requests load models and classes; not what is measured here
    }

    @Test
    void everyHostileFileIsRefusedWithinASecondAndTheHeapStaysPut() {
        List<Sample> hostile = HostileCorpus.refused();
        long heapBefore = usedHeapAfterGc();
        long start = System.nanoTime();
        long slowest = 0;
        String slowestCase = "";
        List<String> failures = new ArrayList<>();
        for (Sample sample : hostile) {
            for (String task : TASKS) {
                // Best of two, so one pause of a busy 2-core machine is not taken for slow handling.
                long best = Long.MAX_VALUE;
                for (int attempt = 0; attempt < 2 && best >= REFUSE_WITHIN_MS; attempt++) {
                    long t0 = System.nanoTime();
                    String problem = problemOf(send(task, sample.name(), sample.bytes(), null));
                    best = Math.min(best, (System.nanoTime() - t0) / 1_000_000);
                    if (problem != null) {
                        failures.add(task + " " + sample + ": " + problem);
                        break;
                    }
                }
                if (best >= REFUSE_WITHIN_MS) {
                    failures.add(task + " " + sample + ": took " + best + " ms");
                }
                if (best > slowest) {
                    slowest = best;
                    slowestCase = task + " " + sample.name();
                }
            }
        }
        long heapAfter = usedHeapAfterGc();
        System.out.printf(Locale.ROOT, "timing: hostile corpus, %d files × %d tasks in %d ms; slowest %d ms (%s); heap %d → %d MB%n",
                hostile.size(), TASKS.size(), (System.nanoTime() - start) / 1_000_000, slowest, slowestCase,
                heapBefore >> 20, heapAfter >> 20);
        assertTrue(failures.isEmpty(), failures.size() + " failures:\n" + String.join("\n", failures));
        HostileInputTest.everyWorkerIsAliveAndEveryTaskWorks();
        assertTrue(heapAfter - heapBefore < HEAP_MARGIN_BYTES,
                "heap grew from " + (heapBefore >> 20) + " to " + (heapAfter >> 20) + " MB");
    }

    /** Used heap after a few full collections: the least of several readings, so a late allocation does not count. */
    static long usedHeapAfterGc() {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            try {
                Thread.sleep(100); // a pause between readings, for reference processing after the collection
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            least = Math.min(least, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return least;
    }
}
