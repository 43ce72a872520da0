package dev.pixelwise.work;

import java.util.List;
import java.util.Map;

/**
 * One task option: the single source for its form field on the page, its documented default and
 * its bounds, which {@link JobOptions} enforces.
 *
 * @param min inclusive lower bound for numbers (null = none)
 * @param max inclusive upper bound for numbers (null = none)
 * @param choiceLabels what the page shows for some choices (e.g. "esrgan-slim (fast preview)"); the value is sent as is
 */
public record OptionSpec(String name, String label, Kind kind, String defaultValue, Double min, Double max,
                         List<String> choices, String help, Map<String, String> choiceLabels) {

    public enum Kind { INTEGER, DECIMAL, CHOICE, BOOLEAN, TEXT }

    public static OptionSpec integer(String name, String label, Integer defaultValue, int min, int max, String help) {
        return new OptionSpec(name, label, Kind.INTEGER, defaultValue == null ? null : defaultValue.toString(),
                (double) min, (double) max, List.of(), help, Map.of());
    }

    public static OptionSpec decimal(String name, String label, Double defaultValue, double min, double max, String help) {
        return new OptionSpec(name, label, Kind.DECIMAL, defaultValue == null ? null : defaultValue.toString(),
                min, max, List.of(), help, Map.of());
    }

    public static OptionSpec choice(String name, String label, String defaultValue, List<String> choices, String help) {
        return choice(name, label, defaultValue, choices, help, Map.of());
    }

    public static OptionSpec choice(String name, String label, String defaultValue, List<String> choices, String help,
                                    Map<String, String> choiceLabels) {
        return new OptionSpec(name, label, Kind.CHOICE, defaultValue, null, null, List.copyOf(choices), help,
                Map.copyOf(choiceLabels));
    }

    /** The page's text for a choice: its label, or the value itself. */
    public String choiceLabel(String value) {
        return choiceLabels.getOrDefault(value, value);
    }

    public static OptionSpec bool(String name, String label, boolean defaultValue, String help) {
        return new OptionSpec(name, label, Kind.BOOLEAN, Boolean.toString(defaultValue), null, null, List.of(), help, Map.of());
    }

    public static OptionSpec text(String name, String label, String defaultValue, String help) {
        return new OptionSpec(name, label, Kind.TEXT, defaultValue, null, null, List.of(), help, Map.of());
    }

    /** For number inputs: the step that fits the kind. */
    public String step() {
        return kind == Kind.INTEGER ? "1" : "any";
    }
}
