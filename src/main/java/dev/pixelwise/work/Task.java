package dev.pixelwise.work;

import java.util.List;
import dev.pixelwise.imaging.ImageHeader;
import java.util.Optional;

/**
 * A kind of job. Implementations are CDI beans; the job service finds them by {@link #name()}.
 *
 * @param <O> the parsed, validated options
 */
public interface Task<O> {

    /** The name used in URLs and the {@code task} field, e.g. {@code inspect}. */
    String name();

    /** A short human title for pages. */
    String title();

    /** One sentence for the home page. */
    String description();

    List<OptionSpec> options();

    /** Parses and validates the options; throws {@code BadOption} naming the field. */
    O parseOptions(JobOptions options);

    /**
     * Checks options against the upload's header before the job is queued (e.g. an output-size
     * cap); throws an {@code AppException} to refuse it. Nothing is decoded yet.
     */
    default void checkAgainst(O options, ImageHeader header) {
    }

    /** The model the options choose, for metrics; empty for tasks without one. */
    default Optional<String> modelOf(O options) {
        return Optional.empty();
    }

    /** What {@link #run} returns, so a result stored as JSON (Redis mode) reads back as the same type. */
    Class<?> resultType();

    /** Long-running tasks are kept off the last free worker so short jobs are not starved behind them. */
    default boolean heavy() {
        return false;
    }

    /**
     * The one produced file that stands for the result (what a script asking for an image gets
     * back), read from the task's own result; empty when the task produces no such file.
     */
    default Optional<String> mainFile(Object result) {
        return Optional.empty();
    }

    /** Does the work. Returns the result object (serialised to JSON); files go through {@link JobContext#output}. */
    Object run(JobContext context, O options) throws Exception;
}
