package dev.pixelwise.zoo;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Run by {@link CoreSharingTest} in a JVM of its own: loads ND4J on the model thread, runs a parallel op
 * there, and prints what CoreSharing set up, this (main) thread's nice value, and each thread's name,
 * allowed CPUs and nice value.
 */
public final class CoreSharingProbe {

    public static void main(String[] args) throws Exception {
        ModelThread.run(() -> {
            try (INDArray x = Nd4j.rand(2000, 2000)) {
                for (int i = 0; i < 5; i++) {
                    x.addi(1.0).muli(0.5); // large enough for ND4J to run it on every OpenMP thread
                }
            }
        });
        System.out.println("summary\t" + CoreSharing.openmp());
        System.out.println("jit\t" + CoreSharing.jit());
        System.out.println("main-nice\t" + nice(Path.of("/proc/thread-self")));
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : tasks.toList()) {
                try {
                    String name = Files.readString(t.resolve("comm")).trim();
                    String cpus = Files.readAllLines(t.resolve("status")).stream()
                            .filter(l -> l.startsWith("Cpus_allowed_list:")).map(l -> l.split("\\s+")[1]).findFirst().orElse("?");
                    System.out.println("thread\t" + name + "\t" + cpus + "\t" + nice(t));
                } catch (IOException e) {
                    // the thread ended while being read
                }
            }
        }
    }

    /** Field 19 of proc(5)'s stat: counted after the name, which may hold spaces and ends with the last ')'. */
    private static String nice(Path task) throws IOException {
        String stat = Files.readString(task.resolve("stat"));
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16];
    }
}
