package dev.pixelwise.work;

import dev.pixelwise.problem.AppException;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A line for clients the full queue turned away, so that whoever was refused first gets in first
 * instead of whoever retries at the lucky moment. A refused client gets a ticket and a Retry-After
 * that grows with its place; while holders are due back, a newcomer queues behind them. A holder
 * may try again once its time has come, and leaves the line when it gets in; a holder that does not
 * come back in time loses its place, so a vanished client never blocks the line.
 */
final class AdmissionLine {

    /** How long past its time a ticket stays valid. */
    static final long GRACE_NANOS = 10_000_000_000L;
    /** A place is kept for a holder whose time comes within this. */
    static final long SOON_NANOS = 1_000_000_000L;
    /** Coming back this much before the time told is still on time (Retry-After is whole seconds). */
    static final long EARLY_NANOS = 250_000_000L;

    private final LongSupplier clock;
    /** Tickets in the order they were given; each with when it may come back and when it expires. */
    private final Map<String, long[]> line = new LinkedHashMap<>();
    private long issued;

    AdmissionLine(LongSupplier nanoClock) {
        this.clock = nanoClock;
    }

    /**
     * Whether a request may try the queue now. Returns normally when it may; throws 429 with its
     * (new or kept) ticket when it must wait.
     *
     * @param ticket         the ticket the client sent back, or null
     * @param room           places free in the queue now (as far as this node knows)
     * @param secondsPerSlot how long the queue takes to free one place, for the Retry-After
     */
    synchronized void enter(String ticket, int room, double secondsPerSlot) {
        long now = clock.getAsLong();
        expire(now);
        long[] mine = ticket == null ? null : line.get(ticket);
        if (mine == null && due(now) < room) {
            return; // room for everyone in line who is coming back now, and for this one too
        }
        if (mine != null && (now >= mine[0] - EARLY_NANOS || place(ticket) < room)) {
            return; // its time has come, or its place has: try the queue (it keeps its place if still refused)
        }
        throw refuse(mine == null ? newTicket() : ticket, secondsPerSlot, now);
    }

    /** The request got into the queue: its ticket, if any, leaves the line. */
    synchronized void admitted(String ticket) {
        if (ticket != null) {
            line.remove(ticket);
        }
    }

    /** The queue was full after all: the client keeps (or gets) a place and a new time. */
    synchronized AppException.QueueFull refused(String ticket, double secondsPerSlot) {
        long now = clock.getAsLong();
        expire(now);
        String kept = ticket != null && line.containsKey(ticket) ? ticket : newTicket();
        return refuse(kept, secondsPerSlot, now);
    }

    /**
     * Holders whose time comes within {@link #SOON_NANOS}: the ones a free place is kept for. A place
     * nobody in line can take before then goes to whoever asks, so the queue never idles while
     * the line sleeps.
     */
    private int due(long now) {
        int n = 0;
        for (long[] times : line.values()) {
            if (times[0] - now <= SOON_NANOS) {
                n++;
            }
        }
        return n;
    }

    /** Holders due back about now: what a batch's next image must leave room for. */
    synchronized int dueNow() {
        long now = clock.getAsLong();
        expire(now);
        return due(now);
    }

    synchronized int waiting() {
        expire(clock.getAsLong());
        return line.size();
    }

    private String newTicket() {
        String t = Long.toString(++issued, 36) + "-" + JobId.next().substring(0, 8);
        line.put(t, new long[2]);
        return t;
    }

    private int place(String ticket) {
        int ahead = 0;
        for (String t : line.keySet()) {
            if (t.equals(ticket)) {
                break;
            }
            ahead++;
        }
        return ahead;
    }

    /** Sets the ticket's time from its place: the places ahead of it free one by one. */
    private AppException.QueueFull refuse(String ticket, double secondsPerSlot, long now) {
        int ahead = place(ticket);
        long seconds = Math.max(1, Math.min(600, (long) Math.ceil((ahead + 1) * Math.max(0.05, secondsPerSlot))));
        long[] times = line.get(ticket);
        times[0] = now + seconds * 1_000_000_000L;
        times[1] = times[0] + Math.max(GRACE_NANOS, seconds * 1_000_000_000L);
        return new AppException.QueueFull(seconds, ticket, ahead);
    }

    private void expire(long now) {
        for (Iterator<long[]> it = line.values().iterator(); it.hasNext(); ) {
            if (now - it.next()[1] > 0) {
                it.remove();
            }
        }
    }
}
