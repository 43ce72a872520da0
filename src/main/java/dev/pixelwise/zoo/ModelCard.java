package dev.pixelwise.zoo;

import java.util.List;
import java.util.Map;

/**
 * A model as {@code GET /api/v1/models} and the pages show it.
 *
 * @param state  missing, fetching, available, failed, loading or loaded
 * @param reason why it is missing or failed (null otherwise)
 */
public record ModelCard(String id, String task, String title, String architecture, String format, String license,
                        Map<String, Object> input, ModelManifest.Accuracy accuracy, List<FileCard> files, String state,
                        String reason) {

    public record FileCard(String name, String sha256, long size) {
    }
}
