package dev.pixelwise.web;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class NumbersTest {

    @Test
    void groupsThousandsAndDropsAWholeDecimalsPoint() {
        assertEquals("112,525", Numbers.grouped(112525L));
        assertEquals("30,000", Numbers.grouped(30000.0), "Target bytes 30000.0 reads as an integer");
        assertEquals("38.25", Numbers.grouped(38.25));
        assertEquals("7", Numbers.grouped(7));
    }

    @Test
    void sizesKeepTheExactCountAndAddARoundedUnit() {
        assertEquals("1 byte", Numbers.sizeText(1));
        assertEquals("1,023 bytes", Numbers.sizeText(1023));
        assertEquals("112,525 bytes (110 KB)", Numbers.sizeText(112525L));
        assertEquals("3,145,728 bytes (3.0 MB)", Numbers.sizeText(3L << 20));
    }
}
