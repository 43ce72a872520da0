package dev.pixelwise.work;

import dev.pixelwise.problem.AppException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdmissionLineTest {

    private long now = 1_000_000_000_000L;
    private final AdmissionLine line = new AdmissionLine(() -> now);

    private void later(double seconds) {
        now += (long) (seconds * 1e9);
    }

    @Test
    void whoeverWasRefusedFirstGetsInFirst() {
        assertDoesNotThrow(() -> line.enter(null, 5, 0.5), "nobody waiting, room: try the queue");
        AppException.QueueFull first = line.refused(null, 0.5); // the queue was full after all
        assertEquals(1, first.retryAfterSeconds());
        assertTrue(first.getMessage().contains("you are next"), first.getMessage());

        // a newcomer, with no room left, queues behind it: a later time
        AppException.QueueFull second = assertThrows(AppException.QueueFull.class, () -> line.enter(null, 0, 0.5));
        assertNotEquals(first.ticket(), second.ticket());
        assertTrue(second.getMessage().contains("1 ahead of you"), second.getMessage());
        assertEquals(1, second.retryAfterSeconds()); // ceil(2 × 0.5)

        // coming back early keeps the place and is told again
        AppException.QueueFull early = assertThrows(AppException.QueueFull.class,
                () -> line.enter(second.ticket(), 0, 0.5));
        assertEquals(second.ticket(), early.ticket());

        // one place frees: it is the first ticket's, even before its time, not a newcomer's
        assertThrows(AppException.QueueFull.class, () -> line.enter(null, 1, 0.5));
        assertDoesNotThrow(() -> line.enter(first.ticket(), 1, 0.5));
        line.admitted(first.ticket());
        assertEquals(2, line.waiting(), "the second ticket and the newcomer refused above");
    }

    @Test
    void aPlaceNobodyInLineCanTakeSoonGoesToWhoeverAsks() {
        AppException.QueueFull far = line.refused(null, 5.0); // due back in 5 s
        assertEquals(5, far.retryAfterSeconds());
        assertDoesNotThrow(() -> line.enter(null, 1, 5.0), "the queue must not idle while the line sleeps");
        later(4.2); // now it is due within a second: the place is kept for it
        assertThrows(AppException.QueueFull.class, () -> line.enter(null, 1, 5.0));
        assertDoesNotThrow(() -> line.enter(null, 2, 5.0), "a second place is free for a newcomer");
    }

    @Test
    void aHolderWhoseTimeHasComeMayTryAndKeepsItsPlaceIfStillRefused() {
        AppException.QueueFull t = line.refused(null, 2.0);
        assertEquals(2, t.retryAfterSeconds());
        later(1.9); // within the quarter second of slack before its time
        assertDoesNotThrow(() -> line.enter(t.ticket(), 0, 2.0));
        AppException.QueueFull again = line.refused(t.ticket(), 2.0);
        assertEquals(t.ticket(), again.ticket());
        assertTrue(again.getMessage().contains("you are next"));
    }

    @Test
    void aTicketNotUsedInTimeLapsesAndFreesTheLine() {
        AppException.QueueFull t = line.refused(null, 1.0);
        later(t.retryAfterSeconds() + 10.5); // its time plus the grace
        assertEquals(0, line.waiting());
        assertDoesNotThrow(() -> line.enter(null, 1, 1.0));
        // a lapsed ticket counts as none: the client goes to the back of the line
        AppException.QueueFull back = line.refused(t.ticket(), 1.0);
        assertNotEquals(t.ticket(), back.ticket());
    }

    @Test
    void retryAfterGrowsWithThePlaceAndStaysWithinBounds() {
        for (int i = 0; i < 9; i++) {
            line.refused(null, 0.25);
        }
        AppException.QueueFull tenth = line.refused(null, 0.25);
        assertEquals(3, tenth.retryAfterSeconds()); // ceil(10 × 0.25)
        assertTrue(tenth.getMessage().contains("9 ahead of you"), tenth.getMessage());
        assertEquals(600, new AdmissionLine(() -> 0L).refused(null, 10_000).retryAfterSeconds());
    }
}
