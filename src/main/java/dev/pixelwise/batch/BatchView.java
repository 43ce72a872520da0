package dev.pixelwise.batch;

import dev.pixelwise.problem.Problem;
import dev.pixelwise.work.JobStatus;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A batch as the API answers it: counts, and one line per image with its child job (null until the
 * image is queued, and for an image refused before it became a job).
 *
 * @param status {@code queued} (nothing started), {@code running}, {@code finished} (every child ended) or
 *               {@code cancelled}
 * @param done   children that ended, whichever way
 */
public record BatchView(String id, String task, String status, int total, int done, int succeeded, int failed,
                        int cancelled, Instant createdAt, Instant finishedAt, Map<String, String> options,
                        boolean sharedPalette, String palette, List<Child> jobs, Map<String, String> links) {

    /**
     * One image of the batch.
     *
     * @param id      the child job, as GET /api/v1/jobs/{id} shows it
     * @param summary     one line of its result: the bytes saved, the top label, the output size
     * @param outputBytes the bytes of the file the summary names (quantize), else null
     */
    public record Child(int index, String name, long bytes, String id, JobStatus status, double progress,
                        String summary, Long outputBytes, Problem error, List<String> files) {
    }

    /** What the event stream sends when a child ends. */
    public record ChildEvent(String batch, String status, int total, int done, int succeeded, int failed,
                             int cancelled, Child child) {
    }

    static BatchView of(Batch b) {
        List<Child> children = b.entries.stream().map(BatchView::child).toList();
        int succeeded = 0, failed = 0, cancelled = 0;
        boolean started = false;
        for (Child c : children) {
            switch (c.status()) {
                case SUCCEEDED -> succeeded++;
                case FAILED -> failed++;
                case CANCELLED -> cancelled++;
                default -> { }
            }
            started |= c.status() != JobStatus.QUEUED;
        }
        String status = b.finished() ? (b.cancelled ? "cancelled" : "finished") : started ? "running" : "queued";
        String self = "/api/v1/batches/" + b.id;
        return new BatchView(b.id, b.task, status, children.size(), succeeded + failed + cancelled, succeeded, failed,
                cancelled, b.createdAt, b.finishedAt, b.options, b.sharedPalette, b.palette, children,
                Map.of("self", self, "events", self + "/events", "archive", self + "/archive"));
    }

    static Child child(Batch.Entry e) {
        return new Child(e.index, e.name, e.bytes, e.jobId, e.status, e.progress, e.summary,
                e.outputBytes, e.error, e.files);
    }

    ChildEvent event(Child child) {
        return new ChildEvent(id, status, total, done, succeeded, failed, cancelled, child);
    }
}
