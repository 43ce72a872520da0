package dev.pixelwise.classify;

import dev.pixelwise.zoo.GraphFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Where a feature map's cells sit, read from a graph's convolutions; the same after the graph's cache file. */
class CellAlignmentTest {

    private static Conv2DConfig conv(int k, int s, PaddingMode padding) {
        return Conv2DConfig.builder().kH(k).kW(k).sH(s).sW(s).pH(0).pW(0).dH(1).dW(1).paddingMode(padding)
                .dataFormat("NCHW").build();
    }

    /**
     * 16 × 20 input; a 3×3 stride-2 SAME convolution, a 3×3 stride-2 SAME depthwise one, a 3×3 stride-1
     * SAME and a 1×1: on even sizes SAME pads nothing before, so each stride-2 layer moves the centres half
     * of its input's step, 0.5 · (1 + 2) = 1.5 input pixels of a 4-pixel cell. A VALID 3×3 after it moves
     * them one more of its input's steps (4 pixels, a whole cell); a 3×3 stride-1 SAME moves nothing.
     */
    @Test
    void shiftsAddUpFromTheLayersAndSurviveTheCacheFile(@TempDir Path dir) throws IOException {
        SameDiff sd = SameDiff.create();
        SDVariable in = sd.placeHolder("input", DataType.FLOAT, 1, 3, 16, 20);
        SDVariable x = sd.cnn().conv2d("c1", in, sd.constant("w1", Nd4j.rand(DataType.FLOAT, 8, 3, 3, 3)), conv(3, 2, PaddingMode.SAME));
        x = sd.nn().relu6("r1", x, 0);
        x = sd.cnn().depthWiseConv2d("d2", x, sd.constant("w2", Nd4j.rand(DataType.FLOAT, 3, 3, 8, 1)), conv(3, 2, PaddingMode.SAME));
        x = sd.cnn().conv2d("c3", x, sd.constant("w3", Nd4j.rand(DataType.FLOAT, 8, 8, 3, 3)), conv(3, 1, PaddingMode.SAME));
        SDVariable maps = sd.cnn().conv2d("maps", x, sd.constant("w4", Nd4j.rand(DataType.FLOAT, 16, 8, 1, 1)), conv(1, 1, PaddingMode.SAME));
        SDVariable valid = sd.cnn().conv2d("valid", maps, sd.constant("w5", Nd4j.rand(DataType.FLOAT, 4, 16, 3, 3)), conv(3, 1, PaddingMode.VALID));

        assertEquals(new ClassActivation.CellAlignment(1.5 / 4, 1.5 / 4), ClassActivation.alignment(sd, maps.name()));
        assertEquals(new ClassActivation.CellAlignment(5.5 / 4, 5.5 / 4), ClassActivation.alignment(sd, valid.name()));

        Path file = dir.resolve("graph.bin");
        GraphFile.save(file, "test", 1, new Properties(), sd);
        SameDiff back = GraphFile.load(file, "test", 1).graph();
        assertEquals(new ClassActivation.CellAlignment(1.5 / 4, 1.5 / 4), ClassActivation.alignment(back, "maps"));
        assertEquals(new ClassActivation.CellAlignment(5.5 / 4, 5.5 / 4), ClassActivation.alignment(back, "valid"));
    }
}
