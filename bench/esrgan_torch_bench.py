#!/usr/bin/python3
"""PyTorch CPU timing of an UpscalerJS ESRGAN generator, the PyTorch side of bench/SuperresBench.java.

    /usr/bin/python3 bench/esrgan_torch_bench.py MODEL_JSON INPUT.bin HEIGHT WIDTH OUT.bin \
        [--warmup 2] [--runs 5] [--threads 2] [--tile 128 --context 16]

Builds the network of MODEL_JSON once, in float32, from the TF.js layers files (read_weights and the
layer semantics of bench/esrgan_reference.py: Keras kernels [kh, kw, in, out] -> [out, in, kh, kw], TF
'SAME' padding, PixelShuffle as TF's depth_to_space on NHWC), with the weights as torch tensors held
for the whole run, and times forward passes under torch.inference_mode() with torch.set_num_threads.

INPUT.bin is 8-bit RGB, HEIGHT x WIDTH x 3 bytes, row-major (as the Java program writes it); it is fed
in the model's own range (x 1/255 for esrgan-thick, "rrdn"; as is for slim/medium, "rdn" — the same rule
as the app's importer). OUT.bin receives the raw network output of the untiled pass, float32
little-endian HWC, rescaled to 0..255 (not clipped or rounded), for the max-abs-diff against DL4J.

With --tile, the same image is also timed tiled exactly as the app's TiledUpscaler cuts it (tile x tile
tiles, each run with CONTEXT pixels of surroundings, only the tile's own part kept) — the
apples-to-apples comparison for the app's tiled path.

Prints one JSON line: torch version, threads, the per-run milliseconds (after the warm-up) untiled and,
with --tile, tiled.
"""

import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from esrgan_reference import NHWC_TO_NCHW_AXIS, read_weights, same_padding  # noqa: E402


class Generator:
    """The Keras functional graph of model.json as a list of steps over NCHW float32 tensors."""

    def __init__(self, model_json):
        with open(model_json) as f:
            model = json.load(f)
        topo = model["modelTopology"]
        config = (topo.get("model_config") or topo)["config"]
        weights = read_weights(os.path.dirname(model_json), model["weightsManifest"])
        self.rrdn = any(l["class_name"] == "MultiplyBeta" or l["class_name"].startswith("PixelShuffle")
                        for l in config["layers"])
        self.value_scale = 1.0 if self.rrdn else 255.0
        self.steps = []
        used = set()
        for layer in config["layers"]:
            cls, name, cfg = layer["class_name"], layer["name"], layer["config"]
            ins = [t[0] for node in layer["inbound_nodes"] for t in node]
            if cls == "InputLayer":
                self.input = name
                continue
            params = {}
            if cls == "Conv2D":
                assert cfg["data_format"] == "channels_last" and cfg.get("groups", 1) == 1
                params["kernel"] = torch.from_numpy(
                    weights[name + "/kernel"].astype(np.float32)).permute(3, 2, 0, 1).contiguous()
                used.add(name + "/kernel")
                params["bias"] = None
                if cfg["use_bias"]:
                    params["bias"] = torch.from_numpy(weights[name + "/bias"].astype(np.float32)).contiguous()
                    used.add(name + "/bias")
                params.update(kernel_size=cfg["kernel_size"], strides=tuple(cfg["strides"]),
                              dilation=tuple(cfg["dilation_rate"]), padding=cfg["padding"],
                              activation=cfg["activation"])
            elif cls == "Activation":
                params["activation"] = cfg["activation"]
            elif cls == "Concatenate":
                params["axis"] = NHWC_TO_NCHW_AXIS[cfg["axis"]]
            elif cls == "UpSampling2D":
                assert cfg["interpolation"] == "nearest" and cfg["data_format"] == "channels_last"
                params["size"] = tuple(cfg["size"])
            elif cls == "MultiplyBeta":
                params["beta"] = cfg.get("beta", 0.2)
            elif cls.startswith("PixelShuffle"):
                params["scale"] = cfg["scale"]
            elif cls != "Add":
                raise ValueError("layer class %s (%s) not supported" % (cls, name))
            self.steps.append((cls, name, ins, params))
        unused = set(weights) - used
        if unused:
            raise ValueError("weights not used by any layer: %s" % sorted(unused))
        (self.output, _, _), = config["output_layers"]
        # Free each intermediate after its last use, as an inference engine would.
        last = {}
        for i, (_, _, ins, _) in enumerate(self.steps):
            for n in ins:
                last[n] = i
        self.free_after = [[n for n in ins if last[n] == i and n != self.output] for i, (_, _, ins, _) in
                           enumerate(self.steps)]

    def __call__(self, x):
        values = {self.input: x}
        for (cls, name, ins, p), free in zip(self.steps, self.free_after):
            a = [values[n] for n in ins]
            if cls == "Conv2D":
                y = a[0]
                kh, kw = p["kernel_size"]
                (sh, sw), (dh, dw) = p["strides"], p["dilation"]
                pad = 0
                if p["padding"] == "same":
                    top, bottom = same_padding(y.shape[2], kh, sh, dh)
                    left, right = same_padding(y.shape[3], kw, sw, dw)
                    if top == bottom and left == right:
                        pad = (top, left)
                    else:
                        y = F.pad(y, (left, right, top, bottom))
                y = act(F.conv2d(y, p["kernel"], p["bias"], stride=(sh, sw), padding=pad, dilation=(dh, dw)),
                        p["activation"])
            elif cls == "Activation":
                y = act(a[0], p["activation"])
            elif cls == "Concatenate":
                y = torch.cat(a, dim=p["axis"])
            elif cls == "Add":
                y = a[0]
                for other in a[1:]:
                    y = y + other
            elif cls == "UpSampling2D":
                y = F.interpolate(a[0], scale_factor=p["size"], mode="nearest")
            elif cls == "MultiplyBeta":
                y = a[0] * p["beta"]
            else:  # PixelShuffle: TF depth_to_space, channel index (by * bs + bx) * C + c
                bs = p["scale"]
                n, cin, h, w = a[0].shape
                c = cin // (bs * bs)
                y = a[0].reshape(n, bs, bs, c, h, w).permute(0, 3, 4, 1, 5, 2).reshape(n, c, h * bs, w * bs)
            values[name] = y
            for n in free:
                del values[n]
        return values[self.output]


