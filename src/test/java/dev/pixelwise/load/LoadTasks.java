package dev.pixelwise.load;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * What each task's load job looks like: a moderate image generated in code (gradient plus noise,
 * no downloads) and the option fields. Sizes keep one job well under a second on a warm 2-core
 * machine, so a run measures the service (queueing, HTTP, files) more than one model.
 */
final class LoadTasks {

    /** Different images per task, so no two consecutive jobs need be byte-identical. */
    static final int VARIANTS = 4;

    /** One task's job shape. {@code fields} are sent as multipart text fields besides task and image. */
    record Profile(String task, int width, int height, Map<String, String> fields) {
    }

    static final Map<String, Profile> PROFILES = profiles();

    private final Map<String, List<byte[]>> images = new LinkedHashMap<>();

    LoadTasks(long seed) {
        for (Profile p : PROFILES.values()) {
            List<byte[]> variants = new ArrayList<>();
            for (int v = 0; v < VARIANTS; v++) {
                variants.add(png(fixture(p.width(), p.height(), new Random(seed * 31 + p.task().hashCode() * 7L + v))));
            }
            images.put(p.task(), variants);
        }
    }

    private static Map<String, Profile> profiles() {
        Map<String, Profile> m = new LinkedHashMap<>();
        m.put("inspect", new Profile("inspect", 256, 256, Map.of()));
        m.put("quantize", new Profile("quantize", 256, 256, Map.of("k", "4,8,16")));
        m.put("classify", new Profile("classify", 224, 224, Map.of("topK", "5")));
        m.put("upscale", new Profile("upscale", 64, 64, Map.of("model", "esrgan-slim", "scale", "2")));
        m.put("segment", new Profile("segment", 224, 224, Map.of()));
        return java.util.Collections.unmodifiableMap(m);
    }

    byte[] image(String task, Random random) {
        List<byte[]> variants = images.get(task);
        return variants.get(random.nextInt(variants.size()));
    }

    /** A diagonal colour gradient with a few soft blobs and per-pixel noise (±24 per channel). */
    static BufferedImage fixture(int w, int h, Random random) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int blobs = 3;
        double[][] c = new double[blobs][];
        for (int b = 0; b < blobs; b++) {
            c[b] = new double[]{random.nextDouble() * w, random.nextDouble() * h, (0.1 + random.nextDouble() * 0.3) * w,
                    random.nextInt(256), random.nextInt(256), random.nextInt(256)};
        }
        int r0 = random.nextInt(256);
        int g0 = random.nextInt(256);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double r = (r0 + 255.0 * x / w) % 256;
                double g = (g0 + 255.0 * y / h) % 256;
                double bl = 255.0 * (x + y) / (w + h);
                for (double[] blob : c) {
                    double d = Math.hypot(x - blob[0], y - blob[1]) / blob[2];
                    double a = Math.exp(-d * d);
                    r = r * (1 - a) + blob[3] * a;
                    g = g * (1 - a) + blob[4] * a;
                    bl = bl * (1 - a) + blob[5] * a;
                }
                img.setRGB(x, y, clamp(r + noise(random)) << 16 | clamp(g + noise(random)) << 8 | clamp(bl + noise(random)));
            }
        }
        return img;
    }

    private static double noise(Random random) {
        return random.nextInt(49) - 24;
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }

    static byte[] png(BufferedImage img) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            if (!ImageIO.write(img, "png", out)) {
                throw new IllegalStateException("The JDK has no PNG writer");
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Parses a mix such as {@code inspect=3,classify=1}; a bare name weighs 1. Only known tasks.
     *
     * @return task → weight (≥ 1), in the order given
     */
    static Map<String, Integer> parseMix(String raw) {
        Map<String, Integer> mix = new LinkedHashMap<>();
        for (String part : raw.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            String[] kv = p.split("[=:]", 2);
            String task = kv[0].trim();
            if (!PROFILES.containsKey(task)) {
                throw new IllegalArgumentException("Unknown task '" + task + "' in the mix; tasks: " + PROFILES.keySet());
            }
            int weight = kv.length == 2 ? Integer.parseInt(kv[1].trim()) : 1;
            if (weight < 0) {
                throw new IllegalArgumentException("Weight of " + task + " must be ≥ 0");
            }
            if (weight > 0) {
                mix.put(task, weight);
            }
        }
        if (mix.isEmpty()) {
            throw new IllegalArgumentException("The task mix is empty");
        }
        return mix;
    }

    /** Picks a task by weight. */
    static String pick(Map<String, Integer> mix, Random random) {
        int total = mix.values().stream().mapToInt(Integer::intValue).sum();
        int r = random.nextInt(total);
        for (Map.Entry<String, Integer> e : mix.entrySet()) {
            r -= e.getValue();
            if (r < 0) {
                return e.getKey();
            }
        }
        throw new AssertionError("weights sum to " + total);
    }
}
