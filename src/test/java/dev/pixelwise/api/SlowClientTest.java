package dev.pixelwise.api;

import dev.pixelwise.Poll;
import dev.pixelwise.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static dev.pixelwise.api.SlowClientProfile.IDLE_TIMEOUT_MS;
import static dev.pixelwise.api.SlowClientProfile.UPLOAD_TIMEOUT_MS;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.oneOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Uploads that stall or trickle are cut off (idle timeout, upload deadline), leave no upload file
 * behind and never hold a worker: the body is read before any resource or job runs.
 */
@QuarkusTest
@TestProfile(SlowClientProfile.class)
class SlowClientTest {

    /** Slack for a busy two-core machine on top of each timeout. */
    static final long SLACK_MS = 3000;

    /**
     * The worker pool up before any timed request: its first use loads ND4J to find the devices (about
     * 1.5 s here), which a request arriving just after start would wait for inside the 2 s idle timeout.
     */
    @BeforeEach
    void poolReady() {
        Poll.until("the worker pool ready", Duration.ofSeconds(60),
                () -> given().get("/q/health/ready").statusCode() == 200);
    }

    @Test
    void aClientThatStopsSendingIsCutOffByTheIdleTimeout() throws Exception {
        try (SlowUpload client = SlowUpload.start(100_000)) {
            client.send(64);
            SlowUpload.Ending end = client.awaitEnd(IDLE_TIMEOUT_MS + UPLOAD_TIMEOUT_MS + SLACK_MS);
            assertTrue(end.closed(), "still open after " + end.afterMs() + " ms");
            // The upload deadline would have answered 408 first; the idle timeout just closes.
            assertEquals("", end.response(), "cut off by the idle timeout, not the upload deadline");
        }
        assertNoUploadFilesLeft();
    }

    /** One byte every 500 ms is never idle, so only the upload deadline stops it: 408, then the connection closes. */
    /** A synchronous request longer than the idle timeout is answered 202 before the connection would be cut. */
    @Test
    void aLongJobIsAnswered202BeforeTheIdleTimeout() {
        given().multiPart("image", TestImages.photo("cat.bmp").toFile()).multiPart("holdMs", "5000")
                .multiPart("timeout", "60")
                .post("/api/v1/test-hold").then()
                .statusCode(202)
                .header("Location", containsString("/api/v1/jobs/"))
                .body("status", oneOf("queued", "running"));
    }

    @Test
    void aClientThatTricklesIsCutOffByTheUploadDeadline() throws Exception {
        try (SlowUpload client = SlowUpload.start(100_000)) {
            client.trickle(500);
            SlowUpload.Ending end = client.awaitEnd(UPLOAD_TIMEOUT_MS + SLACK_MS);
            assertTrue(end.closed(), "still open after " + end.afterMs() + " ms");
            assertTrue(end.response().startsWith("HTTP/1.1 408 "), end.response());
            assertTrue(end.response().contains("application/problem+json"), end.response());
            assertTrue(end.response().contains("upload-timeout"), end.response());
        }
        assertNoUploadFilesLeft();
    }

    /**
     * More slow uploads than there are request threads (and job workers) do not delay a normal one:
     * it is answered while the tricklers are still uploading. Were a thread held per slow upload,
     * it would wait until the upload deadline cut them off. (How long it takes is
     * {@link SlowClientTimingTest}'s to report.)
     */
    @Test
    void slowClientsHoldNoThread() throws Exception {
        List<SlowUpload> clients = startSlowClients(uploadsBefore);
        try {
            given().multiPart("image", TestImages.photo("cat.bmp").toFile()).post("/api/v1/inspect").then()
                    .statusCode(200).body("status", equalTo("succeeded"));
            for (SlowUpload trickler : clients.subList(0, SlowClientProfile.REQUEST_THREADS + 1)) {
                assertTrue(trickler.stillOpen(), "the tricklers were still uploading meanwhile");
            }
            for (SlowUpload client : clients) {
                assertTrue(client.awaitEnd(UPLOAD_TIMEOUT_MS + SLACK_MS).closed());
            }
        } finally {
            for (SlowUpload client : clients) {
                client.close();
            }
        }
        given().multiPart("image", TestImages.photo("cat.bmp").toFile()).post("/api/v1/inspect").then().statusCode(200);
        assertNoUploadFilesLeft();
    }

    /**
     * One more trickler than there are request threads, then one that stalls; returns once the
     * server is receiving every one of them (each has its upload file).
     */
    static List<SlowUpload> startSlowClients(Set<Path> uploadsBefore) throws IOException {
        List<SlowUpload> clients = new ArrayList<>();
        for (int i = 0; i < SlowClientProfile.REQUEST_THREADS + 1; i++) {
            SlowUpload client = SlowUpload.start(100_000);
            client.trickle(500);
            clients.add(client);
        }
        awaitUploadFiles(uploadsBefore, clients.size());
        // The stalled one last: the idle timeout cuts it off soon, and with it its file.
        SlowUpload stalled = SlowUpload.start(100_000);
        stalled.send(64);
        clients.add(stalled);
        awaitUploadFiles(uploadsBefore, clients.size());
        return clients;
    }

