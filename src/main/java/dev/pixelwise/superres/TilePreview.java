package dev.pixelwise.superres;

import dev.pixelwise.imaging.AtomicFiles;
import dev.pixelwise.imaging.ImageEncoder;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * A small picture of an upscale while it runs: the tiles finished so far, the rest transparent, so the
 * page can show the work arriving rather than only a percentage. Written at most every
 * {@link #EVERY_NANOS} (and once at the end, whole), replaced atomically ({@link AtomicFiles}) so a
 * reader never gets half a file; a few hundred thousand pixels sampled from the output, nothing that costs the upscale time.
 */
final class TilePreview {

    static final String FILE = "preview.png";
    /** The preview's longest side. */
    static final int SIDE = 640;
    static final long EVERY_NANOS = 1_500_000_000L;

    private final Path target;
    private final int w;
    private final int h;
    private final int scale;
    private final int tile;
    private final LongSupplier clock;
    private long last;

    /** @param w, h the input's size; tiles as {@link TiledUpscaler.Grid} cuts them for {@code tile}, in rows, left to right */
    TilePreview(Path target, int w, int h, int scale, int tile, LongSupplier nanoClock) {
        this.target = target;
        this.w = w;
        this.h = h;
        this.scale = scale;
        this.tile = tile;
        this.clock = nanoClock;
        this.last = nanoClock.getAsLong();
    }

    /** After a tile: writes the preview when enough time has passed since the last one (always at the last tile). */
    void tiles(int[] out, int done, int total) {
        long now = clock.getAsLong();
        if (done < total && now - last < EVERY_NANOS) {
            return;
        }
        last = now;
        write(render(out, done));
    }

    /** The output so far at preview size: tiles 0..done−1 (row by row) opaque, the rest transparent. */
    BufferedImage render(int[] out, int done) {
        int ow = w * scale;
        int oh = h * scale;
        double f = Math.min(1.0, (double) SIDE / Math.max(ow, oh));
        int pw = Math.max(1, (int) Math.round(ow * f));
        int ph = Math.max(1, (int) Math.round(oh * f));
        TiledUpscaler.Grid grid = TiledUpscaler.Grid.of(w, h, tile);
        BufferedImage preview = new BufferedImage(pw, ph, BufferedImage.TYPE_INT_ARGB);
        int[] px = ((DataBufferInt) preview.getRaster().getDataBuffer()).getData();
        for (int y = 0; y < ph; y++) {
            int oy = Math.min(oh - 1, (int) ((y + 0.5) * oh / ph));
            int tileRow = oy / scale / grid.tileH();
            for (int x = 0; x < pw; x++) {
                int ox = Math.min(ow - 1, (int) ((x + 0.5) * ow / pw));
                boolean finished = tileRow * grid.cols() + ox / scale / grid.tileW() < done;
                px[y * pw + x] = finished ? 0xFF000000 | out[oy * ow + ox] : 0;
            }
        }
        return preview;
    }

    private void write(BufferedImage preview) {
        try {
            AtomicFiles.replace(target, tmp -> ImageEncoder.writePngQuick(preview, tmp));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the upscale preview", e);
        }
    }
}
