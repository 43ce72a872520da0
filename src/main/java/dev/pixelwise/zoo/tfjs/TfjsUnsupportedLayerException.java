package dev.pixelwise.zoo.tfjs;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A readable TF.js layers model uses layer classes that {@link TfjsImporter} does not translate.
 * The message names every such class once, with how many layers use it and the first layer names.
 */
public class TfjsUnsupportedLayerException extends UnsupportedOperationException {

    private static final long serialVersionUID = 1L;

    private final Map<String, List<String>> unsupported;

    /** @param unsupported layer class → names of the layers of that class, in model order */
    public TfjsUnsupportedLayerException(String source, Map<String, List<String>> unsupported) {
        super(source + " uses layer classes the SameDiff importer does not support: "
                + unsupported.entrySet().stream().map(e -> e.getKey() + " \u00d7" + e.getValue().size()
                        + " (" + e.getValue().stream().limit(3).collect(Collectors.joining(", "))
                        + (e.getValue().size() > 3 ? ", …" : "") + ")")
                .collect(Collectors.joining(", "))
                + "; supported: " + String.join(", ", TfjsImporter.SUPPORTED_LAYERS));
        Map<String, List<String>> copy = new LinkedHashMap<>();
        unsupported.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        this.unsupported = Collections.unmodifiableMap(copy);
    }

    /** Unsupported layer class → names of the layers using it, in the order the model first uses them. */
    public Map<String, List<String>> unsupported() {
        return unsupported;
    }
}
