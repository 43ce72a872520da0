package dev.pixelwise.imaging;

/**
 * What a structural walk learned about a file's stored pixel data, judged once the header's size
 * is known: a header claiming millions of pixels over a few bytes of data is refused before a
 * reader allocates the image.
 */
interface StoredData {

    /** For formats whose data size says nothing certain about the pixel count (JPEG, GIF, WebP...). */
    StoredData UNJUDGED = header -> { };

    /** Throws a 422 {@code AppException} when the stored data cannot hold {@code header}'s pixels. */
    void requireFor(ImageHeader header);
}
