package dev.pixelwise.api;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class PageSessionsTest {

    static final String A = "key-a-0f4b8e2d6c1a9357";
    static final String B = "key-b-7d2e91c4a6f05b83";
    static final long NOW = 1_800_000_000L;

    @Test
    void aSessionNamesTheKeyThatSignedItOnEveryNodeWithThatKey() {
        PageSessions node = new PageSessions(List.of(A, B));
        String session = node.issue(1, NOW);
        assertEquals(1, node.verify(session, NOW));
        // Another node lists the keys in another order: it still knows the session, as its own number for B.
        assertEquals(0, new PageSessions(List.of(B, A)).verify(session, NOW));
        // Once B is no longer configured, its sessions end.
        assertEquals(-1, new PageSessions(List.of(A)).verify(session, NOW));
        assertNotEquals(session, node.issue(1, NOW), "each session is its own");
        assertFalse(session.contains(B) || session.contains(B.substring(6)), session);
    }

    @Test
    void expiredTamperedOrMalformedSessionsAreNone() {
        PageSessions node = new PageSessions(List.of(A, B));
        String session = node.issue(0, NOW);
        long expiry = NOW + PageSessions.TTL.toSeconds();
        assertEquals(0, node.verify(session, expiry - 1));
        assertEquals(-1, node.verify(session, expiry));
        String[] parts = session.split("\\.");
        assertEquals(-1, node.verify(parts[0] + "." + (expiry + 86_400) + "." + parts[2] + "." + parts[3], NOW));
        assertEquals(-1, node.verify(parts[0] + "." + parts[1] + "." + parts[2] + "x." + parts[3], NOW));
        for (String bad : List.of("", "v1", "v1.1.2", "v2." + parts[1] + "." + parts[2] + "." + parts[3],
                "v1.x." + parts[2] + "." + parts[3], "v1." + parts[1] + "." + parts[2] + ".!!", session + ".x", A)) {
            assertEquals(-1, node.verify(bad, NOW), bad);
        }
        assertEquals(-1, node.verify(null, NOW));
    }
}
