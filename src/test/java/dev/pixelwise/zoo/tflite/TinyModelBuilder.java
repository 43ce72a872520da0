package dev.pixelwise.zoo.tflite;

import com.google.flatbuffers.FlatBufferBuilder;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes small TFLite FlatBuffers for tests, with the field ids of schema.fbs (the same ids the reader
 * uses, so these files test the reader's logic, not its agreement with the schema — the Coral models do that).
 */
final class TinyModelBuilder {

    record OpCode(int deprecatedCode, int builtinCode, String customCode) {
    }

    record Tensor(String name, int type, int[] shape, int buffer) {
    }

    record Op(int opcodeIndex, int[] inputs, int[] outputs) {
    }

    final List<OpCode> opCodes = new ArrayList<>();
    final List<Tensor> tensors = new ArrayList<>();
    final List<Op> ops = new ArrayList<>();
    final List<byte[]> buffers = new ArrayList<>(List.of(new byte[0])); // buffer 0: the empty sentinel
    int[] inputs = new int[0];
    int[] outputs = new int[0];

    byte[] build() {
        FlatBufferBuilder b = new FlatBufferBuilder(1024);

        int[] bufferOffsets = new int[buffers.size()];
        for (int i = 0; i < buffers.size(); i++) {
            int data = buffers.get(i).length > 0 ? b.createByteVector(buffers.get(i)) : 0;
            b.startTable(3);
            if (data != 0) {
                b.addOffset(0, data, 0);
            }
            bufferOffsets[i] = b.endTable();
        }
        int buffersVector = tableVector(b, bufferOffsets);

        int[] codeOffsets = new int[opCodes.size()];
        for (int i = 0; i < opCodes.size(); i++) {
            OpCode c = opCodes.get(i);
            int custom = c.customCode() != null ? b.createString(c.customCode()) : 0;
            b.startTable(4);
            b.addByte(0, (byte) c.deprecatedCode(), 0);
            if (custom != 0) {
                b.addOffset(1, custom, 0);
            }
            b.addInt(3, c.builtinCode(), 0);
            codeOffsets[i] = b.endTable();
        }
        int codesVector = tableVector(b, codeOffsets);

        int[] tensorOffsets = new int[tensors.size()];
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            int shape = intVector(b, t.shape());
            int name = b.createString(t.name());
            b.startTable(5);
            b.addOffset(0, shape, 0);
            b.addByte(1, (byte) t.type(), 0);
            b.addInt(2, t.buffer(), 0);
            b.addOffset(3, name, 0);
            tensorOffsets[i] = b.endTable();
        }
        int tensorsVector = tableVector(b, tensorOffsets);

        int[] opOffsets = new int[ops.size()];
        for (int i = 0; i < ops.size(); i++) {
            Op op = ops.get(i);
            int in = intVector(b, op.inputs());
            int out = intVector(b, op.outputs());
            b.startTable(3);
            b.addInt(0, op.opcodeIndex(), 0);
            b.addOffset(1, in, 0);
            b.addOffset(2, out, 0);
            opOffsets[i] = b.endTable();
        }
        int opsVector = tableVector(b, opOffsets);

        int graphInputs = intVector(b, inputs);
        int graphOutputs = intVector(b, outputs);
        b.startTable(5);
        b.addOffset(0, tensorsVector, 0);
        b.addOffset(1, graphInputs, 0);
        b.addOffset(2, graphOutputs, 0);
        b.addOffset(3, opsVector, 0);
        int graph = b.endTable();
        int graphs = tableVector(b, new int[]{graph});

        int description = b.createString("tiny test model");
        b.startTable(5);
        b.addInt(0, 3, 0);
        b.addOffset(1, codesVector, 0);
        b.addOffset(2, graphs, 0);
        b.addOffset(3, description, 0);
        b.addOffset(4, buffersVector, 0);
        int model = b.endTable();
        b.finish(model, "TFL3");
        return b.sizedByteArray();
    }

    static int intVector(FlatBufferBuilder b, int[] values) {
        b.startVector(4, values.length, 4);
        for (int i = values.length - 1; i >= 0; i--) {
            b.addInt(values[i]);
        }
        return b.endVector();
    }

    static int tableVector(FlatBufferBuilder b, int[] offsets) {
        b.startVector(4, offsets.length, 4);
        for (int i = offsets.length - 1; i >= 0; i--) {
            b.addOffset(offsets[i]);
        }
        return b.endVector();
    }
}
