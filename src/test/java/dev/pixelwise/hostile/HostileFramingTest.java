package dev.pixelwise.hostile;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static dev.pixelwise.hostile.HostileInputTest.GOOD_IMAGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile HTTP framing, sent as raw bytes over a socket: multipart bodies over the form limits
 * (quarkus.http.limits.max-form-*), without a boundary, with absurd file names; malformed request
 * lines and over-long URLs and headers; and the JDK client's HTTP/2 cleartext upgrade. Each gets
 * a 4xx (a problem naming the limit wherever the request reaches the app) and costs the log at
 * most one line without a stack trace, so nobody can flood it.
 */
@QuarkusTest
class HostileFramingTest {

    static final String BOUNDARY = "hostile-framing-0b1c";
    static final int MAX_FORM_FIELDS = 600;
    static final int MAX_FORM_ATTRIBUTE_BYTES = 4096;

    private final LogCapture log = new LogCapture();
    static boolean warm;

    @BeforeEach
    void captureLog() throws IOException {
        if (!warm) {
            // The first job loads the compute backend, which says so at INFO; that is not what is measured here.
            assertEquals(200, post(multipart(List.of(file("card.png", GOOD_IMAGE)))).status());
            warm = true;
        }
        Logger.getLogger("").addHandler(log);
    }

    @AfterEach
    void releaseLog() {
        Logger.getLogger("").removeHandler(log);
    }

