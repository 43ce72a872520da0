package dev.pixelwise.classify;

import dev.pixelwise.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchingClassifierTest {

    private static final long AN_HOUR = TimeUnit.HOURS.toMillis(1);
    private final List<Integer> batches = new CopyOnWriteArrayList<>();
    /** "Inference": each image's sum, so results can be told apart. */
    private final BatchingClassifier classifier = new BatchingClassifier("test", images -> {
        float[][] out = new float[images.length][];
        for (int i = 0; i < images.length; i++) {
            float sum = 0;
            for (float v : images[i]) {
                sum += v;
            }
            out[i] = new float[]{sum};
        }
        return out;
    }, 8, AN_HOUR, batches::add);

    @AfterEach
    void close() {
        classifier.close();
    }

    @Test
    void aLoneRequestDoesNotWaitForCompanyThatIsNotComing() throws Exception {
        // The delay is an hour: finishing at all proves the request did not sit it out.
        float[][] out = classifier.submit(new float[][]{{1, 2}}).get(30, TimeUnit.SECONDS);
        assertArrayEquals(new float[]{3}, out[0]);
        assertEquals(List.of(1), batches);
    }

    /** Nothing to merge with: the caller runs the pass itself, and the result is there when submit returns. */
    @Test
    void aLoneRequestRunsOnItsCallersThread() throws Exception {
        List<Thread> ran = new CopyOnWriteArrayList<>();
        try (BatchingClassifier own = new BatchingClassifier("own", images -> {
            ran.add(Thread.currentThread());
            return images;
        }, 8, AN_HOUR, batches::add)) {
            CompletableFuture<float[][]> done = own.submit(new float[][]{{4}});
            assertTrue(done.isDone(), "done when submit returns");
            assertArrayEquals(new float[]{4}, done.get()[0]);
            assertEquals(List.of(Thread.currentThread()), ran);
            BatchingClassifier.Announcement coming = own.announce(); // company on its way: the batch thread waits for it
            CompletableFuture<float[][]> first = own.submit(new float[][]{{5}});
            assertFalse(first.isDone());
            CompletableFuture<float[][]> second = own.submit(new float[][]{{6}});
            coming.close();
            assertArrayEquals(new float[]{6}, second.get(30, TimeUnit.SECONDS)[0]);
            assertArrayEquals(new float[]{5}, first.get(30, TimeUnit.SECONDS)[0]);
            assertEquals(List.of(1, 2), batches, "the lone one, then both in one pass");
            assertTrue(ran.get(1) != Thread.currentThread(), "the batch ran on the batch thread");
        }
    }

    @Test
    void anAnnouncedRequestJoinsTheBatchBeingFormed() throws Exception {
        BatchingClassifier.Announcement second = classifier.announce();
        CompletableFuture<float[][]> a = classifier.submit(new float[][]{{1}});
        awaitTaken();
        assertFalse(a.isDone(), "holds the first request and waits for the announced one (the delay is an hour)");
        CompletableFuture<float[][]> b = classifier.submit(new float[][]{{2}, {3}});
        second.close();
        assertArrayEquals(new float[]{1}, a.get(30, TimeUnit.SECONDS)[0]);
        assertArrayEquals(new float[]{3}, b.get(30, TimeUnit.SECONDS)[1]);
        assertEquals(List.of(3), batches, "one forward pass for both");
    }

    @Test
    void aWithdrawnAnnouncementEndsTheWait() throws Exception {
        BatchingClassifier.Announcement abandoned = classifier.announce();
        CompletableFuture<float[][]> a = classifier.submit(new float[][]{{5}});
        awaitTaken();
        assertFalse(a.isDone(), "waits while the announcement stands");
        abandoned.close();
        abandoned.close(); // twice is once
        assertArrayEquals(new float[]{5}, a.get(30, TimeUnit.SECONDS)[0]);
        assertEquals(List.of(1), batches);
    }

    /** Until the batch thread has taken what was submitted: from then on it either waits or runs the batch. */
    private void awaitTaken() {
        Poll.until("the batch thread to take the submitted request", Duration.ofSeconds(30), () -> classifier.queued() == 0);
    }
}
