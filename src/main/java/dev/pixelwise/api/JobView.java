package dev.pixelwise.api;

import dev.pixelwise.classify.ClassifyResult;
import dev.pixelwise.inspect.InspectTask;
import dev.pixelwise.problem.Problem;
import dev.pixelwise.quantize.QuantizeResult;
import dev.pixelwise.segment.SegmentResult;
import dev.pixelwise.superres.UpscaleResult;
import dev.pixelwise.work.Job;
import dev.pixelwise.work.JobStatus;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;

/**
 * The job JSON every endpoint answers with; {@code worker} is the node that ran it, {@code attempts} how often one
 * started it, {@code notes} what the task wants the user to know about how it treated the upload.
 */
public record JobView(String id, String task, JobStatus status, double progress, String stage, Instant createdAt,
                      Instant startedAt, Instant finishedAt,
                      // The task's own result type (the job's 'task' says which); each task's operation names its one.
                      @Schema(anyOf = {ClassifyResult.class, InspectTask.Result.class, QuantizeResult.class,
                              SegmentResult.class, UpscaleResult.class}) Object result, List<String> files, Problem error,
                      String worker, int attempts, List<String> notes) {

    /** Progress as a whole percent, for pages. */
    public int percent() {
        return (int) Math.round(progress * 100);
    }

    public static JobView of(Job job) {
        return new JobView(job.id(), job.task(), job.status(), job.progress(), job.stage(), job.createdAt(),
                job.startedAt(), job.finishedAt(), job.result(), job.files(), job.error(),
                job.worker(), job.attempts(), job.notes());
    }
}
