"""Golden data for @kx/layers' core layer zoo, initializers, activations, regularizers, constraints.

Writes packages/layers/test/golden/layers_core.json from the real Keras 3 on JAX:
- layers: for each case, Keras's get_config() and serialize envelope, the inputs, the weights (set
  explicitly from a fixed NumPy stream after building), the outputs (and output masks), and
  compute_output_shape for a None batch;
- initializers: serialize envelopes, seeded draws for small shapes (kx reproduces JAX's Threefry
  draws), and mean/std of large unseeded-shape draws for the fan logic;
- activations: outputs of all keras.activations on a fixed input, and their serialized names;
- regularizers / constraints: values on a fixed matrix and their envelopes.

Run: KERAS_BACKEND=jax .venv/bin/python tools/golden/layers_core.py
"""

import json
import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import layers as L  # noqa: E402

from _common import golden_path, plain as arr  # noqa: E402

OUT = golden_path("layers", "layers_core.json")


def data(shape, seed, dtype="float32", high=10):
    rs = np.random.RandomState(seed)
    if dtype.startswith("int"):
        return rs.randint(0, high, size=shape).astype(dtype)
    return rs.uniform(-1, 1, size=shape).astype(dtype)


def shape_list(s):
    if isinstance(s, (list, tuple)) and s and isinstance(s[0], (list, tuple)):
        return [shape_list(x) for x in s]
    return None if s is None else [None if d is None else int(d) for d in s]


