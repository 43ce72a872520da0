package dev.pixelwise.work;

import dev.pixelwise.imaging.DecodedImage;
import dev.pixelwise.imaging.ImageDecoder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CancellationException;
import java.util.regex.Pattern;

/** What a running task sees of its job: the upload, progress, cancellation and its output folder. */
public final class JobContext {

    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    private final Job job;
    private final Path input;
    private final ImageDecoder decoder;
    private final StageTimings timings;
    private DecodedImage image;

    JobContext(Job job, Path input, ImageDecoder decoder, StageTimings timings) {
        this.job = job;
        this.input = input;
        this.decoder = decoder;
        this.timings = timings;
    }

    /** The job's stage times: its result's {@code timingsMs}, and the stage metric. */
    public StageTimings timings() {
        return timings;
    }

    public String jobId() {
        return job.id();
    }

    /**
     * The upload, decoded once, upright and in sRGB. An animation decodes to its first frame, and the job
     * says so in its notes: every task that takes the image gets that note, so none uses a frame silently.
     */
    public DecodedImage image() {
        if (image == null) {
            stage("decode");
            image = decoder.decode(input);
            if (image.info().animated()) {
                note("The " + image.info().format() + " is animated (" + image.info().frames()
                        + " frames); this task used its first frame only.");
            }
            checkCancelled();
        }
        return image;
    }

    /** Adds a note for the user to the job (shown on its page and in its JSON). */
    public void note(String text) {
        job.addNote(text);
    }

    /** The upload exactly as received. */
    public Path input() {
        return input;
    }

    public long inputBytes() {
        try {
            return Files.size(input);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reports progress 0..1 and gives cancellation a chance to stop the job. */
    public void progress(double fraction) {
        checkCancelled();
        job.progress(fraction, null);
    }

    /** Reports progress and names the step now running in one change (one event for the page). */
    public void progress(double fraction, String stage) {
        checkCancelled();
        job.progress(fraction, stage);
    }

    /** Names the step now running (shown on the page), and checks for cancellation. */
    public void stage(String name) {
        checkCancelled();
        job.progress(job.progress(), name);
    }

    /** True once the job was cancelled or timed out; for engines that poll instead of throwing. */
    public boolean cancelled() {
        return job.cancelRequested() || job.status().terminal() || Thread.currentThread().isInterrupted();
    }

    /** Throws {@link CancellationException} once the job was cancelled or timed out. */
    public void checkCancelled() {
        if (cancelled()) {
            throw new CancellationException("job " + job.id() + " was stopped");
        }
    }

    /** A path in the job's folder for a produced file, registered so it can be downloaded. */
    public Path output(String name) {
        if (!FILE_NAME.matcher(name).matches() || name.equals(JobService.INPUT_FILE)) {
            throw new IllegalArgumentException("bad output file name: " + name);
        }
        job.addFile(name);
        return job.dir().resolve(name);
    }
}
