package dev.pixelwise.zoo;

import com.sun.jna.Library;
import com.sun.jna.Native;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * How the threads of a forward pass share the cores with the rest of the JVM: ND4J's OpenMP threads are
 * pinned, each to a place of its own ({@code OMP_PROC_BIND=true}, {@code OMP_PLACES=cores}, unless the
 * environment says otherwise), and the JIT compiler threads run at the lowest priority (nice 19).
 *
 * <p>Why: a forward pass is hundreds of parallel regions, each ending at a barrier where the threads wait
 * for the slowest. When another thread takes the core of one of them (the JIT compiling request code, a
 * worker decoding) the whole pass waits, and unpinned they are moved about among the app's other
 * threads. Measured through the API (MobileNetV2, 100 requests after 200 warm-up, AMD EPYC, 2 cores):
 * inference p50 7 ms with a tail to 51 ms as it was; 6 ms pinned; 5 ms, with 5 of 100 over 9 ms, pinned and
 * with the JIT at nice 19. Under the 64-client load ({@code bench/load.sh load}): 8.76, 9.90 and 10.51
 * jobs/s. Nice 19 leaves the JIT little CPU while the cores are saturated (a weight of 15 against 1024); that
 * load, started on a cold JVM, still ran quantize (our own Java engine, compiled under it) no slower.
 *
 * <p>libgomp reads its variables once, when ND4J's native library loads it, and from libc's environment;
 * so they are set there before the first ND4J work: each model thread calls {@link #beforeNd4j(boolean, int)}
 * first. (Java's copy of the environment does not change; a process the app starts gets libc's, so an
 * OpenMP program it runs is pinned the same way.) libgomp then pins the thread that loaded it (the model
 * thread) to the first place and its helpers to the next ones. Where one core holds two hardware threads,
 * a place is that core and its threads share it.
 */
public final class CoreSharing {

    /** What the app sets where the environment leaves it unset, in the order reported. */
    private static final List<Map.Entry<String, String>> OPENMP = List.of(
            Map.entry("OMP_PROC_BIND", "true"), Map.entry("OMP_PLACES", "cores"));
    /** The JIT compiler threads' names as Linux keeps them (15 characters). */
    private static final List<String> COMPILERS = List.of("C1 CompilerThre", "C2 CompilerThre");
    static final int JIT_NICE = 19;

    private static String openmp;
    private static String jit;

    private CoreSharing() {
    }

    /** The libc functions this class calls (glibc's signatures). */
    private interface Libc extends Library {
        Libc C = Native.load("c", Libc.class);

        String getenv(String name);

        int setenv(String name, String value, int overwrite);

        int setpriority(int which, int who, int prio);
    }

    /**
     * Unless {@code enabled} is false ({@code pixelwise.core-sharing}) or there are several model threads: sets
     * the OpenMP variables in the process's environment where unset, if libgomp is not loaded yet, and lowers
     * the JIT compiler threads. The first call decides, later ones do nothing. Never throws: where libc's
     * functions cannot be called, it says so and changes nothing.
     *
     * <p>With several model threads (a worker node's default) nothing changes. libgomp pins the first thread
     * of every team to the first core and its helpers to the next, so the teams would share those cores while
     * others idle ({@code pixelwise.model-threads=2}, 64-client load on 2 cores: 11.25 jobs/s pinned, 12.43
     * unpinned). For the same reason any other thread that runs an OpenMP region is pinned to the first core;
     * in the app none does (all ND4J work is the model thread's), checked after every task through the API.
     * And the JIT at nice 19 gained nothing there (12.43 against 12.08 jobs/s), while a worker node busy with
     * quantize jobs (our own Java engine) needs its JIT under full load.
     */
    public static synchronized void beforeNd4j(boolean enabled, int modelThreads) {
        if (openmp != null) {
            return;
        }
        if (!enabled) {
            openmp = "as OpenMP places them (pixelwise.core-sharing=false)";
            jit = "as the JVM runs them (pixelwise.core-sharing=false)";
            return;
        }
        if (modelThreads > 1) {
            openmp = "unpinned: " + modelThreads + " model threads (pinned, their OpenMP teams would share the same cores)";
            jit = "as the JVM runs them (" + modelThreads + " model threads)";
            return;
        }
        try {
            openmp = pinOpenMp();
        } catch (LinkageError | RuntimeException e) {
            openmp = "unpinned: libc's setenv could not be called (" + e + ")";
        }
        try {
            jit = lowerJit();
        } catch (LinkageError | RuntimeException e) {
            jit = "as the JVM runs them: libc's setpriority could not be called (" + e + ")";
        }
    }

    private static String pinOpenMp() {
        boolean loaded = libgompLoaded(Path.of("/proc/self/maps"));
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, String> v : OPENMP) {
            String have = Libc.C.getenv(v.getKey());
            if (have != null) {
                parts.add(v.getKey() + "=" + have + " (environment)");
            } else if (!loaded && Libc.C.setenv(v.getKey(), v.getValue(), 0) == 0) {
                parts.add(v.getKey() + "=" + v.getValue());
            } else {
                parts.add(v.getKey() + " unset" + (loaded ? " (OpenMP was loaded before the model thread)" : ""));
            }
        }
        return String.join(", ", parts);
    }

    private static String lowerJit() {
        if (ManagementFactory.getRuntimeMXBean().getInputArguments().stream().anyMatch(a -> a.contains("CompilerThreadPriority"))) {
            return "as -XX:CompilerThreadPriority sets them";
        }
        int lowered = 0;
        List<Path> tasks;
        try (Stream<Path> list = Files.list(Path.of("/proc/self/task"))) {
            tasks = list.toList();
        } catch (IOException e) {
            return "as the JVM runs them: " + e;
        }
        for (Path t : tasks) {
            String name;
            try {
                name = Files.readString(t.resolve("comm")).trim();
            } catch (IOException e) {
                continue; // the thread ended meanwhile
            }
            if (COMPILERS.stream().anyMatch(name::startsWith)
                    && Libc.C.setpriority(0 /* PRIO_PROCESS: on Linux, one thread by its id */,
                    Integer.parseInt(t.getFileName().toString()), JIT_NICE) == 0) {
                lowered++;
            }
        }
        return lowered == 0 ? "as the JVM runs them (none found)" : "nice " + JIT_NICE + " (" + threads(lowered) + ")";
    }

    static String threads(int n) {
        return n + (n == 1 ? " thread" : " threads");
    }

    /** How OpenMP places the model threads, as {@link #beforeNd4j(boolean, int)} set it up ("not set up" before). */
    public static synchronized String openmp() {
        return openmp == null ? "not set up" : openmp;
    }

    /** The JIT compiler threads' priority, as {@link #beforeNd4j(boolean, int)} left it. */
    public static synchronized String jit() {
        return jit == null ? "not set up" : jit;
    }

    /** Whether libgomp is among the process's mapped libraries (then it has read its variables already). */
    static boolean libgompLoaded(Path maps) {
        try (Stream<String> lines = Files.lines(maps)) {
            return lines.anyMatch(l -> l.contains("/libgomp"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
