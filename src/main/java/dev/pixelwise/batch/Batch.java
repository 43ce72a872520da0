package dev.pixelwise.batch;

import dev.pixelwise.problem.Problem;
import dev.pixelwise.work.Job;
import dev.pixelwise.work.JobStatus;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * Many images, one task, one setting. Each image becomes a normal job (a child) when the batch
 * feeds it to the queue; until then its upload waits in the batch's folder. Only the feeder
 * thread of {@link BatchService} changes a batch; readers see volatile fields.
 */
final class Batch {

    final String id;
    final String task;
    /** The options every child gets (after a shared palette is found, with it). */
    volatile Map<String, String> options;
    final boolean sharedPalette;
    final Instant createdAt;
    final Path dir;
    /** Who sent it (the API key's owner id, else the client address): the window is per client. */
    final String client;
    final List<Entry> entries;
    /** Told with the batch as it is and the image that ended (null: the batch ended). */
    final List<BiConsumer<BatchView, Entry>> listeners = new CopyOnWriteArrayList<>();
    volatile boolean cancelled;
    volatile Instant finishedAt;
    /** The shared palette's colours, once found. */
    volatile String palette;
    /** Set while the shared palette is being found; no child is fed before it. */
    volatile boolean paletteDone;

    Batch(String id, String task, Map<String, String> options, boolean sharedPalette, Instant createdAt, Path dir,
          List<Entry> entries, String client) {
        this.id = id;
        this.client = client;
        this.task = task;
        this.options = Map.copyOf(options);
        this.sharedPalette = sharedPalette;
        this.paletteDone = !sharedPalette;
        this.createdAt = createdAt;
        this.dir = dir;
        this.entries = List.copyOf(entries);
    }

    boolean finished() {
        return finishedAt != null;
    }

    long inFlight() {
        return entries.stream().filter(e -> e.jobId != null && !e.status.terminal()).count();
    }

    /** One image of the batch. */
    static final class Entry {
        final int index;
        final String name;
        final long bytes;
        /** The upload while it waits to be fed; null once a job holds it (or it was refused). */
        volatile Path upload;
        volatile String jobId;
        volatile JobStatus status = JobStatus.QUEUED;
        volatile double progress;
        volatile String summary;
        volatile Problem error;
        volatile List<String> files = List.of();
        /** See {@link BatchView.Child#outputBytes}; the result itself stays with the job. */
        volatile Long outputBytes;

        Entry(int index, String name, long bytes, Path upload) {
            this.index = index;
            this.name = name;
            this.bytes = bytes;
            this.upload = upload;
        }

        /** The child ended (or was refused before it became a job). */
        void ended(JobStatus status, Problem error, List<String> files, Long outputBytes, String summary) {
            this.status = status;
            this.error = error;
            this.files = files;
            this.outputBytes = outputBytes;
            this.summary = summary;
            this.progress = status == JobStatus.SUCCEEDED ? 1 : progress;
            this.upload = null;
        }

        void update(Job job) {
            if (!status.terminal()) {
                status = job.status().terminal() ? status : job.status();
                progress = job.progress();
            }
        }
    }
}