    @Test
    void tooManyFormFieldsIs413NamingTheLimit() throws IOException {
        List<byte[]> parts = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            parts.add(field("f" + i, "x"));
        }
        assertProblem(post(multipart(parts)), 413, "form-too-large", "more than " + MAX_FORM_FIELDS + " fields");
    }

    @Test
    void aFormFieldOfThreeMegabytesIs413NamingTheLimit() throws IOException {
        byte[] big = "x".repeat(3 << 20).getBytes(StandardCharsets.US_ASCII);
        assertProblem(post(multipart(List.of(field("k", big), file("a.png", GOOD_IMAGE)))), 413, "form-too-large",
                "larger than " + MAX_FORM_ATTRIBUTE_BYTES + " bytes");
    }

    @Test
    void multipartWithoutABoundaryIs400() throws IOException {
        byte[] body = multipart(List.of(file("a.png", GOOD_IMAGE)));
        assertProblem(post("/api/v1/inspect", "multipart/form-data", body), 400, "malformed-form", "boundary");
        assertProblem(post("/api/v1/inspect", "multipart/form-data; boundary=", body), 400, "malformed-form", "boundary");
        assertProblem(post("/api/v1/inspect", "multipart/form-data; boundary=" + "b".repeat(71), body), 400,
                "malformed-form", "boundary");
    }

    /** Over the attribute limit Netty refuses the name itself; between 255 and that, the app does. */
    @Test
    void aFileNameOfFiveThousandCharactersIs400() throws IOException {
        assertProblem(post(multipart(List.of(file("a".repeat(5000) + ".png", GOOD_IMAGE)))), 400, "malformed-form",
                "file name is longer than " + MAX_FORM_ATTRIBUTE_BYTES + " bytes");
        Reply reply = post(multipart(List.of(file("a".repeat(300) + ".png", GOOD_IMAGE))));
        assertProblem(reply, 400, "bad-option", "at most 255");
        assertEquals("image", reply.json().getString("field"));
    }

    /** A part header split over many TCP segments outgrows the buffered bytes before Netty can parse it. */
    @Test
    void aPartHeaderTrickledPastTheBufferIs400() throws IOException {
        byte[] body = multipart(List.of(file("a".repeat(3000) + ".png", GOOD_IMAGE)));
        assertProblem(RawHttp.exchange(head("/api/v1/inspect", "multipart/form-data; boundary=" + BOUNDARY, body.length),
                body, 256), 400, "malformed-form", null);
    }

    /** The limits leave room for an ordinary upload with options. */
    @Test
    void anOrdinaryFormStillWorks() throws IOException {
        Reply reply = post(multipart(List.of(field("thumbnail", "64"), file("card.png", GOOD_IMAGE))));
        assertEquals(200, reply.status(), reply.toString());
        assertEquals("succeeded", reply.json().getString("status"));
        assertQuietLog();
    }

    /**
     * Refused by Vert.x before any handler of ours can run (Quarkus exposes no invalid-request
     * handler), so these stay bare status lines; what matters is that they close the connection
     * and log nothing. See the README, "Limits and errors".
     */
    @Test
    void malformedRequestLinesAndOverlongUrlsAndHeadersAreRefusedQuietly() throws IOException {
        Reply badLine = RawHttp.exchange(ascii("GET /\u0001 x HTTP/1.1\r\nHost: localhost\r\n\r\n"), new byte[0], 0);
        assertEquals(400, badLine.status(), badLine.toString());
        Reply notHttp = RawHttp.exchange(ascii("HELLO\r\n\r\n"), new byte[0], 0);
        assertEquals(400, notHttp.status(), notHttp.toString());
        Reply longUrl = RawHttp.exchange(ascii("GET /api/v1/" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n"),
                new byte[0], 0);
        assertEquals(414, longUrl.status(), longUrl.toString());
        Reply bigHeader = RawHttp.exchange(ascii("GET / HTTP/1.1\r\nHost: localhost\r\nX-Filler: " + "a".repeat(30_000)
                + "\r\n\r\n"), new byte[0], 0);
        assertEquals(431, bigHeader.status(), bigHeader.toString());
        for (Reply reply : List.of(badLine, notHttp, longUrl, bigHeader)) {
            assertTrue(reply.closed(), "connection left open after " + reply);
        }
        assertQuietLog();
    }

    /**
     * The JDK client's default offers an HTTP/2 cleartext upgrade on the first request. HTTP/2 is
     * off (an HTTP/2 upload failed with "Request has already been read"), so it stays on HTTP/1.1
     * and both the upgrade request and the next one on the connection work.
     */
    @Test
    void anH2cUpgradeWithAMultipartBodyWorks() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        byte[] body = multipart(List.of(file("card.png", GOOD_IMAGE)));
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                            URI.create(RestAssured.baseURI + ":" + RestAssured.port + "/api/v1/inspect"))
                    .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            assertEquals(HttpClient.Version.HTTP_1_1, response.version());
            assertEquals("succeeded", JsonPath.from(response.body()).getString("status"));
        }
        assertQuietLog();
    }

    // ---- helpers ----

    void assertProblem(Reply reply, int status, String type, String detailPart) {
        assertEquals(status, reply.status(), reply.toString());
        assertTrue(reply.contentType() != null && reply.contentType().startsWith("application/problem+json"), reply.toString());
        JsonPath json = reply.json();
        assertEquals(status, json.getInt("status"), reply.toString());
        assertTrue(json.getString("type").endsWith("/" + type), reply.toString());
        if (detailPart != null) {
            assertTrue(json.getString("detail").contains(detailPart), reply.toString());
        }
        assertFalse(reply.body().contains("Internal Server Error"), reply.toString());
        assertQuietLog();
    }

    /** At most one short line per refused request, none with a stack trace and none above INFO. */
    void assertQuietLog() {
        List<LogRecord> records = log.drain();
        for (LogRecord r : records) {
            assertTrue(r.getThrown() == null, "logged a stack trace: " + r.getLoggerName() + " " + r.getMessage() + " " + r.getThrown());
            assertTrue(r.getLevel().intValue() <= Level.INFO.intValue(), "logged at " + r.getLevel() + ": " + r.getMessage());
        }
        assertTrue(records.size() <= 1, records.size() + " log records: " + records.stream().map(LogRecord::getMessage).toList());
    }

    static Reply post(byte[] body) throws IOException {
        return post("/api/v1/inspect", "multipart/form-data; boundary=" + BOUNDARY, body);
    }

    static Reply post(String path, String contentType, byte[] body) throws IOException {
        return RawHttp.exchange(head(path, contentType, body.length), body, 0);
    }

    static byte[] head(String path, String contentType, int length) {
        return ascii("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + contentType
                + "\r\nContent-Length: " + length + "\r\nConnection: close\r\n\r\n");
    }

    static byte[] multipart(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(ascii("--" + BOUNDARY + "\r\n"));
            out.writeBytes(part);
            out.writeBytes(ascii("\r\n"));
        }
        out.writeBytes(ascii("--" + BOUNDARY + "--\r\n"));
        return out.toByteArray();
    }

    static byte[] field(String name, String value) {
        return field(name, value.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] field(String name, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ascii("Content-Disposition: form-data; name=\"" + name + "\"\r\n\r\n"));
        out.writeBytes(value);
        return out.toByteArray();
    }

    static byte[] file(String fileName, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ascii("Content-Disposition: form-data; name=\"image\"; filename=\"" + fileName
                + "\"\r\nContent-Type: image/png\r\n\r\n"));
        out.writeBytes(content);
        return out.toByteArray();
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A status line, the Content-Type, the body, and whether the server closed the connection. */
    record Reply(int status, String contentType, String body, boolean closed) {
        JsonPath json() {
            return JsonPath.from(body);
        }

        @Override
        public String toString() {
            return status + " " + contentType + " " + (body.length() > 300 ? body.substring(0, 300) + "…" : body);
        }
    }

    /** One request over a raw socket; the server may answer and close before the body is all sent. */
    static final class RawHttp {
        static final int READ_TIMEOUT_MS = 30_000;

        /** Sends head and body ({@code segment} bytes at a time with a flush each, or all at once when 0). */
        static Reply exchange(byte[] head, byte[] body, int segment) throws IOException {
            try (Socket socket = new Socket("localhost", RestAssured.port)) {
                socket.setSoTimeout(READ_TIMEOUT_MS);
                socket.setTcpNoDelay(true);
                Thread writer = new Thread(() -> write(socket, head, body, segment), "raw-http-writer");
                writer.setDaemon(true);
                writer.start();
                ByteArrayOutputStream response = new ByteArrayOutputStream();
                boolean closed = false;
                InputStream in = socket.getInputStream();
                byte[] buf = new byte[8192];
                try {
                    for (int n; (n = in.read(buf)) >= 0; ) {
                        response.write(buf, 0, n);
                    }
                    closed = true;
                } catch (SocketTimeoutException open) {
                    // the connection stayed open
                } catch (SocketException reset) {
                    closed = true; // closed while the writer was still sending
                }
                return parse(response.toString(StandardCharsets.UTF_8), closed);
            }
        }

        private static void write(Socket socket, byte[] head, byte[] body, int segment) {
            try {
                OutputStream out = socket.getOutputStream();
                out.write(head);
                out.flush();
                int step = segment > 0 ? segment : Math.max(1, body.length);
                for (int i = 0; i < body.length; i += step) {
                    out.write(body, i, Math.min(step, body.length - i));
                    out.flush();
                    if (segment > 0) {
                        Thread.sleep(2);
                    }
                }
            } catch (IOException | InterruptedException stopped) {
                // the server answered and closed before the whole body was sent
            }
        }

        private static Reply parse(String response, boolean closed) {
            if (response.isEmpty()) {
                return new Reply(-1, null, "", closed);
            }
            int headEnd = response.indexOf("\r\n\r\n");
            String head = headEnd < 0 ? response : response.substring(0, headEnd);
            String body = headEnd < 0 ? "" : response.substring(headEnd + 4);
            String[] lines = head.split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            String contentType = null;
            for (String line : lines) {
                if (line.regionMatches(true, 0, "content-type:", 0, 13)) {
                    contentType = line.substring(13).trim();
                }
            }
            return new Reply(status, contentType, body, closed);
        }
    }

    /** Every log record of the app (it runs in this JVM) from any logger. */
    static final class LogCapture extends Handler {
        private final List<LogRecord> records = Collections.synchronizedList(new ArrayList<>());

        LogCapture() {
            setLevel(Level.ALL);
        }

        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.INFO.intValue() || record.getThrown() != null) {
                records.add(record);
            }
        }

        List<LogRecord> drain() {
            synchronized (records) {
                List<LogRecord> copy = new ArrayList<>(records);
                records.clear();
                return copy;
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
