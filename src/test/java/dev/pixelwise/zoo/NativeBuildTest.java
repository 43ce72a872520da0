package dev.pixelwise.zoo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NativeBuildTest {

    @Test
    void cpuFeaturesAreTheFirstProcessorsFlagsByName(@TempDir Path dir) throws IOException {
        Path cpuinfo = dir.resolve("cpuinfo");
        Files.writeString(cpuinfo, """
                processor\t: 0
                model name\t: Some CPU
                flags\t\t: fpu sse2 avx avx2 avx512f avx512vl avx512_vnni
                                
                processor\t: 1
                flags\t\t: fpu avx2 avx512f avx512_bf16 avx512_vnni
                """);
        assertEquals(List.of(new NativeBuild.CpuFeature("avx2", "AVX2", true),
                        new NativeBuild.CpuFeature("avx512f", "AVX-512F", true),
                        new NativeBuild.CpuFeature("avx512_bf16", "AVX-512 BF16", false),
                        new NativeBuild.CpuFeature("avx512_vnni", "AVX-512 VNNI", true)),
                NativeBuild.cpuFeatures(cpuinfo));
        assertEquals(List.of(), NativeBuild.cpuFeatures(dir.resolve("missing")), "no /proc/cpuinfo: unknown");
    }

    @Test
    void theReasonFollowsTheBuildAndTheCpu() {
        assertTrue(NativeBuild.reason("CpuBackend", "AVX2", "AVX2").contains("best instruction set"));
        assertEquals(NativeBuild.AVX512_MEASURED, NativeBuild.reason("CpuBackend", "AVX2", "AVX-512"));
        assertTrue(NativeBuild.reason("CudaBackend", "generic", "generic").contains("GPU"));
    }
}
