package dev.pixelwise.hostile;

import dev.pixelwise.TestImages;

import dev.pixelwise.hostile.HostileFormats.IfdEntry;
import dev.pixelwise.hostile.HostileFormats.Seed;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static dev.pixelwise.hostile.HostileFormats.LONG;
import static dev.pixelwise.hostile.HostileFormats.SHORT;
import static dev.pixelwise.hostile.HostileFormats.chunk;
import static dev.pixelwise.hostile.HostileFormats.gifControl;
import static dev.pixelwise.hostile.HostileFormats.gifFrame;
import static dev.pixelwise.hostile.HostileFormats.gifHeader;
import static dev.pixelwise.hostile.HostileFormats.ihdr;
import static dev.pixelwise.hostile.HostileFormats.iend;
import static dev.pixelwise.hostile.HostileFormats.png;
import static dev.pixelwise.hostile.HostileFormats.riff;
import static dev.pixelwise.hostile.HostileFormats.tiff;
import static dev.pixelwise.hostile.HostileFormats.tiffDataOffset;

/**
 * Hostile uploads, generated (never downloaded) so anyone can see exactly what each one is:
 * empty, random and text files with image names, truncations of every format, headers claiming
 * huge sizes, a decompression bomb, looping TIFF directories, absurd EXIF, SVG and polyglots,
 * plus valid-but-unusual files (CMYK JPEG, 16-bit PNG, thousands of GIF frames) that must work.
 *
 * <p>{@code main} writes them to a folder for inspection: see {@code bench/hostile-corpus.sh}.
 */
public final class HostileCorpus {

    /** What the app must do with a sample. */
    public enum Expect {
        /** Refused at once with a 4xx problem: the file is not an image we read, or is broken or oversized. */
        REFUSED,
        /** A real image, however odd: it decodes, and a task either succeeds or says clearly (4xx) why not. */
        VALID,
        /**
         * Broken inside the compressed pixel data, which only a full decode can notice: a reader may
         * refuse it (4xx) or show what it could read (success). Never a 5xx, a hang or a memory spike.
         */
        DAMAGED
    }

    /** @param name a file name whose extension is what an uploader would call it (often a lie) */
    public record Sample(String name, Expect expect, byte[] bytes) {
        @Override
        public String toString() {
            return name + " (" + bytes.length + " bytes, " + expect + ")";
        }
    }

    private static volatile List<Sample> cached;

    private HostileCorpus() {
    }

    /** Every sample, built once per JVM (the bomb takes a moment to deflate). */
    public static List<Sample> all() {
        List<Sample> samples = cached;
        if (samples == null) {
            synchronized (HostileCorpus.class) {
                if (cached == null) {
                    cached = List.copyOf(build());
                }
                samples = cached;
            }
        }
        return samples;
    }

    public static List<Sample> refused() {
        return all().stream().filter(s -> s.expect() == Expect.REFUSED).toList();
    }

