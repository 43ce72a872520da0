package dev.pixelwise.imaging;

import dev.pixelwise.problem.AppException;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Walks a JPEG's markers from SOI to the first EOI after the image data, skipping segments by
 * their length and scanning entropy-coded data for the next marker. Catches truncation (no EOI),
 * files with no scan, and marker floods: every segment costs a reader work (and thousands of
 * progressive scans cost a full pass each), so their numbers are capped. No pixels are decoded.
 */
final class JpegMarkers {

    /** Real files have a few dozen segments (a large ICC profile or progressive tables add some). */
    static final int MAX_SEGMENTS = 2048;
    /** Progressive encoders write about ten scans; each one is another pass over every block. */
    static final int MAX_SCANS = 256;

    private static final int SOS = 0xDA;
    private static final int EOI = 0xD9;

    private final InputStream in;
    private final byte[] buffer = new byte[64 * 1024];
    private int position;
    private int limit;

    private JpegMarkers(InputStream in) {
        this.in = in;
    }

    static void verify(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            new JpegMarkers(in).walk();
        } catch (EOFException e) {
            throw new AppException.UnprocessableImage("The JPEG file is truncated (no end-of-image marker)");
        } catch (IOException e) {
            throw new AppException.UnprocessableImage("The upload could not be read", e);
        }
    }

    private void walk() throws IOException {
        skip(2); // SOI, already sniffed
        int segments = 0;
        int scans = 0;
        while (true) {
            if (next() != 0xFF) {
                continue; // entropy-coded data, or stray bytes between segments (readers skip them too)
            }
            int marker = next();
            while (marker == 0xFF) {
                marker = next(); // fill bytes
            }
            if (marker == 0x00 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {
                continue; // stuffed 0xFF, TEM, restart markers, SOI: no length follows
            }
            if (marker == EOI) {
                if (scans == 0) {
                    throw corrupt("it ends before any image data (no SOS segment)");
                }
                return;
            }
            int length = next() << 8 | next();
            if (length < 2) {
                throw corrupt(String.format("segment 0x%02X has a length of %d", marker, length));
            }
            skip(length - 2);
            if (++segments > MAX_SEGMENTS) {
                throw corrupt("it has more than " + MAX_SEGMENTS + " segments");
            }
            if (marker == SOS && ++scans > MAX_SCANS) {
                throw corrupt("it has more than " + MAX_SCANS + " scans");
            }
        }
    }

    private int next() throws IOException {
        if (position == limit) {
            limit = in.read(buffer);
            position = 0;
            if (limit <= 0) {
                limit = 0;
                throw new EOFException();
            }
        }
        return buffer[position++] & 0xFF;
    }

    private void skip(long n) throws IOException {
        long buffered = Math.min(n, limit - position);
        position += (int) buffered;
        in.skipNBytes(n - buffered); // a skip past the end shows as EOF on the next read
    }

    private static AppException corrupt(String why) {
        return new AppException.UnprocessableImage("The JPEG file is corrupt: " + why);
    }
}
