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
 * without calibrated ranges runs it as {@link ImportedGraph#runnable} says.
 */
public enum Precision {
    FP32, BF16, INT8;

    /** The values of a task's {@code precision} option, "auto" (the default) first, and how the page shows them. */
    public static final List<String> OPTION_VALUES = List.of("auto", "fp32", "bf16", "int8");
    public static final Map<String, String> OPTION_LABELS = Map.of("auto", "auto (int8 or bf16 where the CPU has it)",
            "fp32", "fp32 (full precision)", "bf16", "bf16 (fast)", "int8", "int8 (fastest, calibrated)");

    /** "fp32", "bf16" or "int8", as options and results spell it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * What an option value "auto", "fp32", "bf16" or "int8" (any case) runs as: auto is INT8 where this CPU has
     * AVX-512 VNNI, else BF16 where it has AVX-512 BF16, else FP32. Without the fused oneDNN path (turned off,
     * or ND4J on a GPU) everything runs through ND4J's float32 ops, so that is FP32 whatever was asked. May load
     * ND4J's backend (on the model thread, as all ND4J work).
     */
    public static Precision resolve(String option) {
        if (!OneDnnConvolutions.ENABLED || !ModelThread.call(OneDnnConvolutions::available)) {
            return FP32;
        }
        return switch (option.toLowerCase(Locale.ROOT)) {
            case "auto" -> NativeBuild.cpuHasVnni() ? INT8 : withoutInt8();
            case "fp32" -> FP32;
            case "bf16" -> BF16;
            case "int8" -> INT8;
            default -> throw new IllegalArgumentException("precision '" + option + "': auto, fp32, bf16 or int8");
        };
    }

    /** What auto would be without int8 (a graph without calibrated ranges): BF16 where the CPU has it, else FP32. */
    static Precision withoutInt8() {
        return NativeBuild.cpuHasBf16() ? BF16 : FP32;
    }
}
