package dev.pixelwise.imaging;

import dev.pixelwise.hostile.HostileCorpus;
import dev.pixelwise.hostile.HostileFormats;
import dev.pixelwise.problem.AppException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A seeded mutation fuzzer for the decoder's guard, in plain JUnit: small valid files of every
 * format are mutated a few thousand times (bit flips, bytes set to 0/0xFF/random, truncations,
 * length fields set to edge values, insertions, duplications, deletions), and each result must
 * either decode to an image within the limits or be refused with a 4xx {@link AppException}:
 * never another exception, never a hang.
 *
 * <p>Deterministic: the same master seed gives the same inputs. A failure names the seed, the
 * case and its mutations, and saves the input under {@code target/fuzz-failures/}. Run longer
 * with {@code -Dfuzz.seed=… -Dfuzz.cases=…} (cases per seed file).
 */
class DecoderFuzzTest {

    static final long MASTER_SEED = Long.getLong("fuzz.seed", 0x5EED_F00DL);
    static final int CASES_PER_SEED = Integer.getInteger("fuzz.cases", 450);
    /** Lower than the app's 40 MP so a mutation that grows a header costs milliseconds, not seconds. */
    static final long MAX_PIXELS = 4_000_000;
    static final ImageDecoder DECODER = new ImageDecoder(ImageDecoderTest.limits(MAX_PIXELS, Duration.ofSeconds(5)));
    static final int[] EDGE_VALUES = {0, 1, 2, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x10000, 0x7FFFFFFF,
            0x80000000, 0xFFFFFFFF, 0xFFFFFFFE};

