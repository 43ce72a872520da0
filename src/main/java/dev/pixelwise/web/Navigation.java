package dev.pixelwise.web;

import dev.pixelwise.work.JobService;
import dev.pixelwise.work.Task;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import java.util.Collection;

/** Data the layout needs on every page ({@code inject:navigation}). */
@Named("navigation")
@ApplicationScoped
public class Navigation {

    private final JobService jobs;

    public Navigation(JobService jobs) {
        this.jobs = jobs;
    }

    public Collection<Task<?>> tasks() {
        return jobs.tasks();
    }
}
