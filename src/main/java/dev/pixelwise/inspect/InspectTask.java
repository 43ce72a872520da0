package dev.pixelwise.inspect;

import dev.pixelwise.imaging.DecodedImage;
import dev.pixelwise.imaging.ImageEncoder;
import dev.pixelwise.imaging.ImageInfo;
import dev.pixelwise.imaging.ImageMetadata;
import dev.pixelwise.imaging.ImageOps;
import dev.pixelwise.imaging.UniqueColors;
import dev.pixelwise.work.JobContext;
import dev.pixelwise.work.JobOptions;
import dev.pixelwise.work.OptionSpec;
import dev.pixelwise.work.Task;
import io.quarkus.qute.TemplateData;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The cheapest real task: what the decoder learned (with EXIF, ICC profile name, JPEG quality estimate and
 * animation frames), the unique colour count, and a thumbnail. A job's page can be shared by its address,
 * so the camera and the time taken are only reported when the uploader asks ({@code exif=true}); whether
 * the file holds a GPS position is always said (it is worth knowing before sharing the file), the
 * position itself never.
 */
@ApplicationScoped
public class InspectTask implements Task<InspectTask.Options> {

    static final OptionSpec THUMBNAIL = OptionSpec.integer("thumbnail", "Thumbnail size (px)", 256, 16, 1024,
            "Longest side of the PNG thumbnail");
    static final OptionSpec EXIF = OptionSpec.bool("exif", "Camera and date (EXIF)", false,
            "Also report the camera make and model and the time taken. Off by default, as anyone with the job's address "
                    + "sees its page; whether the file has a GPS position is always reported, the position never");

    public record Options(int thumbnail, boolean exif) {
    }

    /**
     * @param uniqueColors distinct ARGB values after decoding to 8-bit sRGB (of the first frame when animated)
     * @param frames       frames of an animation; 1 for a still image
     * @param gps          the file's EXIF holds a GPS position (never reported itself)
     * @param iccProfile   the embedded ICC profile's own name, or null without one
     * @param jpegQuality  IJG quality 1..100 estimated from the quantisation tables, null for other formats
     * @param cameraMake   EXIF, only with {@code exif=true}
     * @param cameraModel  EXIF, only with {@code exif=true}
     * @param taken        EXIF time taken as written ("2024:05:01 12:34:56"), only with {@code exif=true}
     */
    @TemplateData
    @Schema(name = "InspectResult")
    public record Result(int width, int height, String format, String colorModel, int bitDepth, boolean hasAlpha,
                         int uniqueColors, int exifOrientation, long bytes, String thumbnail, int frames, boolean gps,
                         String iccProfile, Integer jpegQuality, String cameraMake, String cameraModel, String taken) {
    }

    @Override
    public String name() {
        return "inspect";
    }

    @Override
    public String title() {
        return "Inspect";
    }

    @Override
    public String description() {
        return "Format, size, colour model, bit depth, alpha, unique colours, frames, ICC profile, JPEG quality and EXIF, with a thumbnail.";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(THUMBNAIL, EXIF);
    }

    @Override
    public Class<?> resultType() {
        return Result.class;
    }

    @Override
    public Options parseOptions(JobOptions options) {
        return new Options(options.integer(THUMBNAIL), options.bool(EXIF));
    }

    @Override
    public Result run(JobContext context, Options options) {
        DecodedImage decoded = context.image();
        ImageInfo info = decoded.info();
        context.progress(0.4);
        context.stage("count colours");
        int unique = UniqueColors.count(decoded.argb(), info.hasAlpha());
        context.progress(0.7);
        context.stage("thumbnail");
        ImageEncoder.writePng(ImageOps.fit(decoded.image(), options.thumbnail()), context.output("thumbnail.png"));
        ImageMetadata m = info.metadata();
        boolean exif = options.exif();
        return new Result(info.width(), info.height(), info.format().name(), info.colorModel(), info.bitDepth(),
                info.hasAlpha(), unique, info.exifOrientation(), context.inputBytes(), "thumbnail.png", info.frames(),
                m.gps(), m.iccProfile(), m.jpegQuality(), exif ? m.cameraMake() : null, exif ? m.cameraModel() : null,
                exif ? m.taken() : null);
    }
}
