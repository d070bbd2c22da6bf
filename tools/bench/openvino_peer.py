"""The bench CNN built by hand with OpenVINO's Python opsets: the "hand-built OpenVINO model" peer.

`python tools/bench/openvino_peer.py WEIGHTS_DIR OUT_DIR` reads the Keras-layout weights kx wrote
(`weights.json`: names and shapes; `<name>.f32`: raw little-endian float32) and saves `OUT_DIR/model.xml`
+ `model.bin` (IR, f32). Network (tools/bench, packages/backend-openvino/test/bench.test.ts): input
N×32×32×3 (NHWC, as kx feeds it) → Conv 32 3×3 relu → MaxPool 2 → Conv 64 3×3 relu → MaxPool 2 →
Flatten (in NHWC order, as Keras) → Dense 128 relu → Dense 10 softmax. The batch dimension is dynamic.
"""
import json
import os
import sys

import numpy as np
import openvino as ov
import openvino.opset1 as ops1
import openvino.opset13 as ops


def load(weights_dir):
    meta = json.load(open(os.path.join(weights_dir, "weights.json")))
    return [np.fromfile(os.path.join(weights_dir, f"{w['name']}.f32"), dtype="<f4").reshape(w["shape"]) for w in meta]


def conv_relu(x, kernel_hwio, bias):
    # Keras kernels are [H, W, Cin, Cout]; OpenVINO's Convolution wants [Cout, Cin, H, W].
    w = ops.constant(np.ascontiguousarray(kernel_hwio.transpose(3, 2, 0, 1)))
    y = ops.convolution(x, w, strides=[1, 1], pads_begin=[0, 0], pads_end=[0, 0], dilations=[1, 1])
    return ops.relu(ops.add(y, ops.constant(bias.reshape(1, -1, 1, 1))))


def build(weights):
    # MaxPool-1 (one output): the indices output of MaxPool-8 is not needed for inference.
    k1, c1, k2, c2, w1, b1, w2, b2 = weights
    x = ops.parameter([-1, 32, 32, 3], np.float32, name="x")
    h = ops.transpose(x, ops.constant(np.array([0, 3, 1, 2], np.int64)))
    h = conv_relu(h, k1, c1)
    h = ops1.max_pool(h, strides=[2, 2], pads_begin=[0, 0], pads_end=[0, 0], kernel_shape=[2, 2])
    h = conv_relu(h, k2, c2)
    h = ops1.max_pool(h, strides=[2, 2], pads_begin=[0, 0], pads_end=[0, 0], kernel_shape=[2, 2])
    # Flatten in NHWC order so the Dense kernel is the Keras one.
    h = ops.transpose(h, ops.constant(np.array([0, 2, 3, 1], np.int64)))
    h = ops.reshape(h, ops.constant(np.array([-1, w1.shape[0]], np.int64)), special_zero=False)
    h = ops.relu(ops.add(ops.matmul(h, ops.constant(w1), False, False), ops.constant(b1)))
    y = ops.softmax(ops.add(ops.matmul(h, ops.constant(w2), False, False), ops.constant(b2)), axis=-1)
    y.output(0).get_tensor().set_names({"y"})
    return ov.Model([y], [x], "cnn_hand_built")


if __name__ == "__main__":
    weights_dir, out_dir = sys.argv[1], sys.argv[2]
    model = build(load(weights_dir))
    ov.save_model(model, os.path.join(out_dir, "model.xml"), compress_to_fp16=False)
    print(os.path.join(out_dir, "model.xml"))
