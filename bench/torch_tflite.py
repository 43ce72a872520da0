#!/usr/bin/python3
"""The PyTorch side of bench/classify.sh and bench/segment.sh: the same network as the app's SameDiff
import, in PyTorch CPU.

Usage: /usr/bin/python3 bench/torch_tflite.py target/bench/torch/<model> [warm-up runs, default 5]

Reads what bench/ClassifyBench.java exported from the .tflite file: graph.json (operators in order with
their options, tensor shapes, graph inputs/outputs), weights.bin (dequantised float32 little-endian, in
TFLite's layouts), input.bin (the image, float32 NCHW [1, C, H, W]) and DL4J's answer for that input:
dl4j_probs.bin (a classifier's probabilities) or dl4j_classes.bin + dl4j_logits.bin (a segmenter's class
map and logits, bench/SegmentBench.java). Builds the network generically with torch.nn.functional in
NCHW, checks its answer against DL4J's, times it (torch.set_num_threads(2), torch.inference_mode();
5 warm-up + 50 single-image runs; a classifier also 5 warm-up + 10 runs of a batch of 8) and prints one
JSON line.
"""
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

WARMUP, SINGLE_RUNS, BATCH, BATCH_RUNS = 5, 50, 8, 10
THREADS = 2  # the JVM's cores


def same_pad(size, k, stride, dilation):
    """TF SAME padding along one axis: (before, after), the smaller half before."""
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + (k - 1) * dilation + 1 - size, 0)
    return total // 2, total - total // 2


def pad_same(x, kh, kw, sh, sw, dh=1, dw=1):
    top, bottom = same_pad(x.shape[2], kh, sh, dh)
    left, right = same_pad(x.shape[3], kw, sw, dw)
    if top or bottom or left or right:
        x = F.pad(x, (left, right, top, bottom))
    return x


def nchw_axis(axis, rank):
    """A TFLite (NHWC) axis as the axis of the NCHW tensor this builder keeps for rank 4."""
    axis %= rank
    return (0, 2, 3, 1)[axis] if rank == 4 else axis


def activation(name):
    return {
        "NONE": lambda x: x,
        "RELU": F.relu,
        "RELU6": lambda x: torch.clamp(x, 0.0, 6.0),
        "RELU_N1_TO_1": lambda x: torch.clamp(x, -1.0, 1.0),
        "TANH": torch.tanh,
    }[name]