def act(x, name):
    if name == "relu":
        return torch.relu(x)
    if name == "linear":
        return x
    raise ValueError("activation " + name)


def tiled(net, x, scale, tile, context):
    """TiledUpscaler's cut: tiles of tile x tile, each run with `context` pixels around, own part kept."""
    _, c, h, w = x.shape
    out = torch.empty((1, c, h * scale, w * scale), dtype=x.dtype)
    for ty in range(0, h, tile):
        for tx in range(0, w, tile):
            th, tw = min(tile, h - ty), min(tile, w - tx)
            y0, x0 = max(0, ty - context), max(0, tx - context)
            y1, x1 = min(h, ty + th + context), min(w, tx + tw + context)
            up = net(x[:, :, y0:y1, x0:x1].contiguous())
            oy, ox = (ty - y0) * scale, (tx - x0) * scale
            out[:, :, ty * scale:(ty + th) * scale, tx * scale:(tx + tw) * scale] = \
                up[:, :, oy:oy + th * scale, ox:ox + tw * scale]
    return out


def timed(fn, warmup, runs):
    for _ in range(warmup):
        fn()
    ms = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        ms.append((time.perf_counter() - t0) * 1000)
    return ms


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model_json")
    parser.add_argument("input")
    parser.add_argument("height", type=int)
    parser.add_argument("width", type=int)
    parser.add_argument("out")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--tile", type=int, default=0)
    parser.add_argument("--context", type=int, default=16)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    t0 = time.perf_counter()
    net = Generator(args.model_json)
    load_ms = (time.perf_counter() - t0) * 1000
    rgb = np.fromfile(args.input, dtype=np.uint8).reshape(args.height, args.width, 3)
    x = torch.from_numpy((rgb.astype(np.float32) * np.float32(net.value_scale / 255.0)).transpose(2, 0, 1).copy())[None]

    with torch.inference_mode():
        y = net(x)
        scale = y.shape[2] // args.height
        untiled = timed(lambda: net(x), args.warmup, args.runs)
        tiled_ms = timed(lambda: tiled(net, x, scale, args.tile, args.context), args.warmup, args.runs) \
            if args.tile else []
        (y[0].permute(1, 2, 0) * (255.0 / net.value_scale)).contiguous().numpy().astype("<f4").tofile(args.out)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "scale": scale,
                      "load_ms": round(load_ms, 1), "untiled_ms": [round(v, 1) for v in untiled],
                      "tiled_ms": [round(v, 1) for v in tiled_ms]}))


if __name__ == "__main__":
    main()
