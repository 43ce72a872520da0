#!/usr/bin/python3
"""Reference forward passes of the UpscalerJS ESRGAN generators, for the Java SameDiff importer's tests.

Regenerate the fixtures (from the repository root, with Debian's python3-torch 1.13, python3-numpy, python3-pil):

    /usr/bin/python3 bench/esrgan_reference.py

It reads the TF.js layers files itself (model.json: Keras functional config + weightsManifest; float32
little-endian shards, concatenated per manifest group in path order and sliced by each weight's shape, in
manifest order), builds the same network layer by layer in PyTorch (float64, NCHW, kernels moved from Keras
[kh, kw, in, out] to [out, in, kh, kw]; PixelShuffleNx written as TF's depth_to_space on NHWC, i.e. the
channel index of the input is (block_y * block + block_x) * C + c), runs it on a crop of
../shared/images/bird.bmp and writes, per model, to src/test/resources/superres/:

    esrgan-<family>-x<scale>.json   what was run: package, file sha256s, crop, value scale, layout
    esrgan-<family>-x<scale>.bin    float32 little-endian: input crop [h, w, 3] then output [h*s, w*s, 3]

Both arrays are HWC (RGB) in the model's own value range: 0..255 for esrgan-slim / esrgan-medium
(architecture "rdn"), 0..1 for esrgan-thick ("rrdn"), as the packages' dist/.../esrgan.js declares
(inputRange / outputRange). The output is the raw network output (no clipping or rounding).

The npm packages are taken from target/test-npm/<family>/package (the Java tests' cache, see
EsrganTestModels), else /tmp/npmpk/<family>/package, else fetched into target/test-npm with `npm pack`.
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tarfile
import tempfile

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VERSION = "1.0.0"
FAMILIES = ("slim", "medium", "thick")
# family, scale, crop (x, y, size): the chickadee's eye, black cap and white cheek.
FIXTURES = (
    ("slim", 4, (84, 88, 24)),
    ("medium", 4, (84, 88, 24)),
    ("thick", 4, (84, 88, 24)),
    ("thick", 3, (84, 88, 16)),
)
COMMAND = "/usr/bin/python3 bench/esrgan_reference.py"
LOCAL = "/tmp/npmpk"


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def package_dir(family):
    for root in (os.path.join(REPO, "target", "test-npm"), LOCAL):
        d = os.path.join(root, family, "package")
        if os.path.isfile(os.path.join(d, "package.json")):
            return d
    dest = os.path.join(REPO, "target", "test-npm", family)
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    with tempfile.TemporaryDirectory(dir=os.path.dirname(dest)) as tmp:
        out = subprocess.run(["npm", "pack", "@upscalerjs/esrgan-%s@%s" % (family, VERSION)], cwd=tmp,
                             check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
        with tarfile.open(os.path.join(tmp, out)) as tar:
            tar.extractall(os.path.join(tmp, "x"))
        os.rename(os.path.join(tmp, "x"), dest)
    return os.path.join(dest, "package")


def read_weights(model_dir, manifest):
    """Weight name -> float32 array, each manifest group's shards concatenated in path order."""
    weights = {}
    for group in manifest:
        data = b"".join(open(os.path.join(model_dir, p), "rb").read() for p in group["paths"])
        offset = 0
        for w in group["weights"]:
            if w.get("dtype", "float32") != "float32" or "quantization" in w:
                raise ValueError("weight %s is not plain float32" % w["name"])
            n = int(np.prod(w["shape"])) if w["shape"] else 1
            weights[w["name"]] = np.frombuffer(data, "<f4", n, offset).reshape(w["shape"])
            offset += 4 * n
        if offset != len(data):
            raise ValueError("group %s: shards hold %d bytes, manifest needs %d" % (group["paths"], len(data), offset))
    return weights