class TfliteNet:
    """Executes the exported graph op by op, tensors by TFLite index; rank-4 tensors are kept NCHW."""

    def __init__(self, folder):
        with open(f"{folder}/graph.json") as f:
            g = json.load(f)
        blob = np.fromfile(f"{folder}/weights.bin", dtype="<f4")
        self.tensors = g["tensors"]
        self.input = g["inputs"][0]
        self.output = g["outputs"][0]
        self.const = {}
        for t in self.tensors:
            if "offset" in t:
                start = t["offset"] // 4
                arr = blob[start:start + t["count"]].reshape(t["shape"]) if t["shape"] else blob[start:start + 1]
                self.const[t["index"]] = torch.from_numpy(arr.copy())
        self.steps = [self.compile(op) for op in g["ops"]]
        self.producer = {op["outputs"][0]: op for op in g["ops"]}
        self.segmenter = self.producer[self.output]["op"] == "ARG_MAX"  # a class map out (DeepLab)

    def shape(self, i):
        return self.tensors[i]["shape"]

    def operand(self, i):
        """A constant as an activation operand: rank 4 → NCHW, lower rank → NHWC-broadcast as NCHW."""
        c = self.const[i]
        if c.dim() == 4:
            return c.permute(0, 3, 1, 2).contiguous()
        if c.dim() in (1, 3):
            c = c.reshape([1] * (4 - c.dim()) + list(c.shape))
            return c.permute(0, 3, 1, 2).contiguous()
        return c

    def compile(self, op):
        name, ins, out, o = op["op"], op["inputs"], op["outputs"][0], op["options"]
        if name == "CONV_2D":
            w = self.const[ins[1]].permute(0, 3, 1, 2).contiguous()  # OHWI → OIHW
            b = self.const[ins[2]] if len(ins) > 2 and ins[2] >= 0 else None
            act = activation(o["activation"])
            kh, kw = w.shape[2], w.shape[3]
            sh, sw, dh, dw = o["strideH"], o["strideW"], o["dilationH"], o["dilationW"]
            same = o["padding"] == "SAME"

            def conv(x):
                if same:
                    x = pad_same(x, kh, kw, sh, sw, dh, dw)
                return act(F.conv2d(x, w, b, (sh, sw), 0, (dh, dw)))
            return conv, ins[:1], out
        if name == "DEPTHWISE_CONV_2D":
            f = self.const[ins[1]]  # [1, kh, kw, C·m]
            channels = self.shape(ins[0])[3]
            w = f.permute(3, 0, 1, 2).contiguous()  # [C·m, 1, kh, kw]; output ic·m + j reads channel ic
            b = self.const[ins[2]] if len(ins) > 2 and ins[2] >= 0 else None
            act = activation(o["activation"])
            kh, kw = w.shape[2], w.shape[3]
            sh, sw, dh, dw = o["strideH"], o["strideW"], o["dilationH"], o["dilationW"]
            same = o["padding"] == "SAME"

            def depthwise(x):
                if same:
                    x = pad_same(x, kh, kw, sh, sw, dh, dw)
                return act(F.conv2d(x, w, b, (sh, sw), 0, (dh, dw), groups=channels))
            return depthwise, ins[:1], out
        if name == "ADD":
            act = activation(o["activation"])
            rank4 = len(self.shape(out)) == 4
            consts = {i: (self.operand(i) if rank4 else self.const[i]) for i in ins if i in self.const}
            runtime = [i for i in ins if i not in self.const]

            def add(*xs):
                vals = dict(zip(runtime, xs))
                vals.update(consts)
                return act(vals[ins[0]] + vals[ins[1]])
            return add, runtime, out
        if name == "AVERAGE_POOL_2D":
            act = activation(o["activation"])
            k, s = (o["filterHeight"], o["filterWidth"]), (o["strideH"], o["strideW"])
            same = o["padding"] == "SAME"

            def avg_pool(x):
                if not same:
                    return act(F.avg_pool2d(x, k, s))
                # TFLite averages over the in-image pixels only: sum over the padded window / count.
                ones = torch.ones((1, 1) + tuple(x.shape[2:]), dtype=x.dtype)
                xp = pad_same(x, k[0], k[1], s[0], s[1])
                n = F.avg_pool2d(pad_same(ones, k[0], k[1], s[0], s[1]), k, s, divisor_override=1)
                return act(F.avg_pool2d(xp, k, s, divisor_override=1) / n)
            return avg_pool, ins[:1], out
        if name == "RESHAPE":
            in_rank, target = len(self.shape(ins[0])), [-1] + self.shape(out)[1:]

            def reshape(x):
                if in_rank == 4:
                    x = x.permute(0, 2, 3, 1)  # NCHW → NHWC: TFLite's element order
                y = x.reshape(target)
                return y.permute(0, 3, 1, 2) if len(target) == 4 else y
            return reshape, ins[:1], out
        if name == "SOFTMAX":
            beta = o["beta"]
            axis = 1 if len(self.shape(ins[0])) == 4 else -1

            def softmax(x):
                return F.softmax(x * beta if beta != 1.0 else x, dim=axis)
            return softmax, ins[:1], out
        if name == "RESIZE_BILINEAR":
            if o["halfPixelCenters"]:
                raise NotImplementedError("RESIZE_BILINEAR with half_pixel_centers")
            size, corners = tuple(self.shape(out)[1:3]), o["alignCorners"]  # DeepLab: align_corners=true

            def resize(x):
                return F.interpolate(x, size=size, mode="bilinear", align_corners=corners)
            return resize, ins[:1], out
        if name == "CONCATENATION":
            act = activation(o["activation"])
            axis = nchw_axis(o["axis"], len(self.shape(out)))

            def concat(*xs):
                return act(torch.cat(xs, dim=axis))
            return concat, ins, out
        if name == "ARG_MAX":  # the axis is a constant input; int64 out, as the app's CLASSES
            axis = nchw_axis(int(self.const[ins[1]].reshape(-1)[0]), len(self.shape(ins[0])))

            def arg_max(x):
                return x.argmax(dim=axis)
            return arg_max, ins[:1], out
        if name in ("QUANTIZE", "DEQUANTIZE"):  # the float pass: identities, as in the app's importer
            return (lambda x: x), ins[:1], out
        raise NotImplementedError(f"TFLite operator {name} is not translated by bench/torch_tflite.py")

    def logits_tensor(self):
        """A segmenter's logits as the app's importer names them: from ARG_MAX's input back past
        RESIZE_BILINEAR / QUANTIZE / DEQUANTIZE (DeepLab: 33×33×21, before the resize to 513²)."""
        t = self.producer[self.output]["inputs"][0]
        while t in self.producer and self.producer[t]["op"] in ("RESIZE_BILINEAR", "QUANTIZE", "DEQUANTIZE"):
            t = self.producer[t]["inputs"][0]
        return t

    def __call__(self, x, also=None):
        """The graph output for input x; with also (a tensor index), that tensor too."""
        env = {self.input: x}
        for fn, ins, out in self.steps:
            env[out] = fn(*(env[i] for i in ins))
        return env[self.output] if also is None else (env[self.output], env[also])


