package dev.pixelwise.zoo;

import com.sun.management.OperatingSystemMXBean;
import io.quarkus.qute.TemplateData;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The compute devices of this node as ND4J's backend sees them: one CPU device for the native
 * backend, one entry per GPU for the CUDA backend (the {@code cuda} Maven profile). Worker
 * groups are placed one per device.
 */
public final class Devices {

    /** One device; memory in bytes (GPU memory, or the host's RAM for the CPU). */
    @TemplateData
    public record Device(int index, String kind, String name, long totalMemory, long freeMemory) {
        public long totalMib() {
            return totalMemory >> 20;
        }

        public long freeMib() {
            return freeMemory >> 20;
        }
    }

    private Devices() {
    }

    /** ND4J's backend could not be loaded (e.g. the CUDA build on a host without an NVIDIA driver). */
    public static final class Unavailable extends RuntimeException {
        Unavailable(Throwable cause) {
            super("No ND4J backend could be loaded: " + rootMessage(cause), cause);
        }
    }

    /** Loads the ND4J backend on first call (a second or two). */
    public static String backend() {
        try {
            return ModelThread.call(() -> Nd4j.getBackend().getClass().getSimpleName()); // see ModelThread: ND4J starts there
        } catch (RuntimeException | LinkageError e) {
            throw new Unavailable(e);
        }
    }

    /** The backend's devices; {@link Unavailable} if it cannot load. */
    public static List<Device> list() {
        try {
            return ModelThread.call(Devices::read);
        } catch (RuntimeException | LinkageError e) {
            throw new Unavailable(e);
        }
    }

    private static String rootMessage(Throwable t) {
        String best = t.getMessage();
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof UnsatisfiedLinkError || c.getCause() == null) {
                best = c.getMessage();
                break;
            }
        }
        return best == null ? t.getClass().getSimpleName() : best;
    }

    @SuppressWarnings("unchecked")
    private static List<Device> read() {
        Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
        Object gpus = env.get("cuda.devicesInformation");
        List<Device> devices = new ArrayList<>();
        if (gpus instanceof List<?> list && !list.isEmpty()) {
            int i = 0;
            for (Object o : list) {
                Map<String, Object> m = (Map<String, Object>) o;
                devices.add(new Device(i++, "gpu", String.valueOf(m.get("cuda.deviceName")),
                        number(m.get("cuda.totalMemory")), number(m.get("cuda.freeMemory"))));
            }
            return devices;
        }
        var os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        devices.add(new Device(0, "cpu", cpuName() + " (" + Runtime.getRuntime().availableProcessors() + " cores)",
                os.getTotalMemorySize(), os.getFreeMemorySize()));
        return devices;
    }

    /** Binds the calling thread to a device, so graphs it loads and runs live there (GPU builds). */
    public static void bindCurrentThread(Device device) {
        if (device.kind().equals("gpu")) {
            Nd4j.getAffinityManager().unsafeSetDevice(device.index());
        }
    }

    private static long number(Object o) {
        return o instanceof Number n ? n.longValue() : -1;
    }

    private static String cpuName() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the generic name below is enough
        }
        return System.getProperty("os.arch") + " CPU";
    }
}
