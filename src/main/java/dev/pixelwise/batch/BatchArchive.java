package dev.pixelwise.batch;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixelwise.problem.AppException;
import dev.pixelwise.work.JobService;
import dev.pixelwise.work.JobStatus;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A batch as one zip, written straight to the response: each finished child's files under
 * {@code NNN-name/}, then {@code results.json} (the batch as the API shows it) and {@code results.csv}
 * (a line per image). Images are stored, not deflated again (they are compressed already), so
 * memory stays one buffer whatever the batch's size. Names inside are ours: an index and the
 * image's name cut to letters, digits, dots, dashes and underscores.
 */
final class BatchArchive {

    private final JobService jobs;
    private final ObjectMapper json;

    BatchArchive(JobService jobs, ObjectMapper json) {
        this.jobs = jobs;
        this.json = json;
    }

    void write(BatchView batch, OutputStream out) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(out, StandardCharsets.UTF_8);
        zip.setLevel(Deflater.BEST_SPEED);
        StringBuilder csv = new StringBuilder("index,name,status,job,summary,error,files\n");
        for (BatchView.Child c : batch.jobs()) {
            String folder = folder(c);
            StringBuilder written = new StringBuilder();
            if (c.status() == JobStatus.SUCCEEDED && c.id() != null) {
                for (String file : c.files()) {
                    Path path;
                    try {
                        path = jobs.file(c.id(), file);
                    } catch (AppException.NotFound expired) {
                        continue;
                    }
                    stored(zip, folder + "/" + file, path);
                    written.append(written.isEmpty() ? "" : " ").append(folder).append('/').append(file);
                }
            }
            csv.append(c.index()).append(',').append(cell(c.name())).append(',').append(c.status().json()).append(',')
                    .append(c.id() == null ? "" : c.id()).append(',').append(cell(c.summary())).append(',')
                    .append(cell(c.error() == null ? null : c.error().detail())).append(',')
                    .append(cell(written.toString())).append('\n');
        }
        deflated(zip, "results.json", json.writerWithDefaultPrettyPrinter().writeValueAsBytes(batch));
        deflated(zip, "results.csv", csv.toString().getBytes(StandardCharsets.UTF_8));
        zip.finish();
        zip.flush();
    }

    static String folder(BatchView.Child c) {
        return String.format(Locale.ROOT, "%03d-%s", c.index() + 1, safe(c.name()));
    }

    /** Letters, digits, '.', '-', '_' only; no leading dot; at most 80 characters. */
    static String safe(String name) {
        String s = name == null ? "" : name.replaceAll("[^A-Za-z0-9._-]", "_");
        s = s.replaceAll("^[._]+", "");
        if (s.length() > 80) {
            s = s.substring(0, 80);
        }
        return s.isEmpty() ? "image" : s;
    }

    private static String cell(String value) {
        if (value == null) {
            return "";
        }
        // a cell a spreadsheet would run as a formula is quoted as text
        String v = value.matches("^[=+\\-@\\t\\r].*") ? "'" + value : value;
        return v.contains(",") || v.contains("\"") || v.contains("\n") ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
    }

    private static void stored(ZipOutputStream zip, String name, Path file) throws IOException {
        CRC32 crc = new CRC32();
        byte[] buffer = new byte[64 * 1024];
        long size = 0;
        try (InputStream in = new CheckedInputStream(Files.newInputStream(file), crc)) {
            int r;
            while ((r = in.read(buffer)) > 0) {
                size += r;
            }
        }
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(size);
        entry.setCompressedSize(size);
        entry.setCrc(crc.getValue());
        zip.putNextEntry(entry);
        try (InputStream in = Files.newInputStream(file)) {
            in.transferTo(zip);
        }
        zip.closeEntry();
    }

    private static void deflated(ZipOutputStream zip, String name, byte[] content) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(content);
        zip.closeEntry();
    }
}