def same_padding(size, k, stride, dilation):
    """TF 'SAME': ceil(size / stride) outputs, the smaller half of the padding before."""
    extent = (k - 1) * dilation + 1
    out = -(-size // stride)
    total = max((out - 1) * stride + extent - size, 0)
    return total // 2, total - total // 2


NHWC_TO_NCHW_AXIS = {0: 0, 1: 2, 2: 3, 3: 1, -1: 1, -2: 3, -3: 2, -4: 0}


def forward(model_json, x_nhwc, dtype=np.float64):
    """Runs the Keras functional graph of model_json on x_nhwc (numpy [N, H, W, 3]) in dtype; returns NHWC."""
    with open(model_json) as f:
        model = json.load(f)
    topo = model["modelTopology"]
    config = (topo.get("model_config") or topo)["config"]
    weights = read_weights(os.path.dirname(model_json), model["weightsManifest"])
    used = set()

    def weight(name):
        used.add(name)
        return torch.from_numpy(weights[name].astype(dtype))

    values = {}
    for layer in config["layers"]:
        cls, name, cfg = layer["class_name"], layer["name"], layer["config"]
        ins = [values[t[0]] for node in layer["inbound_nodes"] for t in node]
        if cls == "InputLayer":
            y = torch.from_numpy(x_nhwc.astype(dtype)).permute(0, 3, 1, 2)
        elif cls == "Conv2D":
            assert cfg["data_format"] == "channels_last" and cfg.get("groups", 1) == 1
            x = ins[0]
            kh, kw = cfg["kernel_size"]
            sh, sw = cfg["strides"]
            dh, dw = cfg["dilation_rate"]
            if cfg["padding"] == "same":
                top, bottom = same_padding(x.shape[2], kh, sh, dh)
                left, right = same_padding(x.shape[3], kw, sw, dw)
                x = F.pad(x, (left, right, top, bottom))
            else:
                assert cfg["padding"] == "valid"
            kernel = weight(name + "/kernel").permute(3, 2, 0, 1).contiguous()
            bias = weight(name + "/bias") if cfg["use_bias"] else None
            y = F.conv2d(x, kernel, bias, stride=(sh, sw), dilation=(dh, dw))
            y = activation(y, cfg["activation"])
        elif cls == "Activation":
            y = activation(ins[0], cfg["activation"])
        elif cls == "Concatenate":
            y = torch.cat(ins, dim=NHWC_TO_NCHW_AXIS[cfg["axis"]])
        elif cls == "Add":
            y = ins[0]
            for other in ins[1:]:
                y = y + other
        elif cls == "UpSampling2D":
            assert cfg["interpolation"] == "nearest" and cfg["data_format"] == "channels_last"
            y = ins[0].repeat_interleave(cfg["size"][0], dim=2).repeat_interleave(cfg["size"][1], dim=3)
        elif cls == "MultiplyBeta":
            y = ins[0] * cfg.get("beta", 0.2)
        elif cls.startswith("PixelShuffle"):
            bs = cfg["scale"]
            x = ins[0].permute(0, 2, 3, 1)  # NHWC, as tf.depthToSpace(x, scale, 'NHWC') sees it
            n, h, w, c = x.shape
            x = x.reshape(n, h, w, bs, bs, c // (bs * bs)).permute(0, 1, 3, 2, 4, 5)
            y = x.reshape(n, h * bs, w * bs, c // (bs * bs)).permute(0, 3, 1, 2)
        else:
            raise ValueError("layer class %s (%s) not in the reference" % (cls, name))
        values[name] = y
    unused = set(weights) - used
    if unused:
        raise ValueError("weights not used by any layer: %s" % sorted(unused))
    (out_name, _, _), = config["output_layers"]
    return values[out_name].permute(0, 2, 3, 1).numpy()


def activation(x, name):
    if name == "relu":
        return torch.relu(x)
    if name == "linear":
        return x
    raise ValueError("activation " + name)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--image", default=os.path.join(REPO, "..", "shared", "images", "bird.bmp"))
    parser.add_argument("--out", default=os.path.join(REPO, "src", "test", "resources", "superres"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(2)
    image = np.asarray(Image.open(args.image).convert("RGB"))
    for family, scale, (cx, cy, size) in FIXTURES:
        pkg = package_dir(family)
        model_json = os.path.join(pkg, "models", "x%d" % scale, "model.json")
        value_scale = 1.0 if family == "thick" else 255.0  # dist/.../esrgan.js: rrdn 0..1, rdn 0..255
        crop = image[cy:cy + size, cx:cx + size, :].astype(np.float32)
        x = crop if value_scale == 255.0 else (crop / np.float32(255.0)).astype(np.float32)
        y = forward(model_json, x[None].astype(np.float64))[0].astype(np.float32)
        assert y.shape == (size * scale, size * scale, 3), y.shape
        model_dir = os.path.dirname(model_json)
        with open(model_json) as f:
            paths = [p for g in json.load(f)["weightsManifest"] for p in g["paths"]]
        base = "esrgan-%s-x%d" % (family, scale)
        header = {
            "format": "pixelwise-esrgan-reference/1",
            "package": "@upscalerjs/esrgan-%s@%s" % (family, VERSION),
            "model": "models/x%d/model.json" % scale,
            "sha256": {p: sha256(os.path.join(model_dir, p)) for p in ["model.json"] + paths},
            "image": os.path.basename(args.image),
            "imageSha256": sha256(args.image),
            "crop": {"x": cx, "y": cy, "width": size, "height": size},
            "scale": scale,
            "valueScale": value_scale,
            "data": base + ".bin",
            "layout": "float32 little-endian HWC RGB: input [height, width, 3], then output "
                      "[height*scale, width*scale, 3]; input = crop pixels (0..255) / (255 / valueScale)",
            "input": [size, size, 3],
            "output": [size * scale, size * scale, 3],
            "reference": "bench/esrgan_reference.py, torch %s float64" % torch.__version__,
            "command": COMMAND,
        }
        with open(os.path.join(args.out, base + ".bin"), "wb") as f:
            f.write(x.astype("<f4").tobytes())
            f.write(y.astype("<f4").tobytes())
        with open(os.path.join(args.out, base + ".json"), "w") as f:
            json.dump(header, f, indent=2)
            f.write("\n")
        print("%s: output %s, range %.4f..%.4f" % (base, y.shape, y.min(), y.max()), file=sys.stderr)


if __name__ == "__main__":
    main()
