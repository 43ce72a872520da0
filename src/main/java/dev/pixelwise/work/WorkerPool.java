package dev.pixelwise.work;

import dev.pixelwise.problem.AppException;
import dev.pixelwise.zoo.Devices;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Worker threads, one group per compute device, behind one bounded priority queue.
 * <p>
 * Order: the job expected to finish soonest goes first (per-task mean run time), minus the time
 * it has waited, so a burst of short jobs passes a long upscale without starving it. Each task
 * may hold at most its share of the workers; a heavy task (upscale) leaves one worker free for
 * the rest by default. A full queue is a retryable 429 whose wait comes from the measured rate
 * at which the queue drains.
 */
@ApplicationScoped
public class WorkerPool {

    private static final Logger LOG = Logger.getLogger(WorkerPool.class);

    /** A job waiting for, or held by, a worker. Identity matters: {@link #remove} finds it by reference. */
    public static final class Work {
        final String task;
        final boolean heavy;
        final Runnable body;
        final long enqueuedNanos = System.nanoTime();

        public Work(String task, boolean heavy, Runnable body) {
            this.task = task;
            this.heavy = heavy;
            this.body = body;
        }
    }

    private final JobsConfig config;
    private final MeterRegistry registry;
    private final int workersPerDevice;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<Work> waiting = new ArrayList<>();
    private final Map<String, Integer> running = new HashMap<>();
    private final Map<String, Double> meanRunMillis = new ConcurrentHashMap<>();
    private final Map<String, Integer> runsSeen = new ConcurrentHashMap<>();
    private final Map<String, Gauge> taskGauges = new ConcurrentHashMap<>();
    private final DrainRate drain = new DrainRate(Duration.ofMinutes(1));
    private final List<Thread> threads = new ArrayList<>();
    private List<Devices.Device> devices = List.of();
    private Map<Integer, AtomicInteger> busyByDevice = Map.of();
    private int busy;
    private boolean closing;

    public WorkerPool(JobsConfig config, MeterRegistry registry) {
        this.config = config;
        this.registry = registry;
        this.workersPerDevice = config.workers().orElse(Runtime.getRuntime().availableProcessors());
        if (workersPerDevice < 1 || workersPerDevice > 1024) {
            throw new IllegalStateException("pixelwise.jobs.workers must be 1..1024, was " + workersPerDevice);
        }
        if (config.queueCapacity() < 1) {
            throw new IllegalStateException("pixelwise.jobs.queue-capacity must be at least 1, was " + config.queueCapacity());
        }
        config.taskWorkers().forEach((task, n) -> {
            if (n < 1) {
                throw new IllegalStateException("pixelwise.jobs.task-workers." + task + " must be at least 1, was " + n);
            }
        });
        Gauge.builder("pixelwise.queue.depth", this, WorkerPool::queued).description("Jobs waiting for a worker on this node")
                .register(registry);
    }

    /** Starts the worker threads (loading the ND4J backend to find the devices); idempotent. */
    public void start() {
        lock.lock();
        try {
            if (!threads.isEmpty() || closing) {
                return;
            }
            try {
                devices = Devices.list();
            } catch (Devices.Unavailable e) {
                LOG.error(e.getMessage());
                throw new AppException.ModelUnavailable("This node has no usable compute device. " + e.getMessage());
            }
            Map<Integer, AtomicInteger> perDevice = new HashMap<>();
            for (Devices.Device d : devices) {
                AtomicInteger b = new AtomicInteger();
                perDevice.put(d.index(), b);
                Gauge.builder("pixelwise.workers.busy", b, AtomicInteger::get).description("Busy workers per device")
                        .tag("device", d.kind() + d.index()).register(registry);
                for (int i = 1; i <= workersPerDevice; i++) {
                    Thread t = new Thread(() -> loop(d, b), "pixelwise-worker-" + d.kind() + d.index() + "-" + i);
                    t.setDaemon(true);
                    threads.add(t);
                }
            }
            busyByDevice = perDevice;
            threads.forEach(Thread::start);
            LOG.infof("Worker pool: %d worker(s) on each of %s", workersPerDevice, devices);
        } finally {
            lock.unlock();
        }
    }

    public List<Devices.Device> devices() {
        start();
        return devices;
    }

    /** Workers in all device groups. */
    public int workers() {
        return workersPerDevice * Math.max(1, devices.size());
    }

    public int busy() {
        lock.lock();
        try {
            return busy;
        } finally {
            lock.unlock();
        }
    }

