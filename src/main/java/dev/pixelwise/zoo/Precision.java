package dev.pixelwise.zoo;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The number format a graph's fused convolutions compute in ({@link OneDnnConvolutions}).
 *
 * <p>{@link #BF16}: the convolutions read their input and weights as bfloat16 (8 bits of mantissa) and
 * accumulate and write float32; everything else stays float32. On a CPU with AVX-512 BF16 oneDNN's bf16
 * kernels do twice the multiply-adds per cycle (462 against 227 GFLOP/s on an ESRGAN layer, 160² tile, AMD
 * EPYC, 2 cores). Without that instruction oneDNN has no native bf16 kernel (it emulates bf16 or falls back to
 * its reference code; not measured here), so "auto" ({@link #resolve}) picks it only where the instruction exists.
 *
 * <p>{@link #INT8}: each convolution's input is quantised to u8 or s8 by a range calibrated beforehand
 * ({@link Int8Ranges}), its weights to s8 per output channel; it accumulates in int32 and writes float32. A graph
 * without calibrated ranges runs it as {@link ImportedGraph#runnable} says. Each task says whether its "auto"
 * may pick it ({@link #AUTO_UPSCALE}, {@link #AUTO_SEGMENT}).
 */
public enum Precision {
    FP32, BF16, INT8;

    /**
     * What upscale's "auto" may pick, fastest first: int8 is not among them. ESRGAN in int8 stays over 45 dB PSNR
     * of fp32 on photos its calibration never saw (46–50 dB), but not on line art and screenshots: a 2-px
     * checkerboard and a grid of 1-px lines gave 38.6–44.3 dB, and ranges widened by calibrating on such patterns
     * too lowered the photos to 37–41 dB. bf16 stays over 54 dB on all of them.
     */
    public static final List<Precision> AUTO_UPSCALE = List.of(BF16, FP32);
    /** What segment's "auto" may pick, fastest first: DeepLab's bird IoU in int8 equals fp32's (the guard: within 0.01). */
    public static final List<Precision> AUTO_SEGMENT = List.of(INT8, BF16, FP32);

    /** The values of a task's {@code precision} option, "auto" (the default) first. */
    public static final List<String> OPTION_VALUES = List.of("auto", "fp32", "bf16", "int8");

    /** How a task's page shows the values, "auto" saying what it may pick ({@code auto}: the task's policy). */
    public static Map<String, String> optionLabels(List<Precision> auto) {
        String picks = auto.contains(INT8) ? "int8 or bf16" : "bf16";
        return Map.of("auto", "auto (" + picks + " where the CPU has it)", "fp32", "fp32 (full precision)",
                "bf16", "bf16 (fast)", "int8", "int8 (fastest, calibrated on photos)");
    }

    /** "fp32", "bf16" or "int8", as options and results spell it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * What an option value "auto", "fp32", "bf16" or "int8" (any case) runs as: auto is the first of {@code auto}
     * (a task's policy, fastest first) that this CPU runs natively: int8 needs AVX-512 VNNI, bf16 AVX-512 BF16.
     * Without the fused oneDNN path (turned off, or ND4J on a GPU) everything runs through ND4J's float32 ops, so
     * that is FP32 whatever was asked. May load ND4J's backend (on the model thread, as all ND4J work).
     */
    public static Precision resolve(String option, List<Precision> auto) {
        if (!OneDnnConvolutions.ENABLED || !ModelThread.call(OneDnnConvolutions::available)) {
            return FP32;
        }
        return switch (option.toLowerCase(Locale.ROOT)) {
            case "auto" -> auto.stream().filter(Precision::nativeHere).findFirst().orElse(FP32);
            case "fp32" -> FP32;
            case "bf16" -> BF16;
            case "int8" -> INT8;
            default -> throw new IllegalArgumentException("precision '" + option + "': auto, fp32, bf16 or int8");
        };
    }

    /** Whether this CPU has the instruction that makes this precision fast: VNNI for int8, BF16 for bf16. */
    private boolean nativeHere() {
        return switch (this) {
            case INT8 -> NativeBuild.cpuHasVnni();
            case BF16 -> NativeBuild.cpuHasBf16();
            case FP32 -> true;
        };
    }

    /** What auto would be without int8 (a graph without calibrated ranges): BF16 where the CPU has it, else FP32. */
    static Precision withoutInt8() {
        return BF16.nativeHere() ? BF16 : FP32;
    }
}
