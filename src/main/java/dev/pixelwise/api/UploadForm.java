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
import java.util.Map;

/**
 * A multipart upload split into what the job service needs: the task, the image file and the
 * remaining fields as task options. {@code timeout} is the synchronous endpoint's own field.
 */
public record UploadForm(String task, Path image, long imageBytes, Map<String, String> options, String timeout) {

    public static final String IMAGE = "image";
    public static final String TASK = "task";
    public static final String TIMEOUT = "timeout";
    /** Longer names are no file system's and only bloat logs and job records. */
    public static final int MAX_FILE_NAME_LENGTH = 255;

    public static UploadForm parse(MultipartFormDataInput input, String taskFromPath, ImageLimits limits) {
        Path image = null;
        long size = 0;
        String task = taskFromPath;
        String timeout = null;
        Map<String, String> options = new LinkedHashMap<>();
        for (Map.Entry<String, Collection<FormValue>> entry : input.getValues().entrySet()) {
            String name = entry.getKey();
            for (FormValue value : entry.getValue()) {
                if (value.isFileItem()) {
                    if (!IMAGE.equals(name)) {
                        throw new AppException.BadOption(name, "only the 'image' field may carry a file");
                    }
                    if (image != null) {
                        throw new AppException.BadOption(IMAGE, "send one image per job");
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
                    image = file;
                    size = bytes;
                } else if (TASK.equals(name)) {
                    if (taskFromPath != null && !taskFromPath.equals(value.getValue())) {
                        throw new AppException.BadOption(TASK, "'" + value.getValue() + "' differs from the task in the URL");
                    }
                    task = value.getValue();
                } else if (TIMEOUT.equals(name) && taskFromPath != null) {
                    timeout = value.getValue();
                } else if (options.putIfAbsent(name, value.getValue()) != null) {
                    throw new AppException.BadOption(name, "given more than once");
                }
            }
        }
        if (task == null || task.isBlank()) {
            throw new AppException.BadOption(TASK, "is required");
        }
        if (image == null) {
            throw new AppException.BadOption(IMAGE, "is required: attach the image file as multipart field 'image'");
        }
        if (size > limits.maxUploadSize().asLongValue()) {
            throw new AppException.PayloadTooLarge("The upload is " + size + " bytes; the limit is "
                    + limits.maxUploadSize().asLongValue());
        }
        return new UploadForm(task.trim(), image, size, options, timeout);
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the upload", e);
        }
    }
}
