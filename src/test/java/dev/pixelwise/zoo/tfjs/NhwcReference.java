package dev.pixelwise.zoo.tfjs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pixelwise.zoo.tfjs.TfjsLayersModel.Layer;
import dev.pixelwise.zoo.tfjs.TfjsLayersModel.Weight;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A plain-Java forward pass of a {@link TfjsLayersModel} in Keras' own layout (NHWC, batch 1), written from
 * the Keras / TF definitions rather than from the importer: TF SAME padding from the dilated kernel extent,
 * sums in double, nearest upsampling by index division, PixelShuffle as tf.depthToSpace on NHWC
 * (output (h·b + i, w·b + j, c) = input (h, w, (i·b + j)·C + c)). For checking the SameDiff graph on small
 * models; slow on big ones.
 */
final class NhwcReference {

    /** An NHWC image of batch 1: data[(y · w + x) · c + channel]. */
    record Image(int h, int w, int c, float[] data) {
        float at(int y, int x, int ch) {
            return data[(y * w + x) * c + ch];
        }

        /** As NCHW [1, c, h, w]. */
        INDArray nchw() {
            float[] out = new float[data.length];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    for (int ch = 0; ch < c; ch++) {
                        out[(ch * h + y) * w + x] = at(y, x, ch);
                    }
                }
            }
            return Nd4j.create(out, new long[]{1, c, h, w}, 'c');
        }

        static Image fromNchw(INDArray a) {
            long[] s = a.shape();
            int c = (int) s[1], h = (int) s[2], w = (int) s[3];
            float[] data = new float[c * h * w];
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        data[(y * w + x) * c + ch] = a.getFloat(0, ch, y, x);
                    }
                }
            }
            return new Image(h, w, c, data);
        }
    }

    private NhwcReference() {
    }

    static Image run(TfjsLayersModel model, Image input) {
        Map<String, Image> values = new HashMap<>();
        for (Layer l : model.layers()) {
            List<Image> in = l.inbound().stream().map(values::get).toList();
            JsonNode c = l.config();
            Image y = switch (l.className()) {
                case "InputLayer" -> input;
                case "Conv2D" -> conv(model, l, in.get(0));
                case "Activation" -> activation(in.get(0), c.get("activation").asText());
                case "Concatenate" -> concat(in);
                case "Add" -> add(in);
                case "UpSampling2D" -> upSample(in.get(0), c.get("size").get(0).asInt(), c.get("size").get(1).asInt());
                case "MultiplyBeta" -> scale(in.get(0), c.path("beta").asDouble(0.2));
                default -> {
                    if (l.className().startsWith("PixelShuffle")) {
                        yield depthToSpace(in.get(0), c.get("scale").asInt());
                    }
                    throw new IllegalArgumentException(l.className());
                }
            };
            values.put(l.name(), y);
        }
        return values.get(model.outputs().get(0));
    }

    static Image conv(TfjsLayersModel model, Layer l, Image x) {
        JsonNode c = l.config();
        Weight kernel = model.weight(l.name() + "/kernel"); // [kh, kw, in, out]
        float[] bias = model.weight(l.name() + "/bias").values();
        int kh = kernel.shape()[0], kw = kernel.shape()[1], cin = kernel.shape()[2], cout = kernel.shape()[3];
        int sh = c.get("strides").get(0).asInt(), sw = c.get("strides").get(1).asInt();
        int dh = c.get("dilation_rate").get(0).asInt(), dw = c.get("dilation_rate").get(1).asInt();
        int eh = (kh - 1) * dh + 1, ew = (kw - 1) * dw + 1;
        int oh, ow, padTop, padLeft;
        if (c.get("padding").asText().equals("same")) {
            oh = (x.h + sh - 1) / sh;
            ow = (x.w + sw - 1) / sw;
            padTop = Math.max((oh - 1) * sh + eh - x.h, 0) / 2;
            padLeft = Math.max((ow - 1) * sw + ew - x.w, 0) / 2;
        } else {
            oh = (x.h - eh) / sh + 1;
            ow = (x.w - ew) / sw + 1;
            padTop = 0;
            padLeft = 0;
        }
        float[] out = new float[oh * ow * cout];
        float[] k = kernel.values();
        for (int y = 0; y < oh; y++) {
            for (int xx = 0; xx < ow; xx++) {
                for (int o = 0; o < cout; o++) {
                    double sum = bias[o];
                    for (int i = 0; i < kh; i++) {
                        int iy = y * sh - padTop + i * dh;
                        if (iy < 0 || iy >= x.h) {
                            continue;
                        }
                        for (int j = 0; j < kw; j++) {
                            int ix = xx * sw - padLeft + j * dw;
                            if (ix < 0 || ix >= x.w) {
                                continue;
                            }
                            for (int ch = 0; ch < cin; ch++) {
                                sum += (double) x.at(iy, ix, ch) * k[((i * kw + j) * cin + ch) * cout + o];
                            }
                        }
                    }
                    out[(y * ow + xx) * cout + o] = (float) sum;
                }
            }
        }
        return activation(new Image(oh, ow, cout, out), c.get("activation").asText());
    }

    static Image activation(Image x, String name) {
        if (name.equals("linear")) {
            return x;
        }
        if (!name.equals("relu")) {
            throw new IllegalArgumentException(name);
        }
        float[] out = x.data.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.max(out[i], 0f);
        }
        return new Image(x.h, x.w, x.c, out);
    }

    static Image concat(List<Image> in) {
        int c = in.stream().mapToInt(Image::c).sum();
        Image first = in.get(0);
        float[] out = new float[first.h * first.w * c];
        for (int p = 0; p < first.h * first.w; p++) {
            int at = p * c;
            for (Image x : in) {
                System.arraycopy(x.data, p * x.c, out, at, x.c);
                at += x.c;
            }
        }
        return new Image(first.h, first.w, c, out);
    }

    static Image add(List<Image> in) {
        float[] out = in.get(0).data.clone();
        for (Image x : in.subList(1, in.size())) {
            for (int i = 0; i < out.length; i++) {
                out[i] += x.data[i];
            }
        }
        return new Image(in.get(0).h, in.get(0).w, in.get(0).c, out);
    }

    static Image scale(Image x, double beta) {
        float[] out = new float[x.data.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = x.data[i] * (float) beta;
        }
        return new Image(x.h, x.w, x.c, out);
    }

    static Image upSample(Image x, int sh, int sw) {
        int h = x.h * sh, w = x.w * sw;
        float[] out = new float[h * w * x.c];
        for (int y = 0; y < h; y++) {
            for (int xx = 0; xx < w; xx++) {
                System.arraycopy(x.data, ((y / sh) * x.w + xx / sw) * x.c, out, (y * w + xx) * x.c, x.c);
            }
        }
        return new Image(h, w, x.c, out);
    }

    /** tf.depthToSpace(x, b, 'NHWC'). */
    static Image depthToSpace(Image x, int b) {
        int c = x.c / (b * b), h = x.h * b, w = x.w * b;
        float[] out = new float[h * w * c];
        for (int y = 0; y < h; y++) {
            for (int xx = 0; xx < w; xx++) {
                for (int ch = 0; ch < c; ch++) {
                    out[(y * w + xx) * c + ch] = x.at(y / b, xx / b, ((y % b) * b + xx % b) * c + ch);
                }
            }
        }
        return new Image(h, w, c, out);
    }

    static Image random(int h, int w, int c, long seed) {
        Random r = new Random(seed);
        float[] d = new float[h * w * c];
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextFloat();
        }
        return new Image(h, w, c, d);
    }

    static double maxAbsDiff(Image a, Image b) {
        if (a.h != b.h || a.w != b.w || a.c != b.c) {
            throw new AssertionError("shape " + a.h + "×" + a.w + "×" + a.c + " vs " + b.h + "×" + b.w + "×" + b.c);
        }
        double m = 0;
        for (int i = 0; i < a.data.length; i++) {
            m = Math.max(m, Math.abs(a.data[i] - b.data[i]));
        }
        return m;
    }
}
