package dev.pixelwise.segment;

import dev.pixelwise.imaging.ImageEncoder;
import dev.pixelwise.imaging.ImageOps;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;
import java.util.function.Function;

/** Turns a per-pixel class map into the files and numbers a segmentation result reports. */
final class ClassMaps {

    private ClassMaps() {
    }

    /** Nearest-neighbour resize of a class map: classes are labels, never averaged. */
    static byte[] resizeNearest(byte[] map, int w, int h, int tw, int th) {
        byte[] out = new byte[tw * th];
        for (int y = 0; y < th; y++) {
            int sy = Math.min(h - 1, (int) ((y + 0.5) * h / th));
            for (int x = 0; x < tw; x++) {
                int sx = Math.min(w - 1, (int) ((x + 0.5) * w / tw));
                out[y * tw + x] = map[sy * w + sx];
            }
        }
        return out;
    }

    static long[] counts(byte[] map, int classes) {
        long[] c = new long[classes];
        for (byte b : map) {
            c[b & 0xFF]++;
        }
        return c;
    }

    /** Palette for the mask PNG: class colours, index 0 transparent when it is background. */
    static int[] palette(int[] colors, boolean transparentZero) {
        int[] p = new int[colors.length];
        for (int i = 0; i < colors.length; i++) {
            p[i] = (i == 0 && transparentZero ? 0 : 0xFF000000) | (colors[i] & 0xFFFFFF);
        }
        return p;
    }

    static BufferedImage overlay(BufferedImage image, byte[] map, int[] colors, boolean skipZero, double opacity) {
        int w = image.getWidth();
        int h = image.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] px = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
        int[] src = ImageOps.argb(image);
        for (int i = 0; i < px.length; i++) {
            int cls = map[i] & 0xFF;
            if (skipZero && cls == 0) {
                px[i] = src[i] & 0xFFFFFF;
                continue;
            }
            int c = colors[cls];
            int r = (int) Math.round(((src[i] >> 16) & 0xFF) * (1 - opacity) + ((c >> 16) & 0xFF) * opacity);
            int g = (int) Math.round(((src[i] >> 8) & 0xFF) * (1 - opacity) + ((c >> 8) & 0xFF) * opacity);
            int b = (int) Math.round((src[i] & 0xFF) * (1 - opacity) + (c & 0xFF) * opacity);
            px[i] = r << 16 | g << 8 | b;
        }
        return out;
    }

    /**
     * Writes one 1-bit mask per class present and lists those classes by pixel share, largest first.
     *
     * @param output gives the path for a file name (the job's output folder)
     */
    static List<SegmentResult.SegmentClass> classes(byte[] map, int w, int h, int[] colors, IntFunction<String> label,
                                                    Function<String, Path> output) {
        long[] counts = counts(map, colors.length);
        List<SegmentResult.SegmentClass> out = new ArrayList<>();
        for (int c = 0; c < colors.length; c++) {
            if (counts[c] == 0) {
                continue;
            }
            byte[] binary = new byte[map.length];
            for (int i = 0; i < map.length; i++) {
                binary[i] = (byte) ((map[i] & 0xFF) == c ? 1 : 0);
            }
            String file = "class-" + c + ".png";
            ImageEncoder.writeIndexedPng(w, h, new int[]{0x00000000, 0xFF000000 | colors[c]}, binary, output.apply(file));
            out.add(new SegmentResult.SegmentClass(c, label.apply(c), hex(colors[c]), (double) counts[c] / map.length, file));
        }
        out.sort(Comparator.comparingDouble(SegmentResult.SegmentClass::fraction).reversed());
        return out;
    }

    static String hex(int rgb) {
        return String.format(Locale.ROOT, "#%06x", rgb & 0xFFFFFF);
    }

    /** The PASCAL VOC colour map (the bit-interleaving scheme of the VOC development kit). */
    static int[] pascalColors(int n) {
        int[] colors = new int[n];
        for (int i = 0; i < n; i++) {
            int r = 0;
            int g = 0;
            int b = 0;
            int c = i;
            for (int j = 7; j >= 0; j--) {
                r |= ((c) & 1) << j;
                g |= ((c >> 1) & 1) << j;
                b |= ((c >> 2) & 1) << j;
                c >>= 3;
            }
            colors[i] = r << 16 | g << 8 | b;
        }
        return colors;
    }
}
