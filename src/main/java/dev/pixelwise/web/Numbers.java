package dev.pixelwise.web;

import io.quarkus.qute.TemplateExtension;

import java.text.NumberFormat;
import java.util.Locale;

/**
 * Numbers as the result pages show them: grouped by thousands ("112,525") and sizes with a unit,
 * so a reader does not count digits. English grouping, as the pages are in English.
 */
@TemplateExtension
public final class Numbers {

    private Numbers() {
    }

    /** {@code {n.grouped}}: 112525 → "112,525"; a whole decimal shows no ".0". */
    static String grouped(Number n) {
        if (n == null) {
            return "";
        }
        NumberFormat f = NumberFormat.getNumberInstance(Locale.ENGLISH);
        f.setMaximumFractionDigits(2);
        return f.format(n);
    }

    /** {@code {n.sizeText}}: bytes with the exact count and a rounded unit, "112,525 bytes (110 KB)". */
    static String sizeText(Number bytes) {
        if (bytes == null) {
            return "";
        }
        long b = bytes.longValue();
        String exact = grouped(b) + (b == 1 ? " byte" : " bytes");
        if (b < 1024) {
            return exact;
        }
        double kb = b / 1024.0;
        String rounded = kb < 1024 ? Math.round(kb) + " KB" : String.format(Locale.ENGLISH, "%.1f MB", kb / 1024);
        return exact + " (" + rounded + ")";
    }
}