    /** Writes every sample into {@code args[0]} (default {@code target/hostile-corpus}). */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/hostile-corpus");
        Files.createDirectories(dir);
        Map<Expect, Integer> counts = new EnumMap<>(Expect.class);
        for (Sample s : all()) {
            Path sub = dir.resolve(s.expect().name().toLowerCase(Locale.ROOT));
            Files.createDirectories(sub);
            Files.write(sub.resolve(s.name()), s.bytes());
            counts.merge(s.expect(), 1, Integer::sum);
        }
        System.out.printf("%d samples %s in %s%n", all().size(), counts, dir.toAbsolutePath());
    }

    private static List<Sample> build() {
        List<Sample> out = new ArrayList<>();
        notImages(out);
        truncations(out);
        hugeHeaders(out);
        pngStructure(out);
        gifStructure(out);
        tiffStructure(out);
        webpStructure(out);
        absurdExif(out);
        unusualButValid(out);
        polyglots(out);
        List<String> names = out.stream().map(Sample::name).toList();
        if (new TreeSet<>(names).size() != names.size()) {
            throw new IllegalStateException("duplicate sample names");
        }
        return out;
    }

    private static void refuse(List<Sample> out, String name, byte[] bytes) {
        out.add(new Sample(name, Expect.REFUSED, bytes));
    }

    private static void valid(List<Sample> out, String name, byte[] bytes) {
        out.add(new Sample(name, Expect.VALID, bytes));
    }

    private static void damaged(List<Sample> out, String name, byte[] bytes) {
        out.add(new Sample(name, Expect.DAMAGED, bytes));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ---- not images at all: 415 ----

    private static void notImages(List<Sample> out) {
        refuse(out, "empty.png", new byte[0]);
        refuse(out, "zeros-4k.jpg", new byte[4096]);
        refuse(out, "ones-4k.gif", filled(4096, 0xFF));
        Random random = new Random(0x5EED);
        int[] sizes = {1, 7, 16, 1024, 65536};
        String[] exts = {"png", "jpg", "gif", "webp", "tif"};
        for (int i = 0; i < sizes.length; i++) {
            byte[] noise = new byte[sizes[i]];
            random.nextBytes(noise);
            refuse(out, "random-" + sizes[i] + "." + exts[i], noise);
        }
        refuse(out, "text.png", ascii("This is not an image, just text with a picture's name.\n"));
        refuse(out, "page.jpg", ascii("<!doctype html><html><head><title>x</title></head><body>hi</body></html>"));
        refuse(out, "page-bom.png", ascii("\uFEFF<html><script>alert(1)</script></html>"));
        refuse(out, "script.gif", ascii("<?php echo 'gif'; ?>"));
        refuse(out, "data.webp", ascii("{\"image\": \"definitely\", \"width\": 64}"));
        refuse(out, "document.tiff", ascii("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"));
        refuse(out, "cars.bmp", ascii("BMW and other German cars: a list, not a bitmap.\n"));
        refuse(out, "bm-short-header.bmp", ByteBuilder.le().ascii("BM").u32(60).u32(0).u32(54).u8(40).toByteArray());
        refuse(out, "sound.webp", ByteBuilder.le().ascii("RIFF").u32(36).ascii("WAVEfmt ").zeros(28).toByteArray());
        refuse(out, "archive.png", zip("image.png", HostileFormats.seeds().get(0).bytes()));
        refuse(out, "gzip.jpg", gzip(ascii("not a jpeg")));
        refuse(out, "pnm.png", ascii("P6\n2 2\n255\n\0\0\0\0\0\0\0\0\0\0\0\0"));
        refuse(out, "ico.png", ByteBuilder.le().u16(0).u16(1).u16(1).u8(16).u8(16).zeros(30).toByteArray());
        refuse(out, "heic.jpg", ByteBuilder.be().u32(24).ascii("ftypheic").u32(0).ascii("mif1heic").toByteArray());
        refuse(out, "jpeg2000.jpg", ByteBuilder.be().u32(12).ascii("jP  ").u32(0x0D0A870A).zeros(20).toByteArray());
        refuse(out, "jpeg-xl.jpg", ByteBuilder.be().u8(0xFF).u8(0x0A).zeros(30).toByteArray());
        // SVG is XML, not pixels: unsupported whatever it is called.
        String svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><rect width=\"10\" height=\"10\"/></svg>";
        refuse(out, "vector.svg", ascii(svg));
        refuse(out, "vector-svg.png", ascii(svg));
        refuse(out, "vector-prolog.svg", ascii("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svg));
        refuse(out, "billion-laughs.svg", ascii("<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\">"
                + "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>"
                + "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>&c;</text></svg>"));
        refuse(out, "vector.svgz", gzip(ascii(svg)));
    }

    // ---- every format cut short at many offsets: 422 ----

    private static void truncations(List<Sample> out) {
        for (Seed seed : HostileFormats.seeds()) {
            byte[] full = seed.bytes();
            for (int cut : cutOffsets(full.length)) {
                refuse(out, String.format("truncated-%s-at-%05d.%s", seed.extension(), cut, seed.extension()),
                        Arrays.copyOf(full, cut));
            }
        }
    }

    /**
     * A sample of offsets: inside the magic, in the headers (the seeds' headers end by byte 100),
     * through the data, and just short of the end, where only a trailer or checksum is missing.
     */
    static List<Integer> cutOffsets(int length) {
        TreeSet<Integer> cuts = new TreeSet<>();
        for (int c : new int[]{1, 3, 6, 8, 12, 16, 24, 40, 64, 100}) {
            cuts.add(c);
        }
        for (int percent : new int[]{25, 50, 75}) {
            cuts.add((int) ((long) length * percent / 100));
        }
        cuts.add(length - 16);
        cuts.add(length - 1);
        return cuts.stream().filter(c -> c > 0 && c < length).toList();
    }

    // ---- headers claiming far more pixels than allowed: 422 from the header alone ----

    private static void hugeHeaders(List<Sample> out) {
        byte[] tinyIdat = TestImages.zlib(new byte[64]);
        refuse(out, "png-65535x65535.png", png(ihdr(65535, 65535, 8, 2), chunk("IDAT", tinyIdat), iend()));
        refuse(out, "png-2147483647-square.png", png(ihdr(Integer.MAX_VALUE, Integer.MAX_VALUE, 8, 6), chunk("IDAT", tinyIdat), iend()));
        refuse(out, "png-1x2147483647.png", png(ihdr(1, Integer.MAX_VALUE, 8, 0), chunk("IDAT", tinyIdat), iend()));
        // Headers within the pixel limit over data that cannot possibly hold that many pixels.
        refuse(out, "png-6000x6000-tiny-idat.png", png(ihdr(6000, 6000, 8, 6), chunk("IDAT", tinyIdat), iend()));
        refuse(out, "bmp-6000x6000-no-pixels.bmp", bmpClaiming(6000, 6000));
        List<IfdEntry> bigGray = HostileFormats.grayEntries(6000, 6000, tiffDataOffset(9), 64);
        refuse(out, "tiff-6000x6000-tiny-strip.tif", tiff(bigGray, 9, 0, new byte[64]));
        refuse(out, "png-0x0.png", png(ihdr(0, 0, 8, 2), chunk("IDAT", tinyIdat), iend()));
        refuse(out, "png-negative-width.png", png(ihdr(0x80000000L, 16, 8, 2), chunk("IDAT", tinyIdat), iend()));
        // The bomb: 50000×50000 gray whose IDAT really does inflate to 2.5 GB of zeros, in about 2.4 MB.
        refuse(out, "png-bomb-50000x50000.png", png(ihdr(50_000, 50_000, 8, 0), HostileFormats.zeroIdat(50_000, 50_000), iend()));

        byte[] jpeg = seed("jpg");
        refuse(out, "jpeg-65535x65535.jpg", HostileFormats.jpegClaiming(jpeg, 65535, 65535));
        refuse(out, "jpeg-0x0.jpg", HostileFormats.jpegClaiming(jpeg, 0, 0));
        refuse(out, "jpeg-65535x0.jpg", HostileFormats.jpegClaiming(jpeg, 65535, 0));

        refuse(out, "gif-65535x65535.gif", gifFrame(gifHeader(65535, 65535), 65535, 65535, HostileFormats.ONE_PIXEL_LZW)
                .u8(0x3B).toByteArray());
        refuse(out, "gif-0x0.gif", gifFrame(gifHeader(0, 0), 0, 0, HostileFormats.ONE_PIXEL_LZW).u8(0x3B).toByteArray());

        refuse(out, "bmp-65535x65535.bmp", bmpClaiming(65535, 65535));
        refuse(out, "bmp-int-max-top-down.bmp", bmpClaiming(Integer.MAX_VALUE, -Integer.MAX_VALUE));
        refuse(out, "bmp-int-min-height.bmp", bmpClaiming(16, Integer.MIN_VALUE));
        refuse(out, "bmp-negative-width.bmp", bmpClaiming(-16, 16));

        refuse(out, "webp-vp8l-16384x16384.webp", webpLosslessClaiming(16384, 16384));
        refuse(out, "webp-vp8x-16777216-square.webp", riff(HostileFormats.vp8xChunk(1 << 24, 1 << 24),
                HostileFormats.vp8lChunk(1, 1, (x, y) -> true)));
        refuse(out, "webp-vp8-16383x16383.webp", riff(HostileFormats.vp8Chunk(16383, 16383, filled(64, 0x55))));

        refuse(out, "tiff-65535x65535.tif", tiffClaiming(65535, 65535));
        refuse(out, "tiff-4294967295-square.tif", tiffClaiming(0xFFFFFFFFL, 0xFFFFFFFFL));
        refuse(out, "tiff-0x0.tif", tiffClaiming(0, 0));
    }

    private static byte[] bmpClaiming(int w, int h) {
        return ByteBuilder.le().ascii("BM").u32(70).u32(0).u32(54)
                .u32(40).u32(w).u32(h).u16(1).u16(24).u32(0).u32(16).u32(2835).u32(2835).u32(0).u32(0)
                .zeros(16).toByteArray();
    }

    /** A VP8L stream claiming w×h with single-symbol codes: it really would decode, to w×h pixels. */
    private static byte[] webpLosslessClaiming(int w, int h) {
        byte[] small = HostileFormats.vp8lChunk(1, 1, (x, y) -> true);
        byte[] claimed = small.clone();
        // Width-1 and height-1 are bits 8..21 and 22..35 of the chunk data (after "VP8L" + size = 8 bytes).
        long bits = 0;
        for (int i = 0; i < 5; i++) {
            bits |= (long) (claimed[8 + i] & 0xFF) << (8 * i);
        }
        bits &= ~(((1L << 28) - 1) << 8);
        bits |= ((long) (w - 1) | (long) (h - 1) << 14) << 8;
        for (int i = 0; i < 5; i++) {
            claimed[8 + i] = (byte) (bits >>> (8 * i));
        }
        return riff(claimed);
    }

    private static byte[] tiffClaiming(long w, long h) {
        List<IfdEntry> entries = HostileFormats.grayEntries(w, h, tiffDataOffset(9), 64);
        return tiff(entries, entries.size(), 0, new byte[64]);
    }

    // ---- PNG structure ----

    private static void pngStructure(List<Sample> out) {
        byte[] idat = TestImages.zlib(new byte[4 * (1 + 4)]);
        byte[] head = ihdr(4, 4, 8, 0);
        refuse(out, "png-no-ihdr.png", png(chunk("IDAT", idat), iend()));
        refuse(out, "png-no-idat.png", png(head, iend()));
        refuse(out, "png-no-iend.png", png(head, chunk("IDAT", idat)));
        refuse(out, "png-chunk-length-2gb.png", png(head, chunk("IDAT", idat, 0x7FFFFFF0L), iend()));
        refuse(out, "png-chunk-length-negative.png", png(head, chunk("IDAT", idat, 0xFFFFFFFFL), iend()));
        byte[] badCrc = png(head, chunk("IDAT", idat), iend());
        badCrc[8 + 25 + 8 + idat.length] ^= 0x01;
        refuse(out, "png-bad-crc.png", badCrc);
        refuse(out, "png-garbage-idat.png", png(head, chunk("IDAT", filled(40, 0xA5)), iend()));
        refuse(out, "png-short-idat.png", png(head, chunk("IDAT", TestImages.zlib(new byte[3])), iend()));
        refuse(out, "png-palette-without-plte.png", png(ihdr(4, 4, 8, 3), chunk("IDAT", idat), iend()));
        refuse(out, "png-bad-bit-depth.png", png(ihdr(4, 4, 7, 2), chunk("IDAT", idat), iend()));
        refuse(out, "png-bad-color-type.png", png(ihdr(4, 4, 8, 5), chunk("IDAT", idat), iend()));
        // Text bombs: compressed metadata that inflates to a gigabyte. The image itself is 4×4 and
        // fine; what matters is that nobody inflates the text (the JDK reader would, without limit).
        byte[] deflated = HostileFormats.zeroZlib(1L << 30);
        valid(out, "png-ztxt-bomb.png", png(head,
                chunk("zTXt", ByteBuilder.be().ascii("Comment").u8(0).u8(0).bytes(deflated).toByteArray()),
                chunk("IDAT", idat), iend()));
        valid(out, "png-itxt-bomb.png", png(head,
                chunk("iTXt", ByteBuilder.be().ascii("Comment").u8(0).u8(1).u8(0).u8(0).u8(0).bytes(deflated).toByteArray()),
                chunk("IDAT", idat), iend()));
        // The profile is inflated under a cap and dropped when over it: the image itself is fine.
        valid(out, "png-iccp-bomb.png", png(head,
                chunk("iCCP", ByteBuilder.be().ascii("Evil").u8(0).u8(0).bytes(deflated).toByteArray()),
                chunk("IDAT", idat), iend()));
        // Two hundred thousand metadata chunks: each costs objects in the reader, not just bytes.
        ByteBuilder many = ByteBuilder.be().bytes(HostileFormats.PNG_SIGNATURE).bytes(ihdr(4, 4, 8, 3))
                .bytes(chunk("PLTE", new byte[]{0, 0, 0, (byte) 255, (byte) 255, (byte) 255}));
        byte[] text = chunk("tEXt", ByteBuilder.be().ascii("k").u8(0).ascii("v").toByteArray());
        for (int i = 0; i < 200_000; i++) {
            many.bytes(text);
        }
        refuse(out, "png-200k-text-chunks.png", many.bytes(chunk("IDAT", idat)).bytes(iend()).toByteArray());
        // The same flood in JPEG: fifty thousand comment segments, each parsed by the reader (twice).
        byte[] jpeg = seed("jpg");
        ByteBuilder comments = ByteBuilder.be().u8(0xFF).u8(0xD8);
        for (int i = 0; i < 50_000; i++) {
            comments.u8(0xFF).u8(0xFE).u16(3).ascii("x");
        }
        refuse(out, "jpeg-50k-comment-segments.jpg", comments.bytes(Arrays.copyOfRange(jpeg, 2, jpeg.length)).toByteArray());
        // Excess image data: 64×64 whose IDAT goes on to inflate to 256 MB. Readers stop after the last row.
        valid(out, "png-idat-excess-256mb.png", png(ihdr(64, 64, 8, 0), HostileFormats.zeroIdat(4096, 65_535), iend()));
    }

    // ---- GIF structure ----

    private static void gifStructure(List<Sample> out) {
        ByteBuilder frames = gifHeader(1, 1);
        for (int i = 0; i < 5000; i++) {
            gifControl(frames, 1);
            gifFrame(frames, 1, 1, HostileFormats.ONE_PIXEL_LZW);
        }
        // Only the first frame is decoded; the other 4999 are walked past, never decoded.
        valid(out, "gif-5000-frames.gif", frames.u8(0x3B).toByteArray());
        ByteBuilder thenHuge = gifFrame(gifHeader(1, 1), 1, 1, HostileFormats.ONE_PIXEL_LZW);
        for (int i = 0; i < 1000; i++) {
            gifFrame(thenHuge, 65535, 65535, HostileFormats.ONE_PIXEL_LZW);
        }
        valid(out, "gif-then-1000-huge-frames.gif", thenHuge.u8(0x3B).toByteArray());
        refuse(out, "gif-no-frames.gif", gifHeader(16, 16).u8(0x3B).toByteArray());
        refuse(out, "gif-no-trailer.gif", gifFrame(gifHeader(1, 1), 1, 1, HostileFormats.ONE_PIXEL_LZW).toByteArray());
        damaged(out, "gif-lzw-garbage.gif", gifFrame(gifHeader(8, 8), 8, 8,
                ByteBuilder.le().u8(2).u8(8).bytes(filled(8, 0xFF)).u8(0).toByteArray()).u8(0x3B).toByteArray());
        refuse(out, "gif-lzw-code-size-12.gif", gifFrame(gifHeader(8, 8), 8, 8,
                ByteBuilder.le().u8(12).u8(4).bytes(filled(4, 0x11)).u8(0).toByteArray()).u8(0x3B).toByteArray());
        refuse(out, "gif-unterminated-extension.gif", gifHeader(1, 1).u8(0x21).u8(0xFE).u8(200).ascii("short").toByteArray());
        refuse(out, "gif-unknown-block.gif", gifHeader(1, 1).u8(0x99).zeros(16).u8(0x3B).toByteArray());
    }

    // ---- TIFF structure ----

    private static void tiffStructure(List<Sample> out) {
        refuse(out, "tiff-ifd-self-loop.tif", HostileFormats.grayTiff(8, 8, 8));
        // IFD0 → IFD1 → IFD0: IFD1 sits after IFD0's pixels and points back to 8.
        byte[] first = HostileFormats.grayTiff(8, 8, 0);
        int ifd1 = first.length;
        ByteBuilder loop2 = ByteBuilder.le().bytes(first).u16(1).u16(256).u16(LONG).u32(1).u32(8).u32(8);
        byte[] twoLoop = loop2.toByteArray();
        writeLe32(twoLoop, tiffDataOffset(9) - 4, ifd1);
        refuse(out, "tiff-ifd-two-loop.tif", twoLoop);
        refuse(out, "tiff-ifd-offset-past-eof.tif", ByteBuilder.le().ascii("II").u16(42).u32(0x7FFFFFF0L).zeros(16).toByteArray());
        refuse(out, "tiff-ifd-offset-zero.tif", ByteBuilder.le().ascii("II").u16(42).u32(0).zeros(16).toByteArray());
        List<IfdEntry> gray = HostileFormats.grayEntries(8, 8, tiffDataOffset(9), 64);
        // A hundred thousand directories chained one after another: pages a reader would list.
        byte[] page = HostileFormats.grayTiff(8, 8, 0);
        ByteBuilder pages = ByteBuilder.le().bytes(page);
        for (int i = 0; i < 100_000; i++) {
            long next = i == 99_999 ? 0 : page.length + 18L * (i + 1);
            pages.u16(1).u16(256).u16(LONG).u32(1).u32(8).u32(next);
        }
        byte[] manyPages = pages.toByteArray();
        writeLe32(manyPages, tiffDataOffset(9) - 4, page.length);
        refuse(out, "tiff-100k-directories.tif", manyPages);
        refuse(out, "tiff-entry-count-65535.tif", tiff(gray, 65535, 0, new byte[64]));
        refuse(out, "tiff-entry-count-zero.tif", tiff(List.of(), 0, 0, new byte[64]));
        refuse(out, "bigtiff-entry-count-2e62.tif", ByteBuilder.le().ascii("II").u16(43).u16(8).u16(0).u64(16)
                .u64(1L << 62).zeros(64).toByteArray());
        refuse(out, "bigtiff-ifd-offset-huge.tif", ByteBuilder.le().ascii("II").u16(43).u16(8).u16(0)
                .u64(Long.MAX_VALUE - 7).zeros(64).toByteArray());
        // StripOffsets claims a billion LONGs: an 4 GB array if a reader believed it.
        refuse(out, "tiff-strip-count-1e9.tif", tiff(replace(gray, new IfdEntry(273, LONG, 1_000_000_000L, tiffDataOffset(9))),
                9, 0, new byte[64]));
        refuse(out, "tiff-strip-past-eof.tif", tiff(replace(gray, IfdEntry.of(273, LONG, 0x7FFF0000L)), 9, 0, new byte[64]));
        refuse(out, "tiff-strip-bytes-huge.tif", tiff(replace(gray, IfdEntry.of(279, LONG, 0xFFFFFFF0L)), 9, 0, new byte[64]));
        refuse(out, "tiff-bits-per-sample-999.tif", tiff(replace(gray, IfdEntry.of(258, SHORT, 999)), 9, 0, new byte[64]));
        refuse(out, "tiff-samples-per-pixel-65535.tif", tiff(replace(gray, IfdEntry.of(277, SHORT, 65535)), 9, 0, new byte[64]));
        refuse(out, "tiff-compression-unknown.tif", tiff(replace(gray, IfdEntry.of(259, SHORT, 60000)), 9, 0, new byte[64]));
        // An EXIF sub-directory pointing back at IFD0: a loop through a sub-IFD instead of the chain.
        List<IfdEntry> withExif = new ArrayList<>(HostileFormats.grayEntries(8, 8, tiffDataOffset(10), 64));
        withExif.add(IfdEntry.of(34665, LONG, 8));
        refuse(out, "tiff-exif-ifd-loop.tif", tiff(withExif, 10, 0, new byte[64]));
    }

    private static List<IfdEntry> replace(List<IfdEntry> entries, IfdEntry replacement) {
        return entries.stream().map(e -> e.tag() == replacement.tag() ? replacement : e).toList();
    }

    private static void writeLe32(byte[] b, int at, long v) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }

    // ---- WebP structure ----

    private static void webpStructure(List<Sample> out) {
        byte[] good = seed("webp");
        byte[] riffTooLong = good.clone();
        writeLe32(riffTooLong, 4, 0x7FFFFFF0L);
        refuse(out, "webp-riff-size-2gb.webp", riffTooLong);
        byte[] chunkTooLong = good.clone();
        writeLe32(chunkTooLong, 16, 0x7FFFFFF0L);
        refuse(out, "webp-chunk-size-2gb.webp", chunkTooLong);
        refuse(out, "webp-no-chunks.webp", riff());
        // An animation of 100 000 one-pixel frames: only the first is decoded.
        byte[] frame = HostileFormats.vp8lChunk(1, 1, (x, y) -> true);
        byte[] anmf = HostileFormats.riffChunk("ANMF", ByteBuilder.le().u24(0).u24(0).u24(0).u24(0).u24(10).u8(0)
                .bytes(frame).toByteArray());
        byte[][] chunks = new byte[100_002][];
        chunks[0] = HostileFormats.riffChunk("VP8X", ByteBuilder.le().u8(0x02).u24(0).u24(0).u24(0).toByteArray());
        chunks[1] = HostileFormats.riffChunk("ANIM", ByteBuilder.le().u32(0).u16(0).toByteArray());
        Arrays.fill(chunks, 2, chunks.length, anmf);
        valid(out, "webp-100k-frames.webp", riff(chunks));
        refuse(out, "webp-unknown-chunk.webp", riff(HostileFormats.riffChunk("ABCD", new byte[16])));
        refuse(out, "webp-vp8-garbage.webp", riff(HostileFormats.vp8Chunk(64, 64, filled(32, 0xFF))));
        refuse(out, "webp-vp8l-bad-signature.webp", riff(HostileFormats.riffChunk("VP8L", filled(32, 0x11))));
    }

    // ---- absurd EXIF in otherwise good JPEGs: the image still decodes, orientation falls back to 1 ----

    private static void absurdExif(List<Sample> out) {
        byte[] jpeg = seed("jpg");
        valid(out, "exif-ifd-offset-huge.jpg", HostileFormats.withExif(jpeg, exif(0x7FFFFFFFL, 1, orientation(3), 0)));
        valid(out, "exif-ifd-offset-negative.jpg", HostileFormats.withExif(jpeg, exif(0xFFFFFFF8L, 1, orientation(3), 0)));
        valid(out, "exif-orientation-99.jpg", HostileFormats.withExif(jpeg, exif(8, 1, orientation(99), 0)));
        valid(out, "exif-orientation-65535.jpg", HostileFormats.withExif(jpeg, exif(8, 1, orientation(65535), 0)));
        valid(out, "exif-ifd-self-loop.jpg", HostileFormats.withExif(jpeg, exif(8, 1, orientation(6), 8)));
        valid(out, "exif-entry-count-65535.jpg", HostileFormats.withExif(jpeg, exif(8, 65535, orientation(6), 0)));
        valid(out, "exif-orientation-count-1e9.jpg", HostileFormats.withExif(jpeg,
                exif(8, 1, ByteBuilder.be().u16(0x0112).u16(LONG).u32(1_000_000_000L).u32(8).toByteArray(), 0)));
        valid(out, "exif-subifd-loop.jpg", HostileFormats.withExif(jpeg,
                exif(8, 1, ByteBuilder.be().u16(0x8769).u16(LONG).u32(1).u32(8).toByteArray(), 0)));
        valid(out, "exif-type-99.jpg", HostileFormats.withExif(jpeg,
                exif(8, 1, ByteBuilder.be().u16(0x0112).u16(99).u32(0x7FFFFFFF).u32(8).toByteArray(), 0)));
        valid(out, "exif-empty.jpg", HostileFormats.withSegment(jpeg, 0xE1, ascii("Exif\0\0")));
        valid(out, "exif-not-tiff.jpg", HostileFormats.withSegment(jpeg, 0xE1, ascii("Exif\0\0this is no TIFF header")));
        // Big-endian header, IFD at 8: many EXIF thumbnails live in IFD1; this one points at 64 KB of nothing.
        valid(out, "exif-thumbnail-past-end.jpg", HostileFormats.withExif(jpeg, exif(8, 2, ByteBuilder.be()
                .u16(0x0201).u16(LONG).u32(1).u32(0x7FFFFFF0L)
                .u16(0x0202).u16(LONG).u32(1).u32(0x10000).toByteArray(), 0)));
    }

    /** A big-endian TIFF structure for EXIF: IFD0 at {@code ifdOffset} declaring {@code count} entries. */
    private static byte[] exif(long ifdOffset, int count, byte[] entries, long nextIfd) {
        return ByteBuilder.be().ascii("MM").u16(42).u32(ifdOffset).u16(count).bytes(entries).u32(nextIfd).toByteArray();
    }

    private static byte[] orientation(int value) {
        return ByteBuilder.be().u16(0x0112).u16(SHORT).u32(1).u16(value).u16(0).toByteArray();
    }

    // ---- valid files that are merely unusual: they must work ----

    private static void unusualButValid(List<Sample> out) {
        byte[] jpeg = seed("jpg");
        valid(out, "jpeg-garbage-icc.jpg", HostileFormats.withSegment(jpeg, 0xE2,
                ByteBuilder.be().ascii("ICC_PROFILE").u8(0).u8(1).u8(1).bytes(filled(200, 0x5A)).toByteArray()));
        valid(out, "cmyk.jpg", HostileFormats.cmykJpeg(40, 24));
        valid(out, "png-16bit-rgb.png", TestImages.encode(HostileFormats.sixteenBit(40, 24, false), "png"));
        valid(out, "png-16bit-rgba.png", TestImages.encode(HostileFormats.sixteenBit(40, 24, true), "png"));
        BufferedImage gray16 = new BufferedImage(40, 24, BufferedImage.TYPE_USHORT_GRAY);
        valid(out, "png-16bit-gray.png", TestImages.encode(gray16, "png"));
        valid(out, "tiff-16bit-gray.tif", HostileFormats.grayTiff(40, 24, 16, 0));
        valid(out, "tiff-gray-hand-made.tif", HostileFormats.grayTiff(16, 8, 0));
        valid(out, "webp-lossless-hand-made.webp", seed("webp"));
        valid(out, "webp-vp8x-lossless.webp", riff(HostileFormats.vp8xChunk(24, 16),
                HostileFormats.vp8lChunk(24, 16, (x, y) -> x > y)));
        valid(out, "gif-1x1.gif", gifFrame(gifHeader(1, 1), 1, 1, HostileFormats.ONE_PIXEL_LZW).u8(0x3B).toByteArray());
        valid(out, "bmp-top-down.bmp", topDown(seed("bmp")));
    }

    /** The BMP stored top-down (negative height), which readers must flip. */
    private static byte[] topDown(byte[] bmp) {
        byte[] out = bmp.clone();
        int h = (out[22] & 0xFF) | (out[23] & 0xFF) << 8 | (out[24] & 0xFF) << 16 | out[25] << 24;
        writeLe32(out, 22, -h & 0xFFFFFFFFL);
        return out;
    }

    // ---- polyglots: one file, two readings ----

    private static void polyglots(List<Sample> out) {
        byte[] png = seed("png");
        byte[] jpeg = seed("jpg");
        byte[] html = ascii("<html><body><script>alert(document.domain)</script></body></html>\n");
        // Starts as HTML: not an image, whatever follows.
        refuse(out, "html-then-png.png", concat(html, png));
        refuse(out, "zip-then-png.png", concat(zip("a.txt", ascii("hello")), png));
        // Start as images and decode as images; the passenger is never served back (outputs are re-encoded).
        valid(out, "png-then-html.png", concat(png, html));
        valid(out, "png-then-zip.png", concat(png, zip("payload.txt", ascii("hello from the zip"))));
        valid(out, "png-with-script-text-chunk.png", insertAfterIhdr(png,
                chunk("tEXt", ByteBuilder.be().ascii("Comment").u8(0).bytes(html).toByteArray())));
        valid(out, "jpeg-then-zip.jpg", concat(jpeg, zip("payload.txt", ascii("hello from the zip"))));
        valid(out, "jpeg-with-php-comment.jpg", HostileFormats.withSegment(jpeg, 0xFE, ascii("<?php system($_GET['c']); ?>")));
        // GIF89a/*...*/=alert(1): the logical screen width bytes are "/*", the JavaScript rides after the trailer.
        ByteBuilder gifJs = ByteBuilder.le().ascii("GIF89a/*").u16(10).u8(0x80).u8(0).u8(0).u24(0).u24(0xFFFFFF);
        gifFrame(gifJs, 1, 1, HostileFormats.ONE_PIXEL_LZW).u8(0x3B).ascii("*/=1;alert(document.domain);//");
        valid(out, "gif-javascript.gif", gifJs.toByteArray());
        valid(out, "bmp-then-html.bmp", concat(seed("bmp"), html));
    }

    private static byte[] insertAfterIhdr(byte[] png, byte[] chunk) {
        int afterIhdr = 8 + 8 + 13 + 4;
        return ByteBuilder.be().bytes(Arrays.copyOf(png, afterIhdr)).bytes(chunk)
                .bytes(Arrays.copyOfRange(png, afterIhdr, png.length)).toByteArray();
    }

    // ---- helpers ----

    private static byte[] seed(String extension) {
        return HostileFormats.seeds().stream().filter(s -> s.extension().equals(extension)).findFirst().orElseThrow().bytes();
    }

    static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }


    private static byte[] zip(String name, byte[] content) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry(name));
            zip.write(content);
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static byte[] gzip(byte[] content) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
