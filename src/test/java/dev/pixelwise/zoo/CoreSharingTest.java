package dev.pixelwise.zoo;

import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Each case starts a fresh JVM ({@link CoreSharingProbe}): libgomp reads its variables once per process,
 * and this one has loaded ND4J already.
 */
class CoreSharingTest {

    /** The JVM's own threads: whatever happens to the model thread, these are never held to one CPU. */
    private static final String JVM_THREADS = "C[12] CompilerThre.*|GC Thread.*|VM Thread|G1 .*|main";

    @BeforeAll
    static void linux() {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "threads are read from Linux's /proc");
    }

    @Test
    void pinsTheModelThreadAndItsOpenMpHelperEachToItsOwnPlace(@TempDir Path dir) throws Exception {
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "pinning needs two CPUs to show");
        Probe p = probe(dir, Map.of());
        assertEquals("OMP_PROC_BIND=true, OMP_PLACES=cores", p.summary);
        // The model thread and its OpenMP helper, each held to a place of its own (threads the model thread
        // started before libgomp pinned it stay free; those it starts later inherit its place).
        List<String> held = p.cpus("pixelwise-nd4j").stream().filter(CoreSharingTest::oneCpu).distinct().toList();
        assertTrue(held.size() >= 2, "two threads of the pass on two different CPUs: " + p);
        assertTrue(p.threads.stream().noneMatch(t -> t[0].matches(JVM_THREADS) && oneCpu(t[1])), "the JVM's threads stay free: " + p);
    }

    @Test
    void theJitCompilersYieldTheCoresToTheForwardPass(@TempDir Path dir) throws Exception {
        Probe p = probe(dir, Map.of());
        // The JVM starts and stops compiler threads as it needs: count none, check each one there now.
        assertTrue(p.jit.startsWith("nice " + CoreSharing.JIT_NICE + " ("), p.jit);
        List<String[]> compilers = p.threads.stream().filter(t -> t[0].matches("C[12] CompilerThre.*")).toList();
        assertFalse(compilers.isEmpty(), "the JIT's compiler threads: " + p);
        for (String[] c : compilers) {
            assertEquals(String.valueOf(CoreSharing.JIT_NICE), c[2], "compiler thread " + c[0] + ": " + p);
        }
        for (String[] t : p.threads) {
            if (t[0].equals("pixelwise-nd4j")) {
                assertEquals(p.mainNice, t[2], "the model thread and its helpers keep the process's priority: " + p);
            }
        }
    }

    @Test
    void theEnvironmentWins(@TempDir Path dir) throws Exception {
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "pinning needs two CPUs to show");
        Probe p = probe(dir, Map.of("OMP_PROC_BIND", "false"));
        assertEquals("OMP_PROC_BIND=false (environment), OMP_PLACES=cores", p.summary);
        assertFalse(p.threads.stream().anyMatch(t -> oneCpu(t[1])), "nothing pinned: " + p);
    }

    @Test
    void severalModelThreadsAreLeftAsTheyCome(@TempDir Path dir) throws Exception {
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "pinning needs two CPUs to show");
        Probe p = probe(dir, Map.of(), "-Dpixelwise.model-threads=2");
        assertTrue(p.summary.startsWith("unpinned: 2 model threads"), p.summary);
        assertFalse(p.threads.stream().anyMatch(t -> oneCpu(t[1])), "nothing pinned: " + p);
        assertEquals("as the JVM runs them (2 model threads)", p.jit);
        assertTrue(p.threads.stream().allMatch(t -> t[2].equals(p.mainNice)), "no priority changed: " + p);
    }

    @Test
    void offLeavesEverythingAsItComes(@TempDir Path dir) throws Exception {
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "pinning needs two CPUs to show");
        Probe p = probe(dir, Map.of(), "-Dpixelwise.core-sharing=false");
        assertEquals("as OpenMP places them (pixelwise.core-sharing=false)", p.summary);
        assertEquals("as the JVM runs them (pixelwise.core-sharing=false)", p.jit);
        assertFalse(p.threads.stream().anyMatch(t -> oneCpu(t[1])), "nothing pinned: " + p);
        assertTrue(p.threads.stream().allMatch(t -> t[2].equals(p.mainNice)), "no priority changed: " + p);
    }

    @Test
    void offOutsideTheAppUnlessAsked(@TempDir Path dir) throws Exception {
        Probe p = probe(dir, Map.of(), (String[]) null);
        assertEquals("as OpenMP places them (pixelwise.core-sharing=false)", p.summary);
    }

    @Test
    void onByDefaultInTheAppOffOutside() {
        var none = new SmallRyeConfigBuilder().build();
        assertTrue(ModelThreadConfig.from(none, true).coreSharing());
        assertFalse(ModelThreadConfig.from(none, false).coreSharing());
        var worker = new SmallRyeConfigBuilder().withDefaultValue("pixelwise.role", "worker").build();
        assertEquals(new ModelThreadConfig(2, false), ModelThreadConfig.from(worker, false));
        var set = new SmallRyeConfigBuilder().withDefaultValue("pixelwise.role", "worker")
                .withDefaultValue("pixelwise.model-threads", "3").withDefaultValue("pixelwise.core-sharing", "false").build();
        assertEquals(new ModelThreadConfig(3, false), ModelThreadConfig.from(set, true));
        assertEquals(1, ModelThreadConfig.from(new SmallRyeConfigBuilder().withDefaultValue("pixelwise.model-threads", "0").build(), true).threads());
    }

    @Test
    void knowsWhetherOpenMpIsLoaded(@TempDir Path dir) throws IOException {
        Path without = Files.writeString(dir.resolve("a"), "7f00-7f01 r-xp 0 08:01 1 /usr/lib/libc.so.6\n");
        Path with = Files.writeString(dir.resolve("b"), "7f00-7f01 r-xp 0 08:01 1 /usr/lib/libc.so.6\n"
                + "7f02-7f03 r-xp 0 08:01 2 /root/.javacpp/cache/x/libgomp.so.1\n");
        assertFalse(CoreSharing.libgompLoaded(without));
        assertTrue(CoreSharing.libgompLoaded(with));
        assertFalse(CoreSharing.libgompLoaded(dir.resolve("missing")));
    }

    private static boolean oneCpu(String cpus) {
        return cpus.matches("\\d+");
    }

    private record Probe(String summary, String jit, String mainNice, List<String[]> threads) {
        List<String> cpus(String name) {
            return threads.stream().filter(t -> t[0].equals(name)).map(t -> t[1]).toList();
        }

        @Override
        public String toString() {
            return threads.stream().map(t -> t[0] + "@" + t[1] + " nice " + t[2]).toList().toString();
        }
    }

    /** The probe's report; {@code jvmOptions} null: without the app's default ({@code core-sharing=true}). */
    private static Probe probe(Path dir, Map<String, String> env, String... jvmOptions) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
        if (jvmOptions != null) {
            cmd.add("-Dpixelwise.core-sharing=true"); // the app's default; outside the app it is off
            cmd.addAll(List.of(jvmOptions));
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), CoreSharingProbe.class.getName()));
        Path out = dir.resolve("probe.txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
        for (String v : List.of("OMP_PROC_BIND", "OMP_PLACES", "OMP_NUM_THREADS", "OMP_DYNAMIC", "GOMP_CPU_AFFINITY")) {
            pb.environment().remove(v); // the probe sees OpenMP's defaults, as a fresh machine would
        }
        pb.environment().putAll(env);
        Process proc = pb.start();
        if (!proc.waitFor(2, TimeUnit.MINUTES)) {
            proc.destroyForcibly();
            fail("the probe did not finish in 2 minutes: " + Files.readString(out));
        }
        List<String> lines = Files.readAllLines(out);
        assertEquals(0, proc.exitValue(), String.join("\n", lines));
        String summary = null;
        String jit = null;
        String mainNice = null;
        List<String[]> threads = new ArrayList<>();
        for (String l : lines) {
            String[] f = l.split("\t");
            switch (f[0]) {
                case "summary" -> summary = f[1];
                case "jit" -> jit = f[1];
                case "main-nice" -> mainNice = f[1];
                case "thread" -> threads.add(new String[]{f[1], f[2], f[3]});
                default -> {
                }
            }
        }
        return new Probe(summary, jit, mainNice, threads);
    }
}
