package dev.pixelwise.imaging;

/** The formats {@link FormatEncoder} writes for the matched-size comparison, with their file identities. */
public enum CompressedFormat {
    WEBP("webp", "webp", "image/webp", true),
    JPEG("jpeg", "jpg", "image/jpeg", true),
    WEBP_LOSSLESS("webp-lossless", "webp", "image/webp", false),
    AVIF("avif", "avif", "image/avif", true);

    private final String id;
    private final String extension;
    private final String mediaType;
    private final boolean lossy;

    CompressedFormat(String id, String extension, String mediaType, boolean lossy) {
        this.id = id;
        this.extension = extension;
        this.mediaType = mediaType;
        this.lossy = lossy;
    }

    /** The name used in the API and in file names, e.g. {@code "webp-lossless"}. */
    public String id() {
        return id;
    }

    /** File extension without the dot. */
    public String extension() {
        return extension;
    }

    public String mediaType() {
        return mediaType;
    }

    /** Whether the quality setting trades pixels for bytes (lossless WebP ignores it). */
    public boolean lossy() {
        return lossy;
    }

    public static CompressedFormat fromId(String id) {
        for (CompressedFormat f : values()) {
            if (f.id.equals(id)) {
                return f;
            }
        }
        throw new IllegalArgumentException("Unknown format '" + id + "': expected webp, jpeg, webp-lossless or avif");
    }
}
