package dev.pixelwise.zoo.tflite;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** A readable model uses operators that a consumer (importer, interpreter) does not support. */
public class TfliteUnsupportedOperatorException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final Map<String, Integer> unsupported;

    /** @param unsupported operator name → how many times the graph uses it, in first-use order */
    public TfliteUnsupportedOperatorException(Map<String, Integer> unsupported) {
        super("unsupported TFLite operators: " + unsupported.entrySet().stream()
                .map(e -> e.getKey() + " \u00d7" + e.getValue())
                .collect(Collectors.joining(", ")));
        this.unsupported = Collections.unmodifiableMap(new LinkedHashMap<>(unsupported));
    }

    /** Operator name → use count, in the order the graph first uses them. */
    public Map<String, Integer> unsupported() {
        return unsupported;
    }
}
