package dev.pixelwise.superres;

import java.util.Locale;
import java.util.function.DoubleConsumer;

/**
 * Runs a super-resolution network over an image of any size in bounded memory: the image is cut
 * into tiles, each tile is enlarged together with {@link #CONTEXT} pixels of its surroundings (so
 * the network sees what it would see untiled), and only the tile's own part of the output is
 * kept — no seams, and no blending needed. A tile that runs out of memory is redone as four
 * smaller ones.
 */
final class TiledUpscaler {

    /** Context around each tile, in input pixels: covers the networks' effective receptive field. */
    static final int CONTEXT = 16;
    static final int MIN_TILE = 16;

    /** The network: interleaved 8-bit RGB (h × w × 3) in, (h·s) × (w·s) × 3 out. */
    interface Network {
        int[] run(int[] rgb, int width, int height);

        /** Frees what the network keeps between tiles; called when a job is done with it. */
        default void release() {
        }
    }

    /** Told after every tile: {@code done} of {@code total} (and may throw to cancel). */
    interface TileProgress {
        void tile(int done, int total);
    }

    /** {@code rgb}: the enlarged image as packed 0xRRGGBB, (w·s) × (h·s), as a {@code TYPE_INT_RGB} raster holds it. */
    record Outcome(int[] rgb, int tiles, int retriedTiles) {
    }

    /**
     * How an image is cut: {@code cols} × {@code rows} tiles of {@code tileW} × {@code tileH} input pixels (the
     * last column and row may be narrower), as many as tiles of the asked side need, but of equal size rather
     * than full tiles and a thin remainder. Why: every distinct tile shape costs the graph a plan and oneDNN a
     * set of primitives made on its first tile (about 0.6 s for esrgan-thick), and a thin remainder tile is
     * mostly context. A 250×230 upload with tile 128 now has 4 tiles of one shape where it had 4 shapes.
     */
    record Grid(int cols, int rows, int tileW, int tileH) {
        static Grid of(int w, int h, int tile) {
            int tileW = (w + (w + tile - 1) / tile - 1) / ((w + tile - 1) / tile); // ceil(w / ceil(w / tile))
            int tileH = (h + (h + tile - 1) / tile - 1) / ((h + tile - 1) / tile);
            return new Grid((w + tileW - 1) / tileW, (h + tileH - 1) / tileH, tileW, tileH);
        }

        int tiles() {
            return cols * rows;
        }
    }

    private final Network network;
    private final int scale;
    private final int tile;
    private int tiles;
    private int retried;

    TiledUpscaler(Network network, int scale, int tile) {
        this.network = network;
        this.scale = scale;
        this.tile = tile;
    }

    /**
     * @param rgb      interleaved 8-bit RGB of the whole image, w × h × 3
     * @param progress receives 0..1 after every tile (and may throw to cancel)
     */
    Outcome upscale(int[] rgb, int w, int h, DoubleConsumer progress) {
        return upscaleCounting(rgb, w, h, (done, total) -> progress.accept((double) done / total));
    }

    /** As {@link #upscale(int[], int, int, DoubleConsumer)}, telling tile counts rather than a fraction. */
    Outcome upscaleCounting(int[] rgb, int w, int h, TileProgress progress) {
        return upscaleCounting(rgb, w, h, progress, null);
    }

    /**
     * As {@link #upscaleCounting(int[], int, int, TileProgress)}, also handing the output so far (packed
     * RGB, tiles finished in rows, left to right) to {@code preview} after every tile.
     */
    Outcome upscaleCounting(int[] rgb, int w, int h, TileProgress progress, TilePreview preview) {
        // Packed, not interleaved: a quarter of the heap for 8192×8192, and the image needs no second copy.
        int[] out = new int[Math.multiplyExact(w * scale, h * scale)];
        Grid grid = Grid.of(w, h, tile);
        int total = grid.tiles();
        int done = 0;
        for (int ty = 0; ty < h; ty += grid.tileH()) {
            for (int tx = 0; tx < w; tx += grid.tileW()) {
                runTile(rgb, w, h, out, tx, ty, Math.min(grid.tileW(), w - tx), Math.min(grid.tileH(), h - ty));
                done++;
                if (preview != null) {
                    preview.tiles(out, done, total);
                }
                progress.tile(done, total);
            }
        }
        return new Outcome(out, tiles, retried);
    }

    static int tileCount(int w, int h, int tile) {
        return Grid.of(w, h, tile).tiles();
    }

    private void runTile(int[] rgb, int w, int h, int[] out, int tx, int ty, int tw, int th) {
        int x0 = Math.max(0, tx - CONTEXT);
        int y0 = Math.max(0, ty - CONTEXT);
        int x1 = Math.min(w, tx + tw + CONTEXT);
        int y1 = Math.min(h, ty + th + CONTEXT);
        int cw = x1 - x0;
        int ch = y1 - y0;
        int[] crop = new int[cw * ch * 3];
        for (int y = 0; y < ch; y++) {
            System.arraycopy(rgb, ((y0 + y) * w + x0) * 3, crop, y * cw * 3, cw * 3);
        }
        int[] up;
        try {
            up = network.run(crop, cw, ch);
        } catch (OutOfMemoryError | RuntimeException e) {
            if (!outOfMemory(e) || tw <= MIN_TILE && th <= MIN_TILE) {
                throw e;
            }
            retried++;
            int hw = Math.max(1, (tw + 1) / 2);
            int hh = Math.max(1, (th + 1) / 2);
            for (int sy = ty; sy < ty + th; sy += hh) {
                for (int sx = tx; sx < tx + tw; sx += hw) {
                    runTile(rgb, w, h, out, sx, sy, Math.min(hw, tx + tw - sx), Math.min(hh, ty + th - sy));
                }
            }
            return;
        }
        tiles++;
        int s = scale;
        int upW = cw * s;
        int rowLen = tw * s;
        for (int y = 0; y < th * s; y++) {
            int srcRow = (ty - y0) * s + y;
            int src = (srcRow * upW + (tx - x0) * s) * 3;
            int dst = (ty * s + y) * (w * s) + tx * s;
            for (int x = 0; x < rowLen; x++, src += 3) {
                out[dst + x] = up[src] << 16 | up[src + 1] << 8 | up[src + 2];
            }
        }
    }

    /** Java heap exhaustion, or ND4J failing to allocate native memory (it reports that as a RuntimeException). */
    static boolean outOfMemory(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                return true;
            }
            String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (m.contains("out of memory") || m.contains("failed to allocate") || m.contains("cannot allocate")
                    || m.contains("bad_alloc")) {
                return true;
            }
        }
        return false;
    }
}
