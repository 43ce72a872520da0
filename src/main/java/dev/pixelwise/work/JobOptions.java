package dev.pixelwise.work;

import dev.pixelwise.problem.AppException;

import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A task's form fields with typed, bounded access. Every read is recorded so that fields no
 * option read (typos, options of another task) are refused instead of silently ignored.
 */
public final class JobOptions {

    private final Map<String, String> fields;
    private final Set<String> read = new HashSet<>();

    public JobOptions(Map<String, String> fields) {
        this.fields = Map.copyOf(fields);
    }

    /**
     * The trimmed value, or the spec's default when the field is absent. A field sent empty is
     * refused rather than read as "default": over the API it is usually an unset variable. (The
     * page's form drops its empty inputs before they get here.)
     */
    public String raw(OptionSpec spec) {
        return present(spec) ? fields.get(spec.name()).trim() : spec.defaultValue();
    }

    /** Whether the field was sent; refuses one sent empty, like {@link #raw}. */
    public boolean present(OptionSpec spec) {
        read.add(spec.name());
        String v = fields.get(spec.name());
        if (v != null && v.isBlank()) {
            throw new AppException.BadOption(spec.name(), "is empty; leave the field out to use "
                    + (spec.defaultValue() == null ? "none" : "the default, " + spec.defaultValue()));
        }
        return v != null;
    }

    public int integer(OptionSpec spec) {
        String v = raw(spec);
        try {
            return (int) checkRange(spec, Integer.parseInt(v));
        } catch (NumberFormatException | NullPointerException e) {
            throw new AppException.BadOption(spec.name(), "'" + v + "' is not a whole number");
        }
    }

    public double decimal(OptionSpec spec) {
        String v = raw(spec);
        double d;
        try {
            d = Double.parseDouble(v);
        } catch (NumberFormatException | NullPointerException e) {
            throw new AppException.BadOption(spec.name(), "'" + v + "' is not a number");
        }
        if (!Double.isFinite(d)) {
            throw new AppException.BadOption(spec.name(), "must be a finite number");
        }
        return checkRange(spec, d);
    }

    public boolean bool(OptionSpec spec) {
        String v = raw(spec).toLowerCase(Locale.ROOT);
        return switch (v) {
            case "true", "on", "1", "yes" -> true;
            case "false", "off", "0", "no" -> false;
            default -> throw new AppException.BadOption(spec.name(), "'" + v + "' is not true or false");
        };
    }

    public String choice(OptionSpec spec) {
        String v = raw(spec);
        for (String c : spec.choices()) {
            if (c.equalsIgnoreCase(v)) {
                return c;
            }
        }
        throw new AppException.BadOption(spec.name(), "'" + v + "' is not one of " + String.join(", ", spec.choices()));
    }

    /** Refuses any field that no option read. Call after the task parsed its options. */
    public void rejectUnread() {
        Set<String> unknown = new TreeSet<>(fields.keySet());
        unknown.removeAll(read);
        if (!unknown.isEmpty()) {
            String name = unknown.iterator().next();
            throw new AppException.BadOption(name, "is not an option of this task");
        }
    }

    private static double checkRange(OptionSpec spec, double value) {
        if ((spec.min() != null && value < spec.min()) || (spec.max() != null && value > spec.max())) {
            throw new AppException.BadOption(spec.name(), "must be between " + fmt(spec.min()) + " and " + fmt(spec.max())
                    + ", was " + fmt(value));
        }
        return value;
    }

    private static String fmt(Double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString(d.longValue()) : d.toString();
    }
}
