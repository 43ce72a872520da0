package dev.pixelwise.work;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/** Deletes expired jobs and their files on a fixed interval. */
@ApplicationScoped
public class JobSweeper {

    private static final Logger LOG = Logger.getLogger(JobSweeper.class);
    private final JobService jobs;

    public JobSweeper(JobService jobs) {
        this.jobs = jobs;
    }

    @Scheduled(every = "${pixelwise.jobs.sweep-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        int removed = jobs.expire();
        if (removed > 0) {
            LOG.debugf("Expired %d jobs", removed);
        }
    }
}
