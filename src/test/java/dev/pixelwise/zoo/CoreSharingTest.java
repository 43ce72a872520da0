package dev.pixelwise.zoo;

import io.smallrye.config.SmallRyeConfigBuilder;
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
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Each case starts a fresh JVM ({@link CoreSharingProbe}): libgomp reads its variables once per process,
 * and this one has loaded ND4J already.
 */
class CoreSharingTest {

    @Test
    void pinsTheModelThreadAndItsOpenMpHelperEachToItsOwnCore() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        assumeTrue(cores >= 2, "pinning needs two cores to show");
        Probe p = probe(Map.of());
        assertEquals("OMP_PROC_BIND=true, OMP_PLACES=cores", p.summary);
        // The model thread and its OpenMP helper, each held to one core of its own (threads the model thread
        // started before libgomp pinned it stay free).
        List<String> held = p.cpus("pixelwise-nd4j").stream().filter(c -> c.matches("\\d+")).distinct().toList();
        assertTrue(held.size() >= 2, "two threads of the pass on two different cores: " + p);
        // Threads the model thread starts later inherit its core (JavaCPP's deallocators, idle); no other
        // thread is held to a core.
        List<String> pinned = p.threads.stream().filter(t -> t[1].matches("\\d+")).map(t -> t[0]).distinct().sorted().toList();
        assertEquals(List.of("DeallocatorServ", "pixelwise-nd4j"), pinned, "pinned: " + p);
    }

    @Test
    void theJitCompilersYieldTheCoresToTheForwardPass() throws Exception {
        Probe p = probe(Map.of());
        List<String[]> compilers = p.threads.stream().filter(t -> t[0].matches("C[12] CompilerThre.*")).toList();
        assertFalse(compilers.isEmpty(), "the JIT's compiler threads: " + p);
        assertEquals("nice " + CoreSharing.JIT_NICE + " (" + CoreSharing.threads(compilers.size()) + ")", p.jit);
        for (String[] c : compilers) {
            assertEquals(String.valueOf(CoreSharing.JIT_NICE), c[2], "compiler thread " + c[0] + ": " + p);
        }
        for (String[] t : p.threads) {
            if (t[0].equals("pixelwise-nd4j")) {
                assertEquals("0", t[2], "the model thread and its helpers keep their priority: " + p);
            }
        }
    }

    @Test
    void theEnvironmentWins() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        assumeTrue(cores >= 2, "pinning needs two cores to show");
        Probe p = probe(Map.of("OMP_PROC_BIND", "false"));
        assertEquals("OMP_PROC_BIND=false (environment), OMP_PLACES=cores", p.summary);
        assertFalse(p.cpus("pixelwise-nd4j").stream().anyMatch(c -> c.matches("\\d+")), "nothing pinned: " + p);
    }

    @Test
    void severalModelThreadsAreLeftUnpinned() throws Exception {
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "pinning needs two cores to show");
        Probe p = probe(Map.of(), "-Dpixelwise.model-threads=2");
        assertTrue(p.summary.startsWith("unpinned: 2 model threads"), p.summary);
        assertFalse(p.threads.stream().anyMatch(t -> t[1].matches("\\d+")), "nothing pinned: " + p);
        assertTrue(p.jit.startsWith("nice " + CoreSharing.JIT_NICE), p.jit);
    }

    @Test
    void offLeavesEverythingAsItComes() throws Exception {
        Probe p = probe(Map.of(), "-Dpixelwise.core-sharing=false");
        assertEquals("as OpenMP places them (pixelwise.core-sharing=false)", p.summary);
        assertFalse(p.threads.stream().anyMatch(t -> t[1].matches("\\d+")), "nothing pinned: " + p);
        assertTrue(p.threads.stream().noneMatch(t -> !t[2].equals("0")), "no priority changed: " + p);
    }

    @Test
    void onByDefaultInTheApp() { // the mapping's own default, which the app reads (outside it ModelThread turns it off)
        ModelThreadConfig config = new SmallRyeConfigBuilder().withMapping(ModelThreadConfig.class)
                .withValidateUnknown(false).build().getConfigMapping(ModelThreadConfig.class);
        assertTrue(config.coreSharing());
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

    private record Probe(String summary, String jit, List<String[]> threads) {
        List<String> cpus(String name) {
            return threads.stream().filter(t -> t[0].equals(name)).map(t -> t[1]).toList();
        }

        @Override
        public String toString() {
            return threads.stream().map(t -> t[0] + "@" + t[1] + " nice " + t[2]).toList().toString();
        }
    }

    private static Probe probe(Map<String, String> env, String... jvmOptions) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
        cmd.add("-Dpixelwise.core-sharing=true"); // the app's default; outside the app it is off
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), CoreSharingProbe.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("OMP_PROC_BIND");
        pb.environment().remove("OMP_PLACES");
        pb.environment().putAll(env);
        Process proc = pb.start();
        List<String> lines = new String(proc.getInputStream().readAllBytes()).lines().toList();
        assertTrue(proc.waitFor(2, TimeUnit.MINUTES));
        assertEquals(0, proc.exitValue(), String.join("\n", lines));
        String summary = null;
        String jit = null;
        List<String[]> threads = new ArrayList<>();
        for (String l : lines) {
            if (l.startsWith("summary\t")) {
                summary = l.substring(8);
            } else if (l.startsWith("jit\t")) {
                jit = l.substring(4);
            } else if (l.startsWith("thread\t")) {
                threads.add(l.substring(7).split("\t"));
            }
        }
        return new Probe(summary, jit, threads);
    }
}
