package dev.pixelwise.work;

import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A job id is the only key to a job's files, so it must be unguessable: 128 random bits. */
class JobIdTest {

    @Test
    void idsAre128RandomBitsInUrlSafeBase64() {
        int n = 1000;
        Set<String> ids = new HashSet<>();
        int[] onesAt = new int[128];
        long ones = 0;
        for (int i = 0; i < n; i++) {
            String id = JobId.next();
            assertTrue(id.matches("[A-Za-z0-9_-]{22}"), id);
            assertTrue(JobId.isWellFormed(id), id);
            byte[] bits = Base64.getUrlDecoder().decode(id);
            assertEquals(16, bits.length, id);
            for (int b = 0; b < 128; b++) {
                if ((bits[b / 8] >> (b % 8) & 1) == 1) {
                    onesAt[b]++;
                    ones++;
                }
            }
            ids.add(id);
        }
        assertEquals(n, ids.size(), "all distinct");
        // A counter, a clock or a narrow seed leaves bits that barely change; random bits are each
        // set about half the time (σ ≈ 16 per position over 1000 ids, so ±120 is far outside chance).
        assertEquals(0.5, ones / (128.0 * n), 0.02);
        for (int b = 0; b < 128; b++) {
            assertTrue(onesAt[b] > 380 && onesAt[b] < 620, "bit " + b + " set in " + onesAt[b] + " of " + n);
        }
    }

    @Test
    void onlyOurShapeIsWellFormed() {
        for (String bad : new String[]{null, "", "..", "../AAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAAAA",
                "AAAAAAAAAAAAAAAAAAAA/A", "AAAAAAAAAAAAAAAAAAAA\\A", "AAAAAAAAAAAAAAAAAAAA.A", "AAAAAAAAAAAAAAAAAAAA\0A",
                "AAAAAAAAAAAAAAAAAAAA+A", "AAAAAAAAAAAAAAAAAAAA=="}) {
            assertFalse(JobId.isWellFormed(bad), String.valueOf(bad));
        }
    }
}
