package dev.pixelwise.batch;

import dev.pixelwise.classify.ClassifyResult;
import dev.pixelwise.inspect.InspectTask;
import dev.pixelwise.quantize.QuantizeResult;
import dev.pixelwise.segment.SegmentResult;
import dev.pixelwise.superres.UpscaleResult;

import java.util.Locale;

/** One line of a child's result for the batch table: what a user scans a column of results for. */
final class ChildSummary {

    private ChildSummary() {
    }

    static String of(Object result) {
        if (result instanceof QuantizeResult q) {
            return quantize(q);
        }
        if (result instanceof ClassifyResult c) {
            if (c.collection() != null && c.collection().unknown()) {
                return "unknown";
            }
            return c.predictions().isEmpty() ? null : String.format(Locale.ROOT, "%s %.0f %%",
                    c.predictions().get(0).label(), 100 * c.predictions().get(0).probability());
        }
        if (result instanceof UpscaleResult u) {
            return "×" + u.scale() + ": " + u.width() + "×" + u.height();
        }
        if (result instanceof SegmentResult s) {
            return s.classes().isEmpty() ? s.mode() : s.mode() + ": " + s.classes().size() + " classes";
        }
        if (result instanceof InspectTask.Result i) {
            return i.format() + " " + i.width() + "×" + i.height();
        }
        return null;
    }

    /** Bytes of the file {@link #of} names for a quantize result (the recommended, else the first k); null otherwise. */
    static Long outputBytes(Object result) {
        if (result instanceof QuantizeResult q) {
            if (q.recommendation() != null) {
                return q.recommendation().bytes();
            }
            return q.variants().isEmpty() ? null : q.variants().get(0).bytes();
        }
        return null;
    }

    /** The recommended file, else the first palette size, against the upload's bytes. */
    private static String quantize(QuantizeResult q) {
        long original = q.original().bytes();
        String what;
        long bytes;
        if (q.recommendation() != null) {
            QuantizeResult.Recommendation r = q.recommendation();
            what = r.k() != null ? "k=" + r.k() : r.format() + (r.quality() != null ? " q" + r.quality() : "");
            bytes = r.bytes();
        } else if (!q.variants().isEmpty()) {
            what = "k=" + q.variants().get(0).k();
            bytes = q.variants().get(0).bytes();
        } else {
            return null;
        }
        return original > 0 ? String.format(Locale.ROOT, "%s: %s (%+.0f %%)", what, size(bytes), 100.0 * (bytes - original) / original)
                : what + ": " + size(bytes);
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.0f KB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024));
    }
}
