package dev.pixelwise.api;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenBucketTest {

    static final long SECOND = 1_000_000_000L;

    @Test
    void burstsUpToCapacityThenRefillsAtTheRate() {
        TokenBucket bucket = new TokenBucket(3, 0.5, 0); // 3 tokens, one every 2 s
        assertEquals(0, bucket.tryTake(0));
        assertEquals(0, bucket.tryTake(0));
        assertEquals(0, bucket.tryTake(0));
        long wait = bucket.tryTake(0);
        assertEquals(2 * SECOND, wait, SECOND / 1000.0);
        assertTrue(bucket.tryTake(SECOND) > 0, "half a token after 1 s");
        assertEquals(0, bucket.tryTake(2 * SECOND));
    }

    @Test
    void neverHoldsMoreThanItsCapacity() {
        TokenBucket bucket = new TokenBucket(2, 1, 0);
        long later = 3600 * SECOND;
        assertEquals(0, bucket.tryTake(later));
        assertEquals(0, bucket.tryTake(later));
        assertTrue(bucket.tryTake(later) > 0);
    }
}
