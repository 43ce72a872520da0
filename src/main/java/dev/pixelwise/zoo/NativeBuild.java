package dev.pixelwise.zoo;

import io.quarkus.qute.TemplateData;
import org.bytedeco.javacpp.Loader;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which native build of ND4J runs the models on this node, and what the CPU offers it: for the about page
 * and readiness (issue #18 asks that the choice be reported).
 *
 * <p>The build is read from what loaded, not from the build's settings: the folder JavaCPP loaded ND4J's
 * JNI library from is named after the Maven classifier ({@code linux-x86_64-onednn-avx2}), and that stays
 * true whichever jar is on the class path. ND4J itself says which instruction set the build was compiled
 * for and the best one it has a build for on this CPU ({@code binaryLevel}, {@code optimalLevel}).
 *
 * @param backend      ND4J's backend class (CpuBackend, CudaBackend)
 * @param build        the nd4j-native (or nd4j-cuda) classifier whose library loaded, "?" if not found
 * @param buildIsa     the instruction set the build was compiled for, as ND4J reports it
 * @param bestIsa      the best instruction set ND4J has a build for on this CPU
 * @param cpuFeatures  the CPU's instruction sets that matter for inference ({@link #FLAGS}), each present
 *                     or not, from /proc/cpuinfo; empty where that cannot be read
 * @param onednnFusion whether the convolutions run as fused oneDNN primitives ({@link OneDnnConvolutions})
 * @param autoUpscale  what upscale's precision=auto runs as here, "bf16" or "fp32" ({@link Precision#AUTO_UPSCALE})
 * @param autoSegment  what segment's precision=auto runs as here, "int8", "bf16" or "fp32" ({@link Precision#AUTO_SEGMENT})
 * @param openmp       how OpenMP places the model threads ({@link CoreSharing})
 * @param jit          the JIT compiler threads' priority ({@link CoreSharing})
 * @param reason       why this build is the one in use
 */
@TemplateData
public record NativeBuild(String backend, String build, String buildIsa, String bestIsa,
                          List<CpuFeature> cpuFeatures, boolean onednnFusion, String autoUpscale, String autoSegment,
                          String openmp, String jit, String reason) {

    /** An instruction set: its /proc/cpuinfo flag, the name people know it by, and whether this CPU has it. */
    @TemplateData
    public record CpuFeature(String flag, String name, boolean present) {
    }

    /** The /proc/cpuinfo flags reported, with the names people know them by. */
    public static final Map<String, String> FLAGS = flags();

    private static Map<String, String> flags() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("avx2", "AVX2");
        m.put("avx512f", "AVX-512F");
        m.put("avx512_bf16", "AVX-512 BF16");
        m.put("avx512_vnni", "AVX-512 VNNI");
        return Collections.unmodifiableMap(m);
    }

    /** ND4J's levels (libnd4j's binaryLevel / optimalLevel) by name. */
    private static final List<String> ISA = List.of("generic", "x86-64", "AVX2", "AVX-512");

    private static volatile NativeBuild current;

    /** This process's build; loads ND4J's backend on first call (on the model thread, as all ND4J work). */
    public static NativeBuild current() {
        NativeBuild b = current;
        if (b == null) {
            b = ModelThread.call(NativeBuild::read);
            current = b;
        }
        return b;
    }

    private static NativeBuild read() {
        String backend = Nd4j.getBackend().getClass().getSimpleName();
        String build = loadedBuild();
        String buildIsa = "?";
        String bestIsa = "?";
        try {
            NativeOps ops = NativeOpsHolder.getInstance().getDeviceNativeOps();
            buildIsa = isa(ops.binaryLevel());
            bestIsa = isa(ops.optimalLevel());
        } catch (RuntimeException | LinkageError e) {
            // a backend without the CPU feature check: the levels stay unknown
        }
        boolean fusion = OneDnnConvolutions.ENABLED && OneDnnConvolutions.available();
        return new NativeBuild(backend, build, buildIsa, bestIsa, CPU, fusion,
                Precision.resolve("auto", Precision.AUTO_UPSCALE).label(),
                Precision.resolve("auto", Precision.AUTO_SEGMENT).label(), CoreSharing.openmp(), CoreSharing.jit(),
                reason(backend, buildIsa, bestIsa));
    }

    /** The folder the JNI library of ND4J's backend (jnind4jcpu, jnind4jcuda) was loaded from: its classifier. */
    private static String loadedBuild() {
        return Loader.getLoadedLibraries().entrySet().stream()
                .filter(e -> e.getKey().startsWith("jnind4j") && e.getValue() != null)
                .map(e -> Path.of(e.getValue()).getParent())
                .filter(p -> p != null && p.getFileName() != null)
                .map(p -> p.getFileName().toString())
                .findFirst().orElse("?");
    }

    private static String isa(int level) {
        return level >= 0 && level < ISA.size() ? ISA.get(level) : "level " + level;
    }

    /** This CPU's {@link #FLAGS}, read once. */
    private static final List<CpuFeature> CPU = cpuFeatures(Path.of("/proc/cpuinfo"));
    private static final boolean BF16 = present("avx512_bf16");
    private static final boolean VNNI = present("avx512_vnni");

    private static boolean present(String flag) {
        return CPU.stream().anyMatch(f -> f.flag().equals(flag) && f.present());
    }

    /** Whether this CPU has AVX-512 BF16 (read from /proc/cpuinfo, without loading ND4J). */
    static boolean cpuHasBf16() {
        return BF16;
    }

    /**
     * Whether this CPU has AVX-512 VNNI: oneDNN's int8 kernels multiply-add u8/s8 pairs in one instruction.
     * Without it they also halve the weights when the input is signed (s8), losing a bit of them.
     */
    static boolean cpuHasVnni() {
        return VNNI;
    }

    /** The {@link #FLAGS} of the first processor in {@code cpuinfo}; empty if it cannot be read. */
    static List<CpuFeature> cpuFeatures(Path cpuinfo) {
        try {
            for (String line : Files.readAllLines(cpuinfo)) {
                if (line.startsWith("flags")) {
                    List<String> have = Arrays.asList(line.substring(line.indexOf(':') + 1).trim().split("\\s+"));
                    return FLAGS.entrySet().stream()
                            .map(f -> new CpuFeature(f.getKey(), f.getValue(), have.contains(f.getKey()))).toList();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: unknown
        }
        return List.of();
    }

    /**
     * Why the build in use is the one. ND4J 1.0.0-M2.1 also publishes an onednn-avx512 build; on an AVX-512
     * CPU (AMD EPYC, 2 cores) it was not measurably faster than the AVX2 one that the app ships
     * (bench/native-builds.sh, docs/benchmarks.md): the convolutions run on oneDNN, which picks its AVX-512
     * kernels at run time whichever build loaded it, and the per-op profile shows ND4J's own ops (pooling,
     * permutes, arg-max) taking the same time in both. So the app carries one build (the other is 99 MB
     * more) and picks none at start.
     */
    static String reason(String backend, String buildIsa, String bestIsa) {
        if (!backend.equals("CpuBackend")) {
            return "the GPU build (the cuda Maven profile)";
        }
        if (buildIsa.equals(bestIsa)) {
            return "built for the best instruction set ND4J has a build for on this CPU (" + bestIsa + ")";
        }
        if (buildIsa.equals("AVX2") && bestIsa.equals("AVX-512")) {
            return AVX512_MEASURED;
        }
        return "the build the app ships; ND4J's " + bestIsa + " build was not measured on a CPU like this one";
    }

    static final String AVX512_MEASURED = "ND4J's onednn-avx512 build was not measurably faster on an AVX-512 CPU "
            + "(AMD EPYC, 2 cores; bench/native-builds.sh, two runs of alternating rounds, avx512 against avx2 p50: "
            + "MobileNetV2 6.46 against 6.81 ms, then 6.01 against 5.75 ms; DeepLabV3 51.0 against 52.6 ms, then "
            + "48.9 against 48.1 ms) and is 99 MB more to ship: "
            + "the convolutions run on oneDNN, which uses AVX-512 at run time in either build";
}
