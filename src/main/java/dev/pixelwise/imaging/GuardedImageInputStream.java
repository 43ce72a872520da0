package dev.pixelwise.imaging;

import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageInputStreamImpl;
import java.io.IOException;

/**
 * The stream readers decode from, with two stops readers cannot talk their way past. Reads past
 * the end of the file are counted: a reader that swallows end-of-file and decodes on (the WebP
 * lossless reader does) would spend minutes making up pixels for a few bytes of data. And the
 * decode watchdog can {@link #stop()} the stream, which ends readers that ignore
 * {@code ImageReader.abort()} at their next read.
 */
final class GuardedImageInputStream extends ImageInputStreamImpl {

    /** Bit readers prefetch a few bytes past the end of a valid file; a truncated one makes millions of such reads. */
    static final int MAX_READS_PAST_END = 4096;

    private final ImageInputStream in;
    private int readsPastEnd;
    private volatile boolean stopped;

    GuardedImageInputStream(ImageInputStream in) {
        this.in = in;
    }

    /** Makes every further read fail; safe to call from another thread. */
    void stop() {
        stopped = true;
    }

    @Override
    public int read() throws IOException {
        check();
        sync();
        int b = in.read();
        if (b < 0) {
            pastEnd();
            return -1;
        }
        streamPos++;
        bitOffset = 0;
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        check();
        sync();
        int n = in.read(b, off, len);
        if (n < 0) {
            pastEnd();
            return -1;
        }
        streamPos += n;
        bitOffset = 0;
        return n;
    }

    @Override
    public long length() {
        try {
            return in.length();
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public void close() throws IOException {
        super.close();
        in.close();
    }

    /** Our position moves by {@code seek} without telling the wrapped stream. */
    private void sync() throws IOException {
        if (in.getStreamPosition() != streamPos) {
            in.seek(streamPos);
        }
    }

    private void check() throws IOException {
        if (stopped) {
            throw new IOException("stopped at the decode time limit");
        }
    }

    private void pastEnd() throws IOException {
        if (++readsPastEnd > MAX_READS_PAST_END) {
            // Not an EOFException: readers catch those and go on with zeros.
            throw new IOException("the reader kept reading past the end of the file (the image data is cut short)");
        }
    }
}
