package dev.pixelwise.imaging;

import dev.pixelwise.problem.AppException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * The images in an uploaded zip (a collection's examples, a batch's folder), each copied to a temporary file for the one image decoder, within
 * bounds that a crafted archive cannot get around: the entry count from the central directory; the bytes
 * actually inflated (not the sizes the archive declares) per entry and in all; the ratio of inflated
 * bytes to the archive's size and to each entry's compressed size; no archive inside the archive; no
 * entry name that leaves the folder (absolute, drive letters, "..") even though names are never used as
 * paths here. Folders and macOS's {@code __MACOSX/} resource forks are skipped.
 */
public final class ZipImages {

    /** Every zip (and jar) starts with a local file header (or, when empty, the end record). */
    public static boolean isZip(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && magic[0] == 'P' && magic[1] == 'K'
                    && ((magic[2] == 3 && magic[3] == 4) || (magic[2] == 5 && magic[3] == 6));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * @param maxEntries    entries in the central directory (folders count)
     * @param maxEntrySize  inflated bytes of one entry
     * @param maxTotalSize  inflated bytes of all entries together
     * @param maxRatio      inflated ÷ compressed bytes of an entry, and of the whole archive
     */
    public record Limits(int maxEntries, long maxEntrySize, long maxTotalSize, int maxRatio) {
    }

    private final Limits limits;
    private final Path tmpDir;

    public ZipImages(Limits limits, Path tmpDir) {
        this.limits = limits;
        this.tmpDir = tmpDir;
    }

    /**
     * Hands each image entry, its name and a temporary file, to {@code each} (the file is deleted
     * afterwards unless {@code each} moved it away).
     * @param budget images the request may still add; more entries than that is a 400
     */
    public int forEach(Path zip, int budget, BiConsumer<String, Path> each) {
        long archiveBytes;
        try {
            archiveBytes = Math.max(1, Files.size(zip));
        } catch (IOException e) {
            throw new AppException.UnprocessableImage("The zip cannot be read");
        }
        try (ZipFile file = new ZipFile(zip.toFile())) {
            if (file.size() > limits.maxEntries()) {
                throw new AppException.PayloadTooLarge("The zip has " + file.size() + " entries; at most "
                        + limits.maxEntries() + " are read");
            }
            long total = 0;
            int images = 0;
            Enumeration<? extends ZipEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                String name = entry.getName();
                checkName(name);
                if (entry.isDirectory() || name.startsWith("__MACOSX/")) {
                    continue;
                }
                String lower = name.toLowerCase(Locale.ROOT);
                if (lower.endsWith(".zip") || lower.endsWith(".jar")) {
                    throw nested(name);
                }
                if (++images > budget) {
                    throw new AppException.BadOption("image", "the request adds more than " + budget + " images");
                }
                Path tmp = Files.createTempFile(tmpDir, "zip-entry", ".img");
                try {
                    long written;
                    try (InputStream in = file.getInputStream(entry); OutputStream out = Files.newOutputStream(tmp)) {
                        written = copy(in, out, name, Math.min(limits.maxEntrySize(),
                                limits.maxTotalSize() - total));
                    }
                    total += written;
                    long compressed = entry.getCompressedSize();
                    if ((compressed > 0 && written / compressed > limits.maxRatio())
                            || total / archiveBytes > limits.maxRatio()) {
                        throw new AppException.PayloadTooLarge("The zip expands more than " + limits.maxRatio()
                                + " times (at '" + shortName(name) + "'); it is not read");
                    }
                    if (isZip(tmp)) {
                        throw nested(name);
                    }
                    each.accept(name, tmp);
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
            return images;
        } catch (ZipException e) {
            throw new AppException.UnprocessableImage("The zip is damaged: " + e.getMessage());
        } catch (IOException e) {
            throw new AppException.UnprocessableImage("The zip cannot be read: " + e.getMessage());
        }
    }

    /** Where entries are written while they are read. */
    public Path tmpDir() {
        return tmpDir;
    }

    /** Copies at most {@code limit} bytes; one more is a 413. */
    private static long copy(InputStream in, OutputStream out, String name, long limit) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long n = 0;
        int r;
        while ((r = in.read(buffer)) > 0) {
            n += r;
            if (n > limit) {
                throw new AppException.PayloadTooLarge("Zip entry '" + shortName(name)
                        + "' (or the zip in all) expands past the size limit");
            }
            out.write(buffer, 0, r);
        }
        return n;
    }

    private static void checkName(String name) {
        String n = name.replace('\\', '/');
        boolean escapes = n.startsWith("/") || (n.length() > 1 && n.charAt(1) == ':') || n.indexOf('\0') >= 0;
        for (String segment : n.split("/")) {
            escapes |= segment.equals("..");
        }
        if (escapes) {
            throw new AppException.BadOption("image", "zip entry '" + shortName(name)
                    + "' points outside the archive; the zip is not read");
        }
    }

    private static AppException nested(String name) {
        return new AppException.UnsupportedFormat("Zip entry '" + shortName(name)
                + "' is an archive; archives inside a zip are not read");
    }

    /** Entry names go into messages: printable and short. */
    public static String shortName(String name) {
        String clean = name.replaceAll("[^\\x20-\\x7E]", "?");
        return clean.length() > 80 ? clean.substring(0, 80) + "…" : clean;
    }
}