    static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};

    @AfterAll
    static void close() {
        DECODER.close();
    }

    /** The seed files: one small valid file per format, plus the odd-but-valid ones of the hostile corpus. */
    static Map<String, byte[]> seeds() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        for (HostileFormats.Seed seed : HostileFormats.seeds()) {
            seeds.put("seed." + seed.extension(), seed.bytes());
        }
        for (String name : List.of("cmyk.jpg", "png-16bit-rgba.png", "tiff-16bit-gray.tif", "webp-vp8x-lossless.webp",
                "exif-ifd-self-loop.jpg", "gif-1x1.gif")) {
            seeds.put(name, HostileCorpus.all().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow().bytes());
        }
        return seeds;
    }

    @Test
    void mutatedFilesDecodeWithinLimitsOrGetA4xx() throws IOException {
        Path dir = Files.createDirectories(Path.of("target", "fuzz-work"));
        Path input = dir.resolve("input");
        int decoded = 0;
        int refused = 0;
        long slowestMs = 0;
        String slowest = "";
        long start = System.nanoTime();
        int seedIndex = 0;
        for (Map.Entry<String, byte[]> seed : seeds().entrySet()) {
            seedIndex++;
            for (int c = 0; c < CASES_PER_SEED; c++) {
                long caseSeed = caseSeed(MASTER_SEED, seedIndex, c);
                List<String> steps = new ArrayList<>();
                byte[] mutated = mutate(seed.getValue(), new Random(caseSeed), steps);
                Files.write(input, mutated);
                String where = String.format(Locale.ROOT, "fuzz.seed=%d, seed file %s, case %d (case seed %d), mutations %s",
                        MASTER_SEED, seed.getKey(), c, caseSeed, steps);
                Outcome outcome;
                long t0 = System.nanoTime();
                try {
                    outcome = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> run(input), () -> "hang: " + where);
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + "; input saved as " + save(seed.getKey(), c, mutated), e);
                }
                long ms = (System.nanoTime() - t0) / 1_000_000;
                if (ms > slowestMs) {
                    slowestMs = ms;
                    slowest = where;
                }
                if (outcome.unexpected() != null) {
                    fail("not a 4xx AppException: " + where + "; input saved as " + save(seed.getKey(), c, mutated),
                            outcome.unexpected());
                }
                if (outcome.image() != null) {
                    DecodedImage image = outcome.image();
                    assertTrue(image.width() > 0 && image.height() > 0 && (long) image.width() * image.height() <= MAX_PIXELS,
                            "decoded " + image.width() + "×" + image.height() + ": " + where);
                    decoded++;
                } else {
                    refused++;
                }
            }
        }
        System.out.printf(Locale.ROOT, "fuzz: %d inputs (seed %d): %d decoded, %d refused with a 4xx, in %d ms; slowest %d ms: %s%n",
                decoded + refused, MASTER_SEED, decoded, refused, (System.nanoTime() - start) / 1_000_000, slowestMs, slowest);
        assertTrue(decoded > 0 && refused > 0, "the mutations should produce both outcomes");
    }

    /** Mixes the master seed, seed file and case number, so nearby master seeds share no cases. */
    static long caseSeed(long master, int seedIndex, int c) {
        long h = (master * 0x9E3779B97F4A7C15L + seedIndex) * 0x9E3779B97F4A7C15L + c;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        return h ^ (h >>> 33);
    }

    /** The decoded image, or null when refused with a 4xx; {@code unexpected} for anything else. */
    record Outcome(DecodedImage image, Throwable unexpected) {
    }

    static Outcome run(Path input) {
        try {
            ImageHeader header = DECODER.probe(input);
            DecodedImage image = DECODER.decode(input);
            if (image.info().format() != header.format()) {
                return new Outcome(null, new AssertionError("probe said " + header.format() + ", decode " + image.info().format()));
            }
            return new Outcome(image, null);
        } catch (AppException e) {
            return e.status() >= 400 && e.status() < 500 ? new Outcome(null, null) : new Outcome(null, e);
        } catch (Throwable e) {
            return new Outcome(null, e);
        }
    }

    /** One to three mutations; for PNG, half the time the chunk CRCs are fixed afterwards so the reader sees the damage. */
    static byte[] mutate(byte[] original, Random random, List<String> steps) {
        byte[] data = original.clone();
        int rounds = 1 + random.nextInt(3);
        for (int r = 0; r < rounds && data.length > 0; r++) {
            // Headers are where parsers make decisions: aim half of the mutations at the first 128 bytes.
            int span = random.nextBoolean() ? Math.min(128, data.length) : data.length;
            int at = random.nextInt(span);
            switch (random.nextInt(8)) {
                case 0 -> {
                    int bit = random.nextInt(8);
                    data[at] ^= (byte) (1 << bit);
                    steps.add("flip bit " + bit + " at " + at);
                }
                case 1 -> {
                    int value = switch (random.nextInt(3)) {
                        case 0 -> 0;
                        case 1 -> 0xFF;
                        default -> random.nextInt(256);
                    };
                    data[at] = (byte) value;
                    steps.add("set " + at + " to " + value);
                }
                case 2 -> {
                    data = Arrays.copyOf(data, at);
                    steps.add("truncate at " + at);
                }
                case 3 -> {
                    int value = EDGE_VALUES[random.nextInt(EDGE_VALUES.length)];
                    int width = random.nextBoolean() ? 2 : 4;
                    boolean little = random.nextBoolean();
                    at = Math.min(at, Math.max(0, data.length - width));
                    for (int i = 0; i < width && at + i < data.length; i++) {
                        int shift = 8 * (little ? i : width - 1 - i);
                        data[at + i] = (byte) (value >>> shift);
                    }
                    steps.add(String.format(Locale.ROOT, "write %s%d 0x%X at %d", little ? "le" : "be", width * 8, value, at));
                }
                case 4 -> {
                    byte[] noise = new byte[1 + random.nextInt(64)];
                    random.nextBytes(noise);
                    data = splice(data, at, at, noise);
                    steps.add("insert " + noise.length + " random bytes at " + at);
                }
                case 5 -> {
                    int length = 1 + random.nextInt(Math.max(1, Math.min(256, data.length - at)));
                    byte[] block = Arrays.copyOfRange(data, at, Math.min(data.length, at + length));
                    int to = random.nextInt(data.length + 1);
                    int times = 1 + random.nextInt(random.nextInt(10) == 0 ? 200 : 3);
                    for (int i = 0; i < times; i++) {
                        data = splice(data, to, to, block);
                    }
                    steps.add("duplicate " + block.length + " bytes from " + at + " " + times + "× at " + to);
                }
                case 6 -> {
                    int length = 1 + random.nextInt(Math.max(1, Math.min(512, data.length - at)));
                    data = splice(data, at, Math.min(data.length, at + length), new byte[0]);
                    steps.add("delete " + length + " bytes at " + at);
                }
                default -> {
                    int chunk = pngChunkLengthAt(data, random);
                    if (chunk >= 0) {
                        int value = EDGE_VALUES[random.nextInt(EDGE_VALUES.length)];
                        ByteBuffer.wrap(data).putInt(chunk, value);
                        steps.add(String.format(Locale.ROOT, "set PNG chunk length at %d to 0x%X", chunk, value));
                    } else {
                        data[at] = (byte) ~data[at];
                        steps.add("invert byte at " + at);
                    }
                }
            }
        }
        if (isPng(data) && random.nextBoolean()) {
            fixPngCrcs(data);
            steps.add("fix CRCs");
        }
        return data;
    }

    static byte[] splice(byte[] data, int from, int to, byte[] insert) {
        byte[] out = new byte[data.length - (to - from) + insert.length];
        System.arraycopy(data, 0, out, 0, from);
        System.arraycopy(insert, 0, out, from, insert.length);
        System.arraycopy(data, to, out, from + insert.length, data.length - to);
        return out;
    }

    /** The offset of a random PNG chunk's length field, or -1 when the data is not a walkable PNG. */
    static int pngChunkLengthAt(byte[] data, Random random) {
        if (!isPng(data)) {
            return -1;
        }
        List<Integer> offsets = new ArrayList<>();
        int at = 8;
        while (at + 12 <= data.length) {
            offsets.add(at);
            long length = Integer.toUnsignedLong(ByteBuffer.wrap(data).getInt(at));
            if (length > data.length) {
                break;
            }
            at += 12 + (int) length;
        }
        return offsets.isEmpty() ? -1 : offsets.get(random.nextInt(offsets.size()));
    }

    /** Recomputes every walkable chunk's CRC, so damage inside chunks gets past the checksum gate. */
    static void fixPngCrcs(byte[] data) {
        ByteBuffer b = ByteBuffer.wrap(data);
        int at = 8;
        while (at + 12 <= data.length) {
            long length = Integer.toUnsignedLong(b.getInt(at));
            if (at + 12 + length > data.length) {
                return;
            }
            CRC32 crc = new CRC32();
            crc.update(data, at + 4, 4 + (int) length);
            b.putInt(at + 8 + (int) length, (int) crc.getValue());
            at += 12 + (int) length;
        }
    }

    static Path save(String seed, int c, byte[] data) {
        try {
            Path dir = Files.createDirectories(Path.of("target", "fuzz-failures"));
            return Files.write(dir.resolve(seed + "-case-" + c), data).toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean isPng(byte[] data) {
        return data.length >= 8 && Arrays.equals(Arrays.copyOf(data, 8), PNG_SIGNATURE);
    }
}
