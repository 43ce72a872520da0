package dev.pixelwise.imaging;

/**
 * What the file says about itself beyond its pixels, read by the decoder with the TwelveMonkeys
 * metadata readers. A GPS position is only ever reported as present or not: its coordinates are
 * never read out.
 *
 * @param cameraMake  EXIF Make, or null
 * @param cameraModel EXIF Model, or null
 * @param taken       EXIF DateTimeOriginal (else DateTime) as written, "2024:05:01 12:34:56", or null
 * @param gps         true when the EXIF has a GPS position (a latitude or longitude)
 * @param iccProfile  the embedded ICC profile's description, or null when there is none
 * @param jpegQuality the IJG quality (1..100) the JPEG's quantisation tables correspond to, or null
 */
public record ImageMetadata(String cameraMake, String cameraModel, String taken, boolean gps, String iccProfile,
                            Integer jpegQuality) {

    public static final ImageMetadata NONE = new ImageMetadata(null, null, null, false, null, null);

    ImageMetadata withIccProfile(String name) {
        return new ImageMetadata(cameraMake, cameraModel, taken, gps, name, jpegQuality);
    }
}