    private static void awaitUploadFiles(Set<Path> uploadsBefore, int count) {
        Poll.until(count + " upload files being received", Duration.ofMillis(IDLE_TIMEOUT_MS), () -> {
            try {
                Set<Path> now = new HashSet<>(uploadFiles());
                now.removeAll(uploadsBefore);
                return now.size() >= count;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private Set<Path> uploadsBefore;

    @BeforeEach
    void noteUploadFiles() throws IOException {
        uploadsBefore = uploadFiles();
    }

    /** Half-received uploads are deleted when their connection ends. */
    void assertNoUploadFilesLeft() throws Exception {
        Set<Path> left = Set.of();
        for (int i = 0; i < 40; i++) {
            left = new HashSet<>(uploadFiles());
            left.removeAll(uploadsBefore);
            if (left.isEmpty()) {
                return;
            }
            Thread.sleep(100);
        }
        assertEquals(Set.of(), left, "upload files left behind");
    }

    static Set<Path> uploadFiles() throws IOException {
        Path uploads = Path.of(SlowClientProfile.DATA_DIR, "uploads");
        if (!Files.isDirectory(uploads)) {
            return Set.of();
        }
        try (Stream<Path> files = Files.list(uploads)) {
            return files.collect(java.util.stream.Collectors.toSet());
        }
    }

    /** A multipart upload over a raw socket that declares a body and then sends it as slowly as asked. */
    static final class SlowUpload implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;
        private final long startNanos = System.nanoTime();
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private volatile boolean peerClosed;
        private Thread trickler;

        private SlowUpload(Socket socket) throws IOException {
            this.socket = socket;
            this.out = socket.getOutputStream();
        }

        static SlowUpload start(int declaredBytes) throws IOException {
            Socket socket = new Socket("localhost", RestAssured.port);
            String boundary = "slow-boundary";
            String head = "POST /api/v1/inspect HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: multipart/form-data; boundary=" + boundary + "\r\n"
                    + "Content-Length: " + declaredBytes + "\r\n\r\n"
                    + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"slow.png\"\r\n"
                    + "Content-Type: image/png\r\n\r\n";
            SlowUpload upload = new SlowUpload(socket);
            upload.out.write(head.getBytes(StandardCharsets.US_ASCII));
            upload.out.flush();
            return upload;
        }

        void send(int bytes) throws IOException {
            out.write(new byte[bytes]);
            out.flush();
        }

        /** Sends one byte every {@code periodMs} from a background thread until the server stops it. */
        void trickle(long periodMs) {
            trickler = new Thread(() -> {
                try {
                    while (!peerClosed) {
                        out.write(0);
                        out.flush();
                        Thread.sleep(periodMs);
                    }
                } catch (IOException | InterruptedException stopped) {
                    // the server closed the connection, or the test is over
                }
            }, "trickler");
            trickler.setDaemon(true);
            trickler.start();
        }

        /**
         * Whether the server still has this connection open and has not answered: a read that
         * finds nothing waiting. Anything it does find is kept for {@link #awaitEnd}.
         */
        boolean stillOpen() throws IOException {
            if (peerClosed) {
                return false;
            }
            socket.setSoTimeout(1);
            byte[] buf = new byte[4096];
            try {
                int n = socket.getInputStream().read(buf);
                if (n < 0) {
                    peerClosed = true;
                } else {
                    received.write(buf, 0, n);
                }
                return false;
            } catch (java.net.SocketTimeoutException nothingYet) {
                return true;
            } catch (SocketException reset) {
                peerClosed = true;
                return false;
            }
        }

        record Ending(boolean closed, long afterMs, String response) {
        }

        /** Reads whatever the server answers until it closes the connection or {@code withinMs} pass. */
        Ending awaitEnd(long withinMs) throws IOException {
            ByteArrayOutputStream response = received;
            long deadline = startNanos + withinMs * 1_000_000;
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[4096];
            boolean closed = peerClosed;
            while (!closed && System.nanoTime() < deadline) {
                socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                try {
                    int n = in.read(buf);
                    if (n < 0) {
                        closed = true;
                    } else {
                        response.write(buf, 0, n);
                    }
                } catch (java.net.SocketTimeoutException timeout) {
                    break;
                } catch (SocketException reset) {
                    closed = true;
                }
            }
            peerClosed |= closed;
            return new Ending(closed, (System.nanoTime() - startNanos) / 1_000_000,
                    response.toString(StandardCharsets.ISO_8859_1));
        }

        @Override
        public void close() throws IOException {
            peerClosed = true;
            if (trickler != null) {
                trickler.interrupt();
            }
            socket.close();
        }
    }
}