# name, layer factory, input shapes (batch included), kwargs of the call, input dtype
CASES = [
    ("dense", lambda: L.Dense(4, name="d"), [2, 3], {}, "float32"),
    ("dense_relu_nobias", lambda: L.Dense(3, activation="relu", use_bias=False, name="d2"), [2, 2, 5], {}, "float32"),
    ("dense_regularized", lambda: L.Dense(2, kernel_regularizer=keras.regularizers.L2(0.1), activity_regularizer="l1",
                                          kernel_constraint=keras.constraints.MaxNorm(3.0), bias_initializer="ones",
                                          kernel_initializer=keras.initializers.HeNormal(seed=3), name="d3"), [2, 3], {}, "float32"),
    ("dense_lora", lambda: L.Dense(4, lora_rank=2, name="dl"), [2, 3], {}, "float32"),
    ("einsum_dense", lambda: L.EinsumDense("ab,bc->ac", output_shape=4, bias_axes="c", name="ed"), [2, 3], {}, "float32"),
    ("einsum_dense_3d", lambda: L.EinsumDense("abc,cde->abde", output_shape=(None, 2, 4), bias_axes="de", activation="tanh", name="ed3"), [2, 5, 3], {}, "float32"),
    ("einsum_dense_ellipsis", lambda: L.EinsumDense("...b,bc->...c", output_shape=4, name="ede"), [2, 5, 3], {}, "float32"),
    ("embedding", lambda: L.Embedding(10, 3, name="emb"), [2, 4], {}, "int32"),
    ("embedding_mask", lambda: L.Embedding(10, 3, mask_zero=True, embeddings_initializer=keras.initializers.RandomNormal(seed=5), name="embm"), [2, 4], {}, "int32"),
    ("reversible_embedding", lambda: L.ReversibleEmbedding(10, 3, tie_weights=False, logit_soft_cap=2.0, name="remb"), [2, 4], {}, "int32"),
    ("identity", lambda: L.Identity(name="idn"), [2, 3], {}, "float32"),
    ("masking", lambda: L.Masking(mask_value=0.5, name="msk"), [2, 3, 4], {}, "float32"),
    ("activation", lambda: L.Activation("gelu", name="act"), [2, 3], {}, "float32"),
    ("activation_softmax", lambda: L.Activation("softmax", name="acts"), [2, 3], {}, "float32"),
    ("elu", lambda: L.ELU(alpha=0.5, name="elu"), [2, 3], {}, "float32"),
    ("leaky_relu", lambda: L.LeakyReLU(negative_slope=0.2, name="lrelu"), [2, 3], {}, "float32"),
    ("prelu", lambda: L.PReLU(shared_axes=[1], name="prelu"), [2, 3, 4], {}, "float32"),
    ("relu", lambda: L.ReLU(max_value=0.6, negative_slope=0.1, threshold=0.2, name="relu"), [2, 5], {}, "float32"),
    ("relu6", lambda: L.ReLU(max_value=6.0, name="relu6"), [2, 5], {}, "float32"),
    ("softmax", lambda: L.Softmax(axis=-1, name="sm"), [2, 3], {}, "float32"),
    ("softmax_axes", lambda: L.Softmax(axis=(1, 2), name="sm2"), [2, 3, 4], {}, "float32"),
    ("activity_regularization", lambda: L.ActivityRegularization(l1=0.1, l2=0.2, name="ar"), [2, 3], {}, "float32"),
    # activity_regularizer is applied by the base Layer's __call__ for every class (output penalty / batch size).
    ("dense_activity_l2", lambda: L.Dense(3, activity_regularizer="l2", name="dal2"), [4, 3], {}, "float32"),
    ("conv2d_activity_l2", lambda: L.Conv2D(2, 2, activity_regularizer="l2", name="cal2"), [3, 4, 4, 2], {}, "float32"),
    ("embedding_activity_l1", lambda: L.Embedding(10, 3, activity_regularizer=keras.regularizers.L1(0.5), name="eal1"), [2, 4], {}, "int32"),
    ("einsum_dense_activity_l1l2", lambda: L.EinsumDense("ab,bc->ac", output_shape=4, activity_regularizer=keras.regularizers.L1L2(l1=0.1, l2=0.2), name="edal"), [5, 3], {}, "float32"),
    ("lstm_activity_l2", lambda: L.LSTM(2, activity_regularizer="l2", name="lal2"), [2, 3, 4], {}, "float32"),
    ("dropout_inference", lambda: L.Dropout(0.5, name="do"), [2, 3], {}, "float32"),
    ("dropout_training", lambda: L.Dropout(0.5, seed=1337, name="dot"), [2, 8], {"training": True}, "float32"),
    ("dropout_noise_shape", lambda: L.Dropout(0.5, noise_shape=(None, 1, 4), seed=7, name="dons"), [2, 3, 4], {"training": True}, "float32"),
    ("alpha_dropout", lambda: L.AlphaDropout(0.3, seed=11, name="ado"), [2, 6], {"training": True}, "float32"),
    ("gaussian_dropout", lambda: L.GaussianDropout(0.3, seed=12, name="gdo"), [2, 6], {"training": True}, "float32"),
    ("gaussian_noise", lambda: L.GaussianNoise(0.3, seed=13, name="gn"), [2, 6], {"training": True}, "float32"),
    ("spatial_dropout1d", lambda: L.SpatialDropout1D(0.5, seed=14, name="sd1"), [2, 3, 4], {"training": True}, "float32"),
    ("spatial_dropout2d", lambda: L.SpatialDropout2D(0.5, seed=15, name="sd2"), [2, 2, 3, 4], {"training": True}, "float32"),
    ("spatial_dropout3d", lambda: L.SpatialDropout3D(0.5, seed=16, data_format="channels_first", name="sd3"), [2, 3, 2, 2, 2], {"training": True}, "float32"),
    ("flatten", lambda: L.Flatten(name="fl"), [2, 3, 4], {}, "float32"),
    ("flatten_cf", lambda: L.Flatten(data_format="channels_first", name="flcf"), [2, 3, 2, 2], {}, "float32"),
    ("reshape", lambda: L.Reshape((3, -1), name="rs"), [2, 12], {}, "float32"),
    ("permute", lambda: L.Permute((2, 1), name="pm"), [2, 3, 4], {}, "float32"),
    ("repeat_vector", lambda: L.RepeatVector(3, name="rv"), [2, 4], {}, "float32"),
    ("cropping1d", lambda: L.Cropping1D((1, 2), name="c1"), [2, 6, 2], {}, "float32"),
    ("cropping2d", lambda: L.Cropping2D(((1, 0), (0, 2)), name="c2"), [1, 4, 5, 2], {}, "float32"),
    ("cropping3d", lambda: L.Cropping3D(1, data_format="channels_first", name="c3"), [1, 1, 3, 4, 5], {}, "float32"),
    ("zero_padding1d", lambda: L.ZeroPadding1D((1, 2), name="z1"), [2, 3, 2], {}, "float32"),
    ("zero_padding2d", lambda: L.ZeroPadding2D((1, 2), name="z2"), [1, 2, 3, 2], {}, "float32"),
    ("zero_padding3d", lambda: L.ZeroPadding3D(((1, 0), (0, 1), (1, 1)), name="z3"), [1, 2, 2, 2, 1], {}, "float32"),
    ("up_sampling1d", lambda: L.UpSampling1D(3, name="u1"), [2, 3, 2], {}, "float32"),
    ("up_sampling2d", lambda: L.UpSampling2D((2, 3), name="u2"), [1, 2, 3, 2], {}, "float32"),
    ("up_sampling2d_cf", lambda: L.UpSampling2D(2, data_format="channels_first", name="u2cf"), [1, 2, 2, 3], {}, "float32"),
    ("up_sampling3d", lambda: L.UpSampling3D(2, name="u3"), [1, 2, 1, 2, 1], {}, "float32"),
    ("add", lambda: L.Add(name="add"), [[2, 3], [2, 3]], {}, "float32"),
    ("add_broadcast", lambda: L.Add(name="addb"), [[2, 3, 4], [2, 4]], {}, "float32"),
    ("subtract", lambda: L.Subtract(name="sub"), [[2, 3], [2, 3]], {}, "float32"),
    ("multiply", lambda: L.Multiply(name="mul"), [[2, 3], [2, 3], [2, 3]], {}, "float32"),
    ("average", lambda: L.Average(name="avg"), [[2, 3], [2, 3]], {}, "float32"),
    ("maximum", lambda: L.Maximum(name="max"), [[2, 3], [2, 3]], {}, "float32"),
    ("minimum", lambda: L.Minimum(name="min"), [[2, 3], [2, 3]], {}, "float32"),
    ("concatenate", lambda: L.Concatenate(axis=1, name="cat"), [[2, 3], [2, 4]], {}, "float32"),
    ("dot", lambda: L.Dot(axes=1, name="dot1"), [[2, 3], [2, 3]], {}, "float32"),
    ("dot_normalize", lambda: L.Dot(axes=(2, 2), normalize=True, name="dot2"), [[2, 3, 4], [2, 5, 4]], {}, "float32"),
    ("dot_3d", lambda: L.Dot(axes=(1, 2), name="dot3"), [[2, 3, 4], [2, 5, 3]], {}, "float32"),
]