def machine_busy():
    """Busy clock ticks of the whole machine (all but idle and iowait), from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    return sum(v) - v[3] - v[4]


def own_ticks():
    t = os.times()
    return (t.user + t.system) * os.sysconf("SC_CLK_TCK")


def percentile(sorted_ms, p):
    """Nearest rank (the same definition as ClassifyBench.java)."""
    return sorted_ms[max(math.ceil(p / 100 * len(sorted_ms)), 1) - 1]


def check_classifier(net, one, folder):
    """Top-1 and the largest difference to DL4J's probabilities (dl4j_probs.bin)."""
    probs = net(one)
    top1 = int(probs[0].argmax())
    diff = float("nan")
    try:
        dl4j = np.fromfile(f"{folder}/dl4j_probs.bin", dtype="<f4")
        diff = float(np.abs(probs[0].numpy() - dl4j).max())
        print(f"max abs diff PyTorch vs DL4J probabilities: {diff:.3g} "
              f"(top-1 PyTorch {top1}, DL4J {int(dl4j.argmax())})")
    except FileNotFoundError:
        print("no dl4j_probs.bin: probabilities not compared")
    return {"top1": top1, "max_abs_diff": diff}


def check_segmenter(net, one, folder):
    """Against DL4J's class map (dl4j_classes.bin, float32 [H, W]) and logits (dl4j_logits.bin, NCHW, the
    tensor the app calls logits: before the final resize): the share of equal pixels, the largest logit
    difference, and the bird's share of the map (a sanity check that the map means something)."""
    classes, logits = net(one, net.logits_tensor())
    classes = classes[0].numpy()
    dl4j_classes = np.fromfile(f"{folder}/dl4j_classes.bin", dtype="<f4").reshape(classes.shape)
    dl4j_logits = np.fromfile(f"{folder}/dl4j_logits.bin", dtype="<f4").reshape(logits.shape)
    agree = float((classes == dl4j_classes).mean())
    diff = float(np.abs(logits.numpy() - dl4j_logits).max())
    print(f"class maps agree on {agree:.6f} of the pixels; logits {tuple(logits.shape)} max abs diff {diff:.3g}")
    return {"class_agreement": agree, "logits_max_abs_diff": diff,
            "classes_seen": sorted(int(c) for c in np.unique(classes))}


def main():
    folder = sys.argv[1]
    warmup = int(sys.argv[2]) if len(sys.argv) > 2 else WARMUP
    torch.set_num_threads(THREADS)
    net = TfliteNet(folder)
    c, h, w = (net.shape(net.input)[3], net.shape(net.input)[1], net.shape(net.input)[2])
    one = torch.from_numpy(np.fromfile(f"{folder}/input.bin", dtype="<f4").reshape(1, c, h, w).copy())
    eight = one.repeat(BATCH, 1, 1, 1).contiguous()
    with torch.inference_mode():
        # the check's pass is the first warm-up run
        checked = check_segmenter(net, one, folder) if net.segmenter else check_classifier(net, one, folder)
        busy0, own0, t_start = machine_busy(), own_ticks(), time.perf_counter()
        for _ in range(warmup - 1):
            net(one)
        ms = []
        for _ in range(SINGLE_RUNS):
            t0 = time.perf_counter()
            net(one)
            ms.append((time.perf_counter() - t0) * 1e3)
        batched = {}
        if not net.segmenter:  # the app batches classifications only
            for i in range(max(1, min(warmup, 5))):  # batch warm-up: as ClassifyBench.batchWarmup()
                out = net(eight)
                if i == 0 and not bool((out.argmax(dim=1) == checked["top1"]).all()):
                    raise SystemExit("a batch row disagrees with the single image")
            t0 = time.perf_counter()
            for _ in range(BATCH_RUNS):
                net(eight)
            batched["batch8_img_s"] = BATCH * BATCH_RUNS / (time.perf_counter() - t0)
        capacity = (time.perf_counter() - t_start) * os.sysconf("SC_CLK_TCK") * os.cpu_count()
        foreign = max(0.0, 100.0 * ((machine_busy() - busy0) - (own_ticks() - own0)) / capacity)
    ms.sort()
    print(json.dumps({"p50_ms": percentile(ms, 50), "p95_ms": percentile(ms, 95), **batched, **checked,
                      "threads": torch.get_num_threads(),
                      "foreign_cpu_pct": foreign, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
