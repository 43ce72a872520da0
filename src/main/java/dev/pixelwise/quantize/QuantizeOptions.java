package dev.pixelwise.quantize;

import dev.pixelwise.problem.AppException;
import dev.pixelwise.work.JobOptions;
import dev.pixelwise.work.OptionSpec;

import dev.pixelwise.imaging.PngWriter;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What a user asks of a quantize job: either a list of palette sizes to compare, or one target
 * (PSNR or bytes) from which the palette size is chosen, or a fixed palette (no k-means), plus the
 * k-means settings.
 *
 * @param ks          palette sizes to produce, ascending, each 2..256 (empty when a target is given)
 * @param targetPsnr  smallest k whose PSNR reaches this many dB (null: not asked)
 * @param targetBytes largest k whose PNG fits in this many bytes, i.e. the best quality that fits (null: not asked)
 * @param palette     colours to remap to instead of running k-means, 0xAARRGGBB, distinct, a fully
 *                    transparent one as 0x00000000 (null: not asked); ks then holds its size
 */
public record QuantizeOptions(List<Integer> ks, Double targetPsnr, Long targetBytes, int[] palette, KMeansParams params,
                              List<String> formats, PngWriter.Effort effort, QualityBar qualityBar,
                              Map<String, String> used) {

    /** Formats a user can compare palette PNGs with; lossless WebP of each palette image comes with webp. */
    static final List<String> FORMAT_IDS = List.of("png", "webp", "jpeg", "avif");

    static final int MAX_VARIANTS = 16;
    private static final KMeansParams DEFAULTS = KMeansParams.defaults();

    static final OptionSpec K = OptionSpec.text("k", "Palette sizes (k)", "8,16,32,64",
            "One value or a comma-separated list, each 2..256; each becomes a variant to compare");
    static final OptionSpec COLOR_SPACE = OptionSpec.choice("colorSpace", "Colour space", "rgb+lab",
            List.of("rgb+lab", "lab", "rgb"),
            "Where distances are measured: rgb+lab (default) clusters in RGB, then balances RGB error (what PSNR "
                    + "measures) against a CIEDE2000-shaped Lab error (what ΔE measures); lab or rgb alone favour one");
    static final OptionSpec DISTANCE = OptionSpec.choice("distance", "Distance", "euclidean",
            List.of("euclidean", "manhattan"), "Manhattan updates centroids with the median, which resists outliers");
    static final OptionSpec INIT = OptionSpec.choice("init", "Initialisation", "kmeans++", List.of("kmeans++", "random"),
            "k-means++ spreads the first centroids out; random picks colours by their pixel share");
    static final OptionSpec RESTARTS = OptionSpec.integer("restarts", "Restarts", DEFAULTS.restarts(), 1, 32,
            "Independent starts; the one with the lowest inertia after a few rounds runs to convergence");
    static final OptionSpec MAX_ITERATIONS = OptionSpec.integer("maxIterations", "Iteration cap", DEFAULTS.maxIterations(), 1, 1000,
            "Convergence test 3: stop after this many rounds");
    static final OptionSpec TOLERANCE = OptionSpec.decimal("tolerance", "Centroid-shift tolerance", DEFAULTS.tolerance(), 0, 100,
            "Convergence test 2: stop when no centroid moves further (colour-space units; 0 disables)");
    static final OptionSpec SEED = OptionSpec.integer("seed", "Random seed", (int) DEFAULTS.seed(), 0, Integer.MAX_VALUE,
            "Same seed, same palette, on any number of threads");
    static final OptionSpec DITHER = OptionSpec.choice("dither", "Dithering", "none", List.of("none", "floyd-steinberg"),
            "Floyd–Steinberg hides banding at the cost of a larger file");
    static final OptionSpec EXACT = OptionSpec.bool("exact", "Exact (every pixel)", false,
            "Run k-means on every pixel instead of the colour histogram: slower, for comparison");
    static final OptionSpec TARGET_PSNR = OptionSpec.decimal("targetPsnr", "Target PSNR (dB)", null, 10, 100,
            "Instead of k: the smallest palette reaching this quality");
    static final OptionSpec TARGET_BYTES = OptionSpec.integer("targetBytes", "Target size (bytes)", null, 64, Integer.MAX_VALUE,
            "Instead of k: the best quality whose PNG fits in this size");
    static final OptionSpec PALETTE = OptionSpec.text("palette", "Fixed palette", null,
            "Instead of k: remap to exactly these colours, no k-means (e.g. one palette shared by a batch); "
                    + "2..256 distinct #rrggbb or #rrggbbaa, comma-separated");

    static final OptionSpec FORMATS = OptionSpec.text("formats", "Compare with formats", "png,webp,jpeg",
            "Comma-separated from png, webp, jpeg, avif: each variant's size is also tried as lossy WebP/JPEG/AVIF "
                    + "of the original (best quality that fits) and as lossless WebP of the palette image");
    static final OptionSpec EFFORT = OptionSpec.choice("effort", "PNG effort", "default", List.of("fast", "default", "max"),
            "How hard the PNG writer looks for a smaller file: max tries every filter, palette order and deflate strategy");
    static final OptionSpec QUALITY_BAR = OptionSpec.text("qualityBar", "Quality bar", QualityBar.DEFAULT.spec(),
            "What \"looks right\" means: deltaE<=2.3 (mean CIEDE2000, about one just-noticeable difference), "
                    + "ssim>=0.95 or psnr>=38; the smallest file that meets it is recommended");

    static final List<OptionSpec> SPECS = List.of(K, COLOR_SPACE, DISTANCE, INIT, RESTARTS, MAX_ITERATIONS, TOLERANCE,
            SEED, DITHER, EXACT, TARGET_PSNR, TARGET_BYTES, PALETTE, FORMATS, EFFORT, QUALITY_BAR);

    /** The k-means settings of a job that sets none of them. */
    static KMeansParams defaultParams() {
        return parse(new JobOptions(Map.of())).params();
    }

    static QuantizeOptions parse(JobOptions options) {
        KMeansParams params = new KMeansParams(
                switch (options.choice(COLOR_SPACE)) {
                    case "lab" -> ColorSpace.LAB;
                    case "rgb" -> ColorSpace.RGB;
                    default -> ColorSpace.RGB_LAB;
                },
                options.choice(DISTANCE).equals("euclidean") ? Distance.EUCLIDEAN : Distance.MANHATTAN,
                options.choice(INIT).equals("kmeans++") ? Init.KMEANS_PP : Init.RANDOM,
                options.integer(RESTARTS),
                options.integer(MAX_ITERATIONS),
                options.decimal(TOLERANCE),
                options.integer(SEED),
                options.bool(EXACT),
                options.choice(DITHER).equals("none") ? Dither.NONE : Dither.FLOYD_STEINBERG);
        boolean kGiven = options.present(K);
        Double targetPsnr = options.present(TARGET_PSNR) ? options.decimal(TARGET_PSNR) : null;
        Long targetBytes = options.present(TARGET_BYTES) ? (long) options.integer(TARGET_BYTES) : null;
        if (targetPsnr != null && targetBytes != null) {
            throw new AppException.BadOption(TARGET_BYTES.name(), "give targetPsnr or targetBytes, not both");
        }
        if ((targetPsnr != null || targetBytes != null) && kGiven) {
            throw new AppException.BadOption(targetPsnr != null ? TARGET_PSNR.name() : TARGET_BYTES.name(),
                    "give k or a target, not both");
        }
        int[] palette = null;
        if (options.present(PALETTE)) {
            // The option that palette replaces is the one named: drop it and the palette is used.
            if (kGiven) {
                throw new AppException.BadOption(K.name(), "give k or a palette, not both");
            }
            if (targetPsnr != null || targetBytes != null) {
                throw new AppException.BadOption(targetPsnr != null ? TARGET_PSNR.name() : TARGET_BYTES.name(),
                        "give a target or a palette, not both");
            }
            palette = parsePalette(options.raw(PALETTE));
        }
        List<Integer> ks = targetPsnr != null || targetBytes != null ? List.of()
                : palette != null ? List.of(palette.length) : parseKs(options.raw(K));
        List<String> formats = parseFormats(options.raw(FORMATS));
        PngWriter.Effort effort = PngWriter.Effort.fromId(options.choice(EFFORT));
        QualityBar bar;
        try {
            bar = QualityBar.parse(options.raw(QUALITY_BAR));
        } catch (IllegalArgumentException e) {
            throw new AppException.BadOption(QUALITY_BAR.name(), e.getMessage());
        }
        Map<String, String> used = new LinkedHashMap<>();
        if (targetPsnr != null) {
            used.put(TARGET_PSNR.name(), targetPsnr.toString());
        } else if (targetBytes != null) {
            used.put(TARGET_BYTES.name(), targetBytes.toString());
        } else if (palette != null) {
            used.put(PALETTE.name(), SharedPalette.format(palette));
        } else {
            used.put(K.name(), ks.stream().map(String::valueOf).collect(Collectors.joining(",")));
        }
        for (OptionSpec spec : List.of(COLOR_SPACE, DISTANCE, INIT, RESTARTS, MAX_ITERATIONS, TOLERANCE, SEED, DITHER, EXACT, EFFORT)) {
            used.put(spec.name(), options.raw(spec));
        }
        used.put(FORMATS.name(), String.join(",", formats));
        used.put(QUALITY_BAR.name(), bar.spec());
        return new QuantizeOptions(ks, targetPsnr, targetBytes, palette, params, formats, effort, bar, Map.copyOf(used));
    }

    static List<String> parseFormats(String raw) {
        if (raw.isEmpty()) {
            throw new AppException.BadOption(FORMATS.name(), "give at least one format, e.g. png");
        }
        Set<String> formats = new LinkedHashSet<>();
        formats.add("png");
        for (String part : raw.toLowerCase(Locale.ROOT).split("[,\\s]+")) {
            if (part.isEmpty()) {
                continue;
            }
            if (!FORMAT_IDS.contains(part)) {
                throw new AppException.BadOption(FORMATS.name(), "'" + part + "' is not one of " + String.join(", ", FORMAT_IDS));
            }
            formats.add(part);
        }
        return List.copyOf(formats);
    }

    /**
     * {@code #rrggbb} or {@code #rrggbbaa} (any case), separated by commas and/or spaces, 2..256 of
     * them, none repeated. Fully transparent colours are all one colour, 0x00000000.
     */
    static int[] parsePalette(String raw) {
        Set<Integer> colors = new LinkedHashSet<>();
        for (String part : raw.split("[,\\s]+")) {
            if (part.isEmpty()) {
                continue;
            }
            if (!part.matches("#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?")) {
                throw new AppException.BadOption(PALETTE.name(), "'" + shorten(part) + "' is not a colour #rrggbb or #rrggbbaa");
            }
            long v = Long.parseLong(part.substring(1), 16);
            int argb = part.length() == 7 ? 0xFF000000 | (int) v : (int) ((v & 0xFF) << 24 | v >>> 8);
            if (argb >>> 24 == 0) {
                argb = 0;
            }
            if (!colors.add(argb)) {
                throw new AppException.BadOption(PALETTE.name(), "'" + part + "' is given twice"
                        + (argb == 0 ? " (every fully transparent colour is the same entry)" : ""));
            }
            if (colors.size() > 256) {
                throw new AppException.BadOption(PALETTE.name(), "at most 256 colours");
            }
        }
        if (colors.size() < 2) {
            throw new AppException.BadOption(PALETTE.name(), "give 2 to 256 colours, was " + colors.size());
        }
        return colors.stream().mapToInt(Integer::intValue).toArray();
    }

    private static String shorten(String s) {
        return s.length() > 20 ? s.substring(0, 20) + "…" : s;
    }

    static List<Integer> parseKs(String raw) {
        TreeSet<Integer> ks = new TreeSet<>();
        for (String part : raw.split("[,\\s]+")) {
            if (part.isEmpty()) {
                continue;
            }
            int k;
            try {
                k = Integer.parseInt(part);
            } catch (NumberFormatException e) {
                throw new AppException.BadOption(K.name(), "'" + part + "' is not a whole number");
            }
            if (k < 2 || k > 256) {
                throw new AppException.BadOption(K.name(), "each k must be between 2 and 256, was " + k);
            }
            ks.add(k);
        }
        if (ks.isEmpty()) {
            throw new AppException.BadOption(K.name(), "give at least one palette size");
        }
        if (ks.size() > MAX_VARIANTS) {
            throw new AppException.BadOption(K.name(), "at most " + MAX_VARIANTS + " palette sizes per job");
        }
        return List.copyOf(ks);
    }
}
