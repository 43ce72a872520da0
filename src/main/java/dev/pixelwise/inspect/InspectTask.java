package dev.pixelwise.inspect;

import dev.pixelwise.imaging.DecodedImage;
import dev.pixelwise.imaging.ImageEncoder;
import dev.pixelwise.imaging.ImageInfo;
import dev.pixelwise.imaging.ImageOps;
import dev.pixelwise.imaging.UniqueColors;
import dev.pixelwise.work.JobContext;
import dev.pixelwise.work.JobOptions;
import dev.pixelwise.work.OptionSpec;
import dev.pixelwise.work.Task;
import io.quarkus.qute.TemplateData;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** The cheapest real task: what the decoder learned, the unique colour count, and a thumbnail. */
@ApplicationScoped
public class InspectTask implements Task<InspectTask.Options> {

    static final OptionSpec THUMBNAIL = OptionSpec.integer("thumbnail", "Thumbnail size (px)", 256, 16, 1024,
            "Longest side of the PNG thumbnail");

    public record Options(int thumbnail) {
    }

    /** @param uniqueColors distinct ARGB values after decoding to 8-bit sRGB */
    @TemplateData
    @org.eclipse.microprofile.openapi.annotations.media.Schema(name = "InspectResult")
    public record Result(int width, int height, String format, String colorModel, int bitDepth, boolean hasAlpha,
                         int uniqueColors, int exifOrientation, long bytes, String thumbnail) {
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
        return "Format, size, colour model, bit depth, alpha, unique colours and EXIF orientation, with a thumbnail.";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(THUMBNAIL);
    }

    @Override
    public Class<?> resultType() {
        return Result.class;
    }

    @Override
    public Options parseOptions(JobOptions options) {
        return new Options(options.integer(THUMBNAIL));
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
        return new Result(info.width(), info.height(), info.format().name(), info.colorModel(), info.bitDepth(),
                info.hasAlpha(), unique, info.exifOrientation(), context.inputBytes(), "thumbnail.png");
    }
}
