package dev.pixelwise.work;

import dev.pixelwise.problem.Problem;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * One unit of work for any task. State changes go through the synchronized transition methods;
 * listeners (the event stream) are told after each change.
 */
public final class Job {

    private final String id;
    private final String task;
    private final Instant createdAt;
    private final Path dir;
    private final List<String> files = new CopyOnWriteArrayList<>();
    private final List<String> notes = new CopyOnWriteArrayList<>();
    private final List<Consumer<Job>> listeners = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Job> done = new CompletableFuture<>();

    private volatile JobStatus status = JobStatus.QUEUED;
    private volatile double progress;
    private volatile String stage;
    private volatile Instant startedAt;
    private volatile Instant finishedAt;
    private volatile Object result;
    private volatile Problem error;
    private volatile boolean cancelRequested;
    private volatile Thread runner;
    private volatile String worker;
    private volatile int attempts;

    Job(String id, String task, Instant createdAt, Path dir) {
        this.id = id;
        this.task = task;
        this.createdAt = createdAt;
        this.dir = dir;
    }

    public String id() { return id; }
    public String task() { return task; }
    public Instant createdAt() { return createdAt; }
    public Instant startedAt() { return startedAt; }
    public Instant finishedAt() { return finishedAt; }
    public JobStatus status() { return status; }
    public double progress() { return progress; }
    public String stage() { return stage; }
    public Object result() { return result; }
    public Problem error() { return error; }
    public List<String> files() { return List.copyOf(files); }
    /** What the task wants the user to know about how it treated the upload (e.g. only an animation's first frame). */
    public List<String> notes() { return List.copyOf(notes); }
    public Path dir() { return dir; }
    /** The node that ran (or runs) the job; null until a worker takes it. */
    public String worker() { return worker; }
    /** How many times a worker started the job (more than one after a worker died). */
    public int attempts() { return attempts; }
    boolean cancelRequested() { return cancelRequested; }

    /** Completes when the job reaches a terminal status. */
    public CompletableFuture<Job> done() {
        return done;
    }

    public void addListener(Consumer<Job> listener) {
        listeners.add(listener);
    }

    public void removeListener(Consumer<Job> listener) {
        listeners.remove(listener);
    }

    /** A read-only copy of a job whose state lives elsewhere (another node's, in Redis). */
    static Job restore(String id, String task, Instant createdAt, JobStatus status, double progress, String stage,
                       Instant startedAt, Instant finishedAt, Object result, Problem error, List<String> files,
                       List<String> notes, String worker, int attempts) {
        Job job = new Job(id, task, createdAt, null);
        job.status = status;
        job.progress = progress;
        job.stage = stage;
        job.startedAt = startedAt;
        job.finishedAt = finishedAt;
        job.result = result;
        job.error = error;
        job.files.addAll(files);
        job.notes.addAll(notes);
        job.worker = worker;
        job.attempts = attempts;
        if (status.terminal()) {
            job.done.complete(job);
        }
        return job;
    }

    synchronized boolean start(Instant now, String node, int attempt) {
        if (status != JobStatus.QUEUED) {
            return false;
        }
        status = JobStatus.RUNNING;
        worker = node;
        attempts = attempt;
        startedAt = now;
        runner = Thread.currentThread();
        notifyListeners();
        return true;
    }

    void progress(double value, String stageName) {
        double clamped = Math.max(0, Math.min(1, value));
        if (clamped != progress || (stageName != null && !stageName.equals(stage))) {
            progress = clamped;
            if (stageName != null) {
                stage = stageName;
            }
            notifyListeners();
        }
    }

    void addNote(String note) {
        if (!notes.contains(note)) {
            notes.add(note);
        }
    }

    void addFile(String name) {
        if (!files.contains(name)) {
            files.add(name);
        }
    }

    synchronized boolean succeed(Object value, Instant now) {
        if (status.terminal()) {
            return false;
        }
        result = value;
        progress = 1;
        return finish(JobStatus.SUCCEEDED, now);
    }

    synchronized boolean fail(Problem problem, Instant now) {
        if (status.terminal()) {
            return false;
        }
        error = problem;
        return finish(JobStatus.FAILED, now);
    }

    /** Fails a running job from outside (time limit) and interrupts its thread. */
    synchronized boolean stop(Problem problem, Instant now) {
        if (!interruptUnlessEnded()) {
            return false;
        }
        error = problem;
        return finish(JobStatus.FAILED, now);
    }

    /** Marks the job cancelled; a running job's thread is interrupted so it stops at its next check. */
    synchronized boolean cancel(Instant now) {
        return interruptUnlessEnded() && finish(JobStatus.CANCELLED, now);
    }

    /** Asks a job that has not ended to stop, interrupting its thread if one runs it; false if it had ended. */
    private boolean interruptUnlessEnded() {
        if (status.terminal()) {
            return false;
        }
        cancelRequested = true;
        Thread t = runner;
        if (t != null) {
            t.interrupt();
        }
        return true;
    }

    private boolean finish(JobStatus terminal, Instant now) {
        status = terminal;
        stage = null; // the last step's name would read as if it were still running
        finishedAt = now;
        runner = null;
        notifyListeners();
        done.complete(this);
        return true;
    }

    private void notifyListeners() {
        for (Consumer<Job> l : listeners) {
            l.accept(this);
        }
    }
}