def layer_case(name, make, shapes, call_kwargs, dtype):
    layer = make()
    multi = isinstance(shapes[0], list)
    inputs = [data(s, 100 + i, dtype) for i, s in enumerate(shapes)] if multi else data(shapes, 100, dtype)
    if name == "masking":
        inputs[0, 1, :] = 0.5  # one fully masked step
    layer.build([tuple(s) for s in shapes] if multi else tuple(shapes))
    rs = np.random.RandomState(7)
    weights = []
    for w in layer.weights:
        if "lora_kernel_b" in w.path:
            value = rs.uniform(-0.5, 0.5, size=w.shape).astype(w.dtype)  # nonzero so LoRA shows in the output
        else:
            value = rs.uniform(-0.5, 0.5, size=w.shape).astype(w.dtype)
        w.assign(value)
        weights.append({"path": w.path, "shape": list(w.shape), "trainable": bool(w.trainable), "value": arr(value)})
    out = layer(inputs, **call_kwargs)
    mask = None
    m = getattr(out, "_keras_mask", None)
    if hasattr(layer, "compute_mask") and layer.supports_masking:
        try:
            m2 = layer.compute_mask(inputs, None)
            if m2 is not None:
                mask = arr(m2)
        except Exception:  # noqa: BLE001
            pass
    if m is not None:
        mask = arr(m)
    none_batch = [[None, *s[1:]] for s in shapes] if multi else [None, *shapes[1:]]
    try:
        cos = shape_list(layer.compute_output_shape([tuple(s) for s in none_batch] if multi else tuple(none_batch)))
    except Exception as e:  # noqa: BLE001
        cos = {"error": str(e)}
    losses = [float(np.asarray(x)) for x in layer.losses]
    env = keras.saving.serialize_keras_object(layer)
    return {
        "name": name,
        "class_name": layer.__class__.__name__,
        "config": layer.get_config(),
        "envelope": {k: v for k, v in env.items() if k != "build_config"},
        "build_config": env.get("build_config"),
        "input_dtype": dtype,
        "inputs": [arr(x) for x in inputs] if multi else arr(inputs),
        "input_shapes": shapes,
        "call_kwargs": call_kwargs,
        "weights": weights,
        "output": arr(out),
        "output_shape": list(np.asarray(out).shape),
        "output_mask": mask,
        "compute_output_shape": cos,
        "losses": losses,
    }


INITIALIZERS = [
    ("Zeros", {}), ("Ones", {}), ("Constant", {"value": 0.25}), ("Identity", {"gain": 2.0}),
    ("RandomNormal", {"mean": 0.5, "stddev": 2.0, "seed": 3}), ("RandomUniform", {"minval": -2.0, "maxval": 1.0, "seed": 4}),
    ("TruncatedNormal", {"mean": 0.1, "stddev": 0.5, "seed": 5}),
    ("VarianceScaling", {"scale": 2.0, "mode": "fan_out", "distribution": "uniform", "seed": 6}),
    ("VarianceScaling", {"scale": 0.5, "mode": "fan_avg", "distribution": "untruncated_normal", "seed": 7}),
    ("VarianceScaling", {"scale": 1.5, "mode": "fan_in", "distribution": "truncated_normal", "seed": 8}),
    ("GlorotNormal", {"seed": 9}), ("GlorotUniform", {"seed": 10}), ("HeNormal", {"seed": 11}), ("HeUniform", {"seed": 12}),
    ("LecunNormal", {"seed": 13}), ("LecunUniform", {"seed": 14}), ("Orthogonal", {"gain": 1.5, "seed": 15}),
    ("STFT", {"side": "real", "window": "hann", "scaling": "density", "periodic": False}),
    ("STFT", {"side": "imag", "window": "hamming", "scaling": "spectrum", "periodic": True}),
]
SHAPES = {"Identity": [[3, 3], [2, 4]], "STFT": [[8, 1, 5]], "Orthogonal": [[4, 4], [3, 5], [2, 2, 6]]}
DEFAULT_SHAPES = [[4, 5], [3, 3, 2, 4], [7]]