    public int queued() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    /** Jobs waiting per task, for the about page and health. */
    public Map<String, Integer> queuedByTask() {
        lock.lock();
        try {
            Map<String, Integer> out = new HashMap<>();
            waiting.forEach(w -> out.merge(w.task, 1, Integer::sum));
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** Workers neither busy nor spoken for by a waiting job: how much more a node may pull from a shared queue. */
    public int spare() {
        lock.lock();
        try {
            return Math.max(0, workers() - busy - waiting.size());
        } finally {
            lock.unlock();
        }
    }

    /** Queues work, or refuses it with 429 when the queue is full. */
    public void submit(Work work) {
        start();
        lock.lock();
        try {
            if (closing) {
                throw new AppException.QueueFull(retryAfterSeconds());
            }
            if (waiting.size() >= config.queueCapacity()) {
                long wait = retryAfterSeconds();
                drain.recordRefusal();
                throw new AppException.QueueFull(wait);
            }
            waiting.add(work);
            changed.signalAll();
            taskGauges.computeIfAbsent(work.task, t -> Gauge.builder("pixelwise.queue.depth.task", this, p -> p.queuedByTask().getOrDefault(t, 0))
                    .description("Jobs of one task waiting for a worker on this node").tag("task", t).register(registry));
        } finally {
            lock.unlock();
        }
    }

    /** Drops work that has not started yet; false if a worker already took it. */
    public boolean remove(Work work) {
        lock.lock();
        try {
            return waiting.remove(work);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A task's run time joins its moving mean (weight 0.2). The first run of a task pays one-time costs
     * (loading its model, the JIT): it stands only until the second run replaces it. Blended in, a first
     * classify of 2 s against 50 ms after would have told the clients refused in the next burst to stay
     * away several times too long.
     */
    void recordRun(String task, double ms) {
        int seen = runsSeen.merge(task, 1, Integer::sum);
        meanRunMillis.merge(task, ms, (old, now) -> seen == 2 ? now : 0.8 * old + 0.2 * now);
    }

    /** A task's mean run time as the pool estimates it, ms; null before its first run. */
    Double meanRunMillis(String task) {
        return meanRunMillis.get(task);
    }

    /** Seconds until a queue slot is likely free, from how fast the queue has drained lately. */
    public long retryAfterSeconds() {
        return drain.retryAfterSeconds(secondsPerSlot());
    }

    /** Places left in the queue before it refuses work. */
    public int room() {
        lock.lock();
        try {
            return closing ? 0 : Math.max(0, config.queueCapacity() - waiting.size());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Seconds a busy pool takes to free one place: the mean run time over the workers. Not the gap
     * between recent finishes, which after a quiet spell is long and would tell waiting clients to
     * stay away while the queue empties.
     */
    public double secondsPerSlot() {
        double meanAll = meanRunMillis.values().stream().mapToDouble(Double::doubleValue).average().orElse(1000);
        return meanAll / 1000.0 / workers();
    }

    /** The most jobs of one task that may run at once. */
    int limitFor(String task, boolean heavy) {
        Integer configured = config.taskWorkers().get(task);
        if (configured != null) {
            return configured;
        }
        return heavy ? Math.max(1, workers() - 1) : workers();
    }

    /** The eligible waiting job with the earliest expected finish, aged by its wait. Caller holds the lock. */
    private Work next() {
        Work best = null;
        double bestScore = Double.MAX_VALUE;
        long now = System.nanoTime();
        for (Work w : waiting) {
            if (running.getOrDefault(w.task, 0) >= limitFor(w.task, w.heavy)) {
                continue;
            }
            double waitedMillis = (now - w.enqueuedNanos) / 1e6;
            double score = meanRunMillis.getOrDefault(w.task, 1000.0) - waitedMillis;
            if (score < bestScore) {
                best = w;
                bestScore = score;
            }
        }
        return best;
    }

    private void loop(Devices.Device device, AtomicInteger busyHere) {
        Devices.bindCurrentThread(device);
        while (true) {
            Work work;
            lock.lock();
            try {
                while ((work = closing ? null : next()) == null) {
                    if (closing) {
                        return;
                    }
                    changed.await();
                }
                waiting.remove(work);
                running.merge(work.task, 1, Integer::sum);
                busy++;
                busyHere.incrementAndGet();
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            long start = System.nanoTime();
            try {
                work.body.run();
            } catch (RuntimeException | Error e) {
                LOG.errorf(e, "A %s job escaped its handler", work.task);
            } finally {
                Thread.interrupted(); // a cancel may have interrupted us; the worker lives on clean
                double ms = (System.nanoTime() - start) / 1e6;
                recordRun(work.task, ms);
                drain.record();
                lock.lock();
                try {
                    running.merge(work.task, -1, Integer::sum);
                    busy--;
                    busyHere.decrementAndGet();
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    /**
     * Stops taking work and gives running jobs the grace period to finish; whatever still runs is
     * interrupted. Jobs still queued on a local node end with the process; a Redis node re-queues its own.
     */
    @PreDestroy
    void shutdown() {
        lock.lock();
        try {
            closing = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        threads.stream().filter(Thread::isAlive).forEach(Thread::interrupt);
    }

}
