package dev.pixelwise.api;

import dev.pixelwise.imaging.ImageLimits;
import dev.pixelwise.problem.AppException;
import org.jboss.resteasy.reactive.server.multipart.FormValue;
import org.jboss.resteasy.reactive.server.multipart.MultipartFormDataInput;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An upload split into what the job service needs: the task, the image file and the remaining
 * fields as task options. {@code timeout} is the synchronous endpoint's own field. It comes either
 * as a multipart form (the image in field {@code image}) or as a raw body (the body is the image,
 * the fields are query parameters); both go through the same field rules.
 */
public record UploadForm(String task, Path image, long imageBytes, Map<String, String> options, String timeout) {

    public static final String IMAGE = "image";
    public static final String TASK = "task";
    public static final String TIMEOUT = "timeout";
    /** Longer names are no file system's and only bloat logs and job records. */
    public static final int MAX_FILE_NAME_LENGTH = 255;

    public static UploadForm parse(MultipartFormDataInput input, String taskFromPath, ImageLimits limits) {
        Fields fields = new Fields(taskFromPath);
        for (Map.Entry<String, Collection<FormValue>> entry : input.getValues().entrySet()) {
            String name = entry.getKey();
            for (FormValue value : entry.getValue()) {
                if (value.isFileItem()) {
                    if (!IMAGE.equals(name)) {
                        throw new AppException.BadOption(name, "only the 'image' field may carry a file");
                    }
                    String fileName = value.getFileName();
                    if (fileName != null && fileName.length() > MAX_FILE_NAME_LENGTH) {
                        throw new AppException.BadOption(IMAGE, "the file name has " + fileName.length()
                                + " characters; at most " + MAX_FILE_NAME_LENGTH + " are allowed");
                    }
                    Path file = value.getFileItem().getFile();
                    long bytes = sizeOf(file);
                    if (bytes == 0 && (fileName == null || fileName.isBlank())) {
                        continue; // a browser form submitted without choosing a file
                    }
                    fields.image(file, bytes);
                } else {
                    fields.field(name, value.getValue());
                }
            }
        }
        return fields.finish(limits, "attach the image file as multipart field 'image'");
    }

    /**
     * A raw-body upload ({@code Content-Type: image/*} or {@code application/octet-stream}): the
     * body, already stored in {@code body}, is the image; the query parameters are the fields.
     */
    public static UploadForm raw(Path body, Map<String, List<String>> query, String taskFromPath, ImageLimits limits) {
        Fields fields = new Fields(taskFromPath);
        query.forEach((name, values) -> {
            if (IMAGE.equals(name)) {
                throw new AppException.BadOption(IMAGE, "is the request body here, not a query parameter");
            }
            values.forEach(v -> fields.field(name, v));
        });
        long bytes = body == null ? 0 : sizeOf(body);
        if (bytes > 0) {
            fields.image(body, bytes);
        }
        return fields.finish(limits, "send the image as the request body");
    }

    /** The fields of a url-encoded form (a re-run's options), each given once at most. */
    public static Map<String, String> singleValued(Map<String, List<String>> form) {
        Map<String, String> fields = new LinkedHashMap<>();
        form.forEach((name, values) -> {
            if (values.size() > 1) {
                throw new AppException.BadOption(name, "given more than once");
            }
            fields.put(name, values.isEmpty() ? "" : values.get(0));
        });
        return fields;
    }

    /** The rules every field follows, whichever way it came. */
    private static final class Fields {
        private final String taskFromPath;
        private final Map<String, String> options = new LinkedHashMap<>();
        private String task;
        private String timeout;
        private Path image;
        private long size;

        Fields(String taskFromPath) {
            this.taskFromPath = taskFromPath;
            this.task = taskFromPath;
        }

        void image(Path file, long bytes) {
            if (image != null) {
                throw new AppException.BadOption(IMAGE, "send one image per job");
            }
            image = file;
            size = bytes;
        }

        void field(String name, String value) {
            if (TASK.equals(name)) {
                if (taskFromPath != null && !taskFromPath.equals(value)) {
                    throw new AppException.BadOption(TASK, "'" + value + "' differs from the task in the URL");
                }
                task = value;
            } else if (TIMEOUT.equals(name) && taskFromPath != null) {
                timeout = value;
            } else if (options.putIfAbsent(name, value) != null) {
                throw new AppException.BadOption(name, "given more than once");
            }
        }

        UploadForm finish(ImageLimits limits, String howToSendImage) {
            if (task == null || task.isBlank()) {
                throw new AppException.BadOption(TASK, "is required");
            }
            if (image == null) {
                throw new AppException.BadOption(IMAGE, "is required: " + howToSendImage);
            }
            if (size > limits.maxUploadSize().asLongValue()) {
                throw new AppException.PayloadTooLarge("The upload is " + size + " bytes; the limit is "
                        + limits.maxUploadSize().asLongValue());
            }
            return new UploadForm(task.trim(), image, size, options, timeout);
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the upload", e);
        }
    }
}
