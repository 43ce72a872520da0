package dev.pixelwise.zoo.tflite;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The float kernels on inputs small enough to check by hand. */
class ReferenceKernelsTest {

    private static FloatTensor t(int[] shape, float... values) {
        return FloatTensor.of(shape, values);
    }

    private static float[] ramp(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i + 1;
        }
        return v;
    }

    @Test
    void samePaddingUsesTheDilatedKernelSize() {
        // 33 wide, 3-tap kernel, dilation 2: effective 5 taps, so 2 pixels of padding each side.
        assertEquals(new ReferenceKernels.Window(33, 2), ReferenceKernels.window(Padding.SAME, 33, 3, 1, 2));
        assertEquals(new ReferenceKernels.Window(33, 1), ReferenceKernels.window(Padding.SAME, 33, 3, 1, 1));
        // 224 → 112 with stride 2: total padding 1, the smaller half (0) before.
        assertEquals(new ReferenceKernels.Window(112, 0), ReferenceKernels.window(Padding.SAME, 224, 3, 2, 1));
        assertEquals(new ReferenceKernels.Window(113, 1), ReferenceKernels.window(Padding.SAME, 225, 3, 2, 1)); // total 2: 1 + 1
        assertEquals(new ReferenceKernels.Window(1, 0), ReferenceKernels.window(Padding.VALID, 33, 33, 1, 1));
        assertEquals(new ReferenceKernels.Window(5, 0), ReferenceKernels.window(Padding.VALID, 7, 3, 1, 1));
    }

    @Test
    void conv2dSamePaddingBiasAndRelu6() {
        // 1×3×3×1 input 1..9, one 3×3 all-ones filter, bias 0.5: each output is the sum of its
        // 3×3 neighbourhood (zeros outside) + 0.5, clamped to 6 by RELU6; without RELU6 the centre is 45.5.
        FloatTensor in = t(new int[]{1, 3, 3, 1}, ramp(9));
        float[] ones = {1, 1, 1, 1, 1, 1, 1, 1, 1};
        OperatorOptions.Conv2D none = new OperatorOptions.Conv2D(Padding.SAME, 1, 1, FusedActivation.NONE, 1, 1);
        FloatTensor out = ReferenceKernels.conv2d(in, ones, 3, 3, 1, new float[]{0.5f}, none);
        assertArrayEquals(new float[]{12.5f, 21.5f, 16.5f, 27.5f, 45.5f, 33.5f, 24.5f, 39.5f, 28.5f}, out.toArray());
        OperatorOptions.Conv2D relu6 = new OperatorOptions.Conv2D(Padding.SAME, 1, 1, FusedActivation.RELU6, 1, 1);
        assertEquals(6f, ReferenceKernels.conv2d(in, ones, 3, 3, 1, new float[]{0.5f}, relu6).get(4));
    }

    @Test
    void conv2dMixesChannelsWithTheInOutFilterLayout() {
        // 1×1 conv, 2 in → 3 out; filter laid out [in][out].
        FloatTensor in = t(new int[]{1, 1, 2, 2}, 1, 2, 3, 4);
        float[] filter = {1, 0, 10, /* from in 0 */ 0, 1, 100 /* from in 1 */};
        OperatorOptions.Conv2D o = new OperatorOptions.Conv2D(Padding.VALID, 1, 1, FusedActivation.NONE, 1, 1);
        FloatTensor out = ReferenceKernels.conv2d(in, filter, 1, 1, 3, null, o);
        assertArrayEquals(new int[]{1, 1, 2, 3}, out.shape());
        assertArrayEquals(new float[]{1, 2, 210, 3, 4, 430}, out.toArray());
    }

    @Test
    void conv2dStrideTwoSamePadsAfter() {
        // 1×4×4×1, 3×3 ones, stride 2, SAME: out 2×2, total pad 1 → 0 before, 1 after.
        FloatTensor in = t(new int[]{1, 4, 4, 1}, ramp(16));
        float[] ones = {1, 1, 1, 1, 1, 1, 1, 1, 1};
        OperatorOptions.Conv2D o = new OperatorOptions.Conv2D(Padding.SAME, 2, 2, FusedActivation.NONE, 1, 1);
        FloatTensor out = ReferenceKernels.conv2d(in, ones, 3, 3, 1, null, o);
        // (0,0): 1+2+3+5+6+7+9+10+11 = 54; (0,1): 3+4+7+8+11+12 = 45; (1,0): 9+10+11+13+14+15 = 72; (1,1): 11+12+15+16 = 54
        assertArrayEquals(new float[]{54, 45, 72, 54}, out.toArray());
    }

    @Test
    void depthwiseWithDilationTwo() {
        // 1×5×5×2: channel 0 = 1..25, channel 1 = 0. 3×3 kernel of ones on channel 0, dilation 2, SAME:
        // effective 5×5, padding 2; the centre output sums pixels (0|2|4, 0|2|4).
        float[] v = new float[50];
        for (int i = 0; i < 25; i++) {
            v[2 * i] = i + 1;
        }
        FloatTensor in = t(new int[]{1, 5, 5, 2}, v);
        float[] filter = new float[9 * 2];
        for (int k = 0; k < 9; k++) {
            filter[2 * k] = 1; // [kh][kw][out]
        }
        OperatorOptions.DepthwiseConv2D o = new OperatorOptions.DepthwiseConv2D(Padding.SAME, 1, 1, 1,
                FusedActivation.NONE, 2, 2);
        FloatTensor out = ReferenceKernels.depthwiseConv2d(in, filter, 3, 3, 2, new float[]{0, 7}, o);
        assertArrayEquals(new int[]{1, 5, 5, 2}, out.shape());
        assertEquals(1 + 3 + 5 + 11 + 13 + 15 + 21 + 23 + 25, out.at(0, 2, 2, 0));
        assertEquals(1 + 3 + 11 + 13, out.at(0, 0, 0, 0)); // corner: taps at 0 and 2 only
        assertEquals(7f, out.at(0, 2, 2, 1)); // bias only
    }

    @Test
    void depthwiseWithMultiplier() {
        // 1 input channel → 2 output channels with weights 2 and −1 (1×1 kernel).
        FloatTensor in = t(new int[]{1, 1, 2, 1}, 3, 4);
        OperatorOptions.DepthwiseConv2D o = new OperatorOptions.DepthwiseConv2D(Padding.VALID, 1, 1, 2,
                FusedActivation.RELU, 1, 1);
        FloatTensor out = ReferenceKernels.depthwiseConv2d(in, new float[]{2, -1}, 1, 1, 2, null, o);
        assertArrayEquals(new float[]{6, 0, 8, 0}, out.toArray());
    }

    @Test
    void averagePoolCountsOnlyPixelsInsideTheImage() {
        FloatTensor in = t(new int[]{1, 2, 2, 1}, 1, 2, 3, 4);
        OperatorOptions.Pool2D same = new OperatorOptions.Pool2D(Padding.SAME, 1, 1, 3, 3, FusedActivation.NONE);
        assertArrayEquals(new float[]{2.5f, 2.5f, 2.5f, 2.5f}, ReferenceKernels.averagePool2d(in, same).toArray());
        OperatorOptions.Pool2D global = new OperatorOptions.Pool2D(Padding.VALID, 1, 1, 2, 2, FusedActivation.NONE);
        FloatTensor g = ReferenceKernels.averagePool2d(in, global);
        assertArrayEquals(new int[]{1, 1, 1, 1}, g.shape());
        assertEquals(2.5f, g.get(0));
    }

    @Test
    void addBroadcastsAndActivates() {
        FloatTensor a = t(new int[]{1, 2, 2, 2}, 1, -2, 3, -4, 5, -6, 7, -8);
        FloatTensor b = t(new int[]{2}, 10, 1);
        assertArrayEquals(new float[]{11, 0, 13, 0, 15, 0, 17, 0},
                ReferenceKernels.add(a, b, FusedActivation.RELU).toArray());
        assertArrayEquals(new float[]{11, -1, 13, -3, 15, -5, 17, -7},
                ReferenceKernels.add(a, b, FusedActivation.NONE).toArray());
        assertArrayEquals(new float[]{2, -4, 6, -8, 10, -12, 14, -16}, ReferenceKernels.add(a, a, FusedActivation.NONE).toArray());
    }

    @Test
    void softmaxSumsToOneAndHonoursBeta() {
        FloatTensor s = ReferenceKernels.softmax(t(new int[]{1, 3}, 0, (float) Math.log(2), (float) Math.log(5)), 1f);
        assertArrayEquals(new float[]{0.125f, 0.25f, 0.625f}, s.toArray(), 1e-6f);
        FloatTensor half = ReferenceKernels.softmax(t(new int[]{1, 2}, 0, (float) Math.log(9)), 0.5f);
        assertArrayEquals(new float[]{0.25f, 0.75f}, half.toArray(), 1e-6f);
    }

    @Test
    void concatenationOnTheChannelAxisKeepsInputOrder() {
        FloatTensor a = t(new int[]{1, 1, 2, 1}, 1, 2);
        FloatTensor b = t(new int[]{1, 1, 2, 2}, 10, 11, 20, 21);
        FloatTensor c = ReferenceKernels.concatenate(List.of(a, b), 3, FusedActivation.NONE);
        assertArrayEquals(new int[]{1, 1, 2, 3}, c.shape());
        assertArrayEquals(new float[]{1, 10, 11, 2, 20, 21}, c.toArray());
        assertArrayEquals(c.toArray(), ReferenceKernels.concatenate(List.of(a, b), -1, FusedActivation.NONE).toArray());
    }

    @Test
    void resizeBilinearAlignCorners() {
        // 1×1 → 3×3 (DeepLab's image pooling branch): every output is the single input value.
        FloatTensor one = t(new int[]{1, 1, 1, 2}, 4, -1);
        FloatTensor up = ReferenceKernels.resizeBilinear(one, 3, 3, true, false);
        for (int i = 0; i < 9; i++) {
            assertEquals(4f, up.get(2 * i));
            assertEquals(-1f, up.get(2 * i + 1));
        }
        // 1×2 → 1×3 with align_corners: corners kept, midpoint in the middle.
        FloatTensor row = t(new int[]{1, 1, 2, 1}, 0, 10);
        assertArrayEquals(new float[]{0, 5, 10}, ReferenceKernels.resizeBilinear(row, 1, 3, true, false).toArray());
        // Without align_corners: scale 2/3, source x = 0, 2/3, 4/3 (clamped to the last pixel).
        assertArrayEquals(new float[]{0, 20f / 3, 10}, ReferenceKernels.resizeBilinear(row, 1, 3, false, false).toArray(), 1e-5f);
        // Half-pixel centres, 2 → 4: source x = −0.25, 0.25, 0.75, 1.25 → 0, 2.5, 7.5, 10.
        assertArrayEquals(new float[]{0, 2.5f, 7.5f, 10}, ReferenceKernels.resizeBilinear(row, 1, 4, false, true).toArray(), 1e-5f);
        // 3 → 5 aligned: 33 → 513 in DeepLab works the same way (scale (in − 1)/(out − 1) = 0.5 here).
        FloatTensor three = t(new int[]{1, 1, 3, 1}, 0, 4, 2);
        assertArrayEquals(new float[]{0, 2, 4, 3, 2}, ReferenceKernels.resizeBilinear(three, 1, 5, true, false).toArray());
    }

    @Test
    void argMaxTakesTheFirstLargestAndDropsTheAxis() {
        FloatTensor in = t(new int[]{1, 1, 2, 3}, 1, 5, 5, 9, 2, 3);
        FloatTensor a = ReferenceKernels.argMax(in, 3);
        assertArrayEquals(new int[]{1, 1, 2}, a.shape());
        assertArrayEquals(new float[]{1, 0}, a.toArray());
        assertArrayEquals(new float[]{1, 0, 0}, ReferenceKernels.argMax(in, 2).toArray());
    }
}