def initializer_cases():
    out = []
    for cls_name, kwargs in INITIALIZERS:
        cls = getattr(keras.initializers, cls_name)
        init = cls(**kwargs)
        draws = []
        for shape in SHAPES.get(cls_name, DEFAULT_SHAPES):
            draws.append({"shape": shape, "values": arr(init(tuple(shape), dtype="float32"))})
        stats = None
        if "seed" in kwargs and cls_name not in ("Orthogonal",):
            big = np.asarray(init((64, 32, 3, 3) if False else (3, 3, 64, 32), dtype="float32"), dtype=np.float64)
            stats = {"shape": [3, 3, 64, 32], "mean": float(big.mean()), "std": float(big.std()), "min": float(big.min()), "max": float(big.max())}
        out.append({"class_name": cls_name, "kwargs": kwargs, "envelope": keras.initializers.serialize(init), "draws": draws, "stats": stats})
    names = {}
    from keras.src.initializers import ALL_OBJECTS_DICT
    for k, v in ALL_OBJECTS_DICT.items():
        names[k] = v.__name__
    return out, names


ACTIVATIONS = ["celu", "elu", "exponential", "gelu", "glu", "hard_shrink", "hard_sigmoid", "hard_silu", "hard_swish", "hard_tanh",
               "leaky_relu", "linear", "log_sigmoid", "log_softmax", "mish", "relu", "relu6", "selu", "sigmoid", "silu", "soft_shrink",
               "softmax", "softplus", "softsign", "sparse_plus", "sparse_sigmoid", "sparsemax", "squareplus", "swish", "tanh", "tanh_shrink"]


def activation_cases():
    x = (np.linspace(-3, 3, 24).reshape(4, 6)).astype("float32")
    out = {"input": arr(x), "outputs": {}, "serialized": {}}
    for n in ACTIVATIONS:
        fn = keras.activations.get(n)
        out["outputs"][n] = arr(fn(x))
        out["serialized"][n] = keras.activations.serialize(fn)
    extra = {
        "relu_options": arr(keras.activations.relu(x, negative_slope=0.1, max_value=2.0, threshold=0.5)),
        "relu_slope_only": arr(keras.activations.relu(x, negative_slope=0.1)),
        "relu_max6": arr(keras.activations.relu(x, max_value=6.0)),
        "threshold": arr(keras.activations.threshold(x, 0.5, -1.0)),
        "elu_alpha": arr(keras.activations.elu(x, alpha=0.3)),
        "gelu_approx": arr(keras.activations.gelu(x, approximate=True)),
        "softmax_axis0": arr(keras.activations.softmax(x, axis=0)),
    }
    out["extra"] = extra
    return out


def regularizer_cases():
    w = keras.ops.convert_to_tensor(data((4, 3), 21))
    regs = [keras.regularizers.L1(0.1), keras.regularizers.L2(0.2), keras.regularizers.L1L2(l1=0.3, l2=0.4),
            keras.regularizers.OrthogonalRegularizer(factor=0.5, mode="rows"), keras.regularizers.OrthogonalRegularizer(factor=0.5, mode="columns")]
    cons = [keras.constraints.MaxNorm(max_value=0.8, axis=0), keras.constraints.MaxNorm(max_value=0.5, axis=[0, 1]), keras.constraints.NonNeg(),
            keras.constraints.UnitNorm(axis=1), keras.constraints.MinMaxNorm(min_value=0.9, max_value=1.1, rate=0.5, axis=0)]
    return {
        "input": arr(w),
        "regularizers": [{"envelope": keras.regularizers.serialize(r), "value": float(np.asarray(r(w)))} for r in regs],
        "constraints": [{"envelope": keras.constraints.serialize(c), "value": arr(c(w))} for c in cons],
    }


def main():
    layers = [layer_case(*c) for c in CASES]
    inits, init_names = initializer_cases()
    golden = {
        "keras_version": keras.__version__,
        "layers": layers,
        "initializers": inits,
        "initializer_names": init_names,
        "activations": activation_cases(),
        "regularization": regularizer_cases(),
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(golden, f, indent=None, separators=(",", ":"))
    print(f"wrote {OUT}: {len(layers)} layer cases, {len(inits)} initializer cases")


if __name__ == "__main__":
    main()
