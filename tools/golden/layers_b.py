"""Golden data for @kx/layers' convolution, pooling and normalization layers (issue 9, part B).

Writes packages/layers/test/golden/layers_b.json from the real Keras 3 on JAX. For each case:
Keras's get_config() and serialize envelope (after the calls, so build-time changes such as
LayerNormalization's axis list show), build_config, the inputs (and masks), the weights (set
explicitly from a fixed NumPy stream after building; variances and stddevs drawn positive), the
inference output, and, for stateful layers (BatchNormalization, SpectralNormalization), the output of
a following training call and every weight after it; compute_output_shape for a None batch, and
regularization losses.

Run: KERAS_BACKEND=jax .venv/bin/python tools/golden/layers_b.py
"""

import json
import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import layers as L  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "packages", "layers", "test", "golden", "layers_b.json")


def arr(a):
    a = np.asarray(a)
    if a.dtype == bool:
        return a.tolist()
    if np.issubdtype(a.dtype, np.integer):
        return a.astype(np.int64).tolist()
    return a.astype(np.float64).tolist()


def data(shape, seed):
    return np.random.RandomState(seed).uniform(-1, 1, size=shape).astype("float32")


def shape_list(s):
    return None if s is None else [None if d is None else int(d) for d in s]


REG = keras.regularizers

# group, name, layer factory, input shape (batch included), call kwargs, run a training call after inference
CASES = [
    # --- convolutions
    ("conv", "conv2d", lambda: L.Conv2D(4, 3, name="c2"), [2, 5, 5, 3], {}, False),
    ("conv", "conv2d_same_strides_relu", lambda: L.Conv2D(4, (2, 3), strides=2, padding="same", activation="relu", name="c2s"), [2, 5, 6, 3], {}, False),
    ("conv", "conv2d_cf_dilation", lambda: L.Conv2D(4, 2, data_format="channels_first", dilation_rate=2, use_bias=False, name="c2cf"), [2, 3, 6, 6], {}, False),
    ("conv", "conv2d_groups", lambda: L.Conv2D(4, 3, groups=2, padding="same", activation="sigmoid", name="c2g"), [2, 4, 4, 4], {}, False),
    ("conv", "conv2d_regularized", lambda: L.Conv2D(2, 2, kernel_regularizer=REG.L2(0.1), bias_regularizer=REG.L1(0.2), activity_regularizer="l1",
                                                   kernel_constraint=keras.constraints.MaxNorm(3.0), bias_initializer="ones",
                                                   kernel_initializer=keras.initializers.HeNormal(seed=3), activation="elu", name="c2r"), [2, 3, 3, 2], {}, False),
    ("conv", "conv2d_lora", lambda: L.Conv2D(4, 3, lora_rank=2, name="c2l"), [2, 5, 5, 3], {}, False),
    ("conv", "conv2d_leaky_relu", lambda: L.Conv2D(3, 3, padding="same", activation="leaky_relu", name="c2lr"), [1, 4, 4, 2], {}, False),
    ("conv", "conv1d_causal", lambda: L.Conv1D(3, 3, padding="causal", dilation_rate=2, name="c1c"), [2, 7, 2], {}, False),
    ("conv", "conv1d_cf_strides", lambda: L.Conv1D(3, 2, strides=2, data_format="channels_first", name="c1cf"), [2, 2, 7], {}, False),
    ("conv", "conv1d_causal_cf", lambda: L.Conv1D(2, 2, padding="causal", data_format="channels_first", activation="tanh", name="c1ccf"), [2, 3, 5], {}, False),
    ("conv", "conv3d_same", lambda: L.Conv3D(2, 2, padding="same", activation="tanh", name="c3"), [1, 3, 3, 3, 2], {}, False),
    ("conv", "conv3d_cf", lambda: L.Conv3D(2, (1, 2, 2), data_format="channels_first", name="c3cf"), [1, 2, 3, 3, 3], {}, False),
    ("conv", "conv2d_transpose_same", lambda: L.Conv2DTranspose(3, 3, strides=2, padding="same", name="ct2"), [2, 3, 4, 2], {}, False),
    ("conv", "conv2d_transpose_outpad_cf", lambda: L.Conv2DTranspose(3, 3, strides=2, output_padding=1, data_format="channels_first",
                                                                   activation="relu", name="ct2cf"), [2, 2, 3, 3], {}, False),
    ("conv", "conv2d_transpose_same_outpad", lambda: L.Conv2DTranspose(2, (3, 4), strides=(2, 3), padding="same", output_padding=(1, 2), name="ct2op"),
     [1, 3, 3, 2], {}, False),
    ("conv", "conv1d_transpose_dilated", lambda: L.Conv1DTranspose(2, 2, dilation_rate=2, use_bias=False, name="ct1"), [2, 4, 3], {}, False),
    ("conv", "conv1d_transpose_same_stride", lambda: L.Conv1DTranspose(2, 4, strides=2, padding="same", name="ct1s"), [2, 5, 3], {}, False),
    ("conv", "conv3d_transpose", lambda: L.Conv3DTranspose(2, 2, strides=2, name="ct3"), [1, 2, 2, 2, 3], {}, False),
    ("conv", "depthwise_conv2d", lambda: L.DepthwiseConv2D(3, depth_multiplier=2, padding="same", name="dw2"), [2, 4, 4, 3], {}, False),
    ("conv", "depthwise_conv2d_cf", lambda: L.DepthwiseConv2D(2, strides=2, data_format="channels_first", activation="tanh", name="dw2cf"), [2, 3, 4, 4], {}, False),
    ("conv", "depthwise_conv1d", lambda: L.DepthwiseConv1D(3, dilation_rate=2, name="dw1"), [2, 7, 2], {}, False),
    ("conv", "separable_conv2d", lambda: L.SeparableConv2D(5, 3, depth_multiplier=2, name="sc2"), [2, 5, 5, 3], {}, False),
    ("conv", "separable_conv2d_same_strides", lambda: L.SeparableConv2D(4, 3, strides=2, padding="same", activation="relu", name="sc2s"), [2, 5, 5, 2], {}, False),
    ("conv", "separable_conv1d_cf", lambda: L.SeparableConv1D(4, 2, padding="same", data_format="channels_first", use_bias=False, name="sc1"), [2, 3, 6], {}, False),
    # --- pooling
    ("pooling", "max_pool2d", lambda: L.MaxPooling2D(name="mp2"), [2, 4, 6, 3], {}, False),
    ("pooling", "max_pool2d_same_cf", lambda: L.MaxPooling2D(3, 2, "same", "channels_first", name="mp2cf"), [2, 3, 5, 5], {}, False),
    ("pooling", "max_pool1d_stride1", lambda: L.MaxPooling1D(2, 1, name="mp1"), [2, 5, 3], {}, False),
    ("pooling", "max_pool1d_same", lambda: L.MaxPooling1D(3, 2, "same", name="mp1s"), [2, 6, 2], {}, False),
    ("pooling", "max_pool3d", lambda: L.MaxPooling3D((2, 2, 1), name="mp3"), [1, 4, 4, 2, 2], {}, False),
    ("pooling", "avg_pool2d_same_stride1", lambda: L.AveragePooling2D(2, 1, "same", name="ap2"), [2, 3, 3, 2], {}, False),
    ("pooling", "avg_pool2d_same_stride2", lambda: L.AveragePooling2D(3, 2, "same", name="ap2s"), [1, 5, 5, 2], {}, False),
    ("pooling", "avg_pool1d_cf", lambda: L.AveragePooling1D(2, data_format="channels_first", name="ap1"), [2, 3, 6], {}, False),
    ("pooling", "avg_pool3d", lambda: L.AveragePooling3D(2, name="ap3"), [1, 2, 4, 4, 3], {}, False),
    ("pooling", "avg_pool3d_same_cf", lambda: L.AveragePooling3D(2, 1, "same", "channels_first", name="ap3cf"), [1, 2, 3, 3, 3], {}, False),
    ("pooling", "global_avg_pool2d", lambda: L.GlobalAveragePooling2D(name="gap2"), [2, 3, 4, 5], {}, False),
    ("pooling", "global_avg_pool2d_keepdims_cf", lambda: L.GlobalAveragePooling2D(data_format="channels_first", keepdims=True, name="gap2cf"), [2, 3, 4, 5], {}, False),
    ("pooling", "global_max_pool2d", lambda: L.GlobalMaxPooling2D(name="gmp2"), [2, 3, 4, 5], {}, False),
    ("pooling", "global_max_pool1d_keepdims", lambda: L.GlobalMaxPooling1D(keepdims=True, name="gmp1"), [2, 3, 4], {}, False),
    ("pooling", "global_avg_pool1d", lambda: L.GlobalAveragePooling1D(name="gap1"), [2, 3, 4], {}, False),
    ("pooling", "global_avg_pool1d_mask", lambda: L.GlobalAveragePooling1D(name="gap1m"), [2, 4, 3], {"mask": [[True, True, False, True], [False, True, True, False]]}, False),
    ("pooling", "global_avg_pool1d_mask_cf", lambda: L.GlobalAveragePooling1D(data_format="channels_first", keepdims=True, name="gap1mcf"), [2, 3, 4],
     {"mask": [[True, False, False, True], [True, True, True, False]]}, False),
    ("pooling", "global_max_pool3d_cf", lambda: L.GlobalMaxPooling3D(data_format="channels_first", name="gmp3"), [2, 3, 2, 2, 2], {}, False),
    ("pooling", "global_avg_pool3d_keepdims", lambda: L.GlobalAveragePooling3D(keepdims=True, name="gap3"), [2, 2, 2, 2, 3], {}, False),
    ("pooling", "adaptive_avg_pool2d", lambda: L.AdaptiveAveragePooling2D((2, 3), name="aap2"), [2, 5, 7, 3], {}, False),
    ("pooling", "adaptive_max_pool2d_cf", lambda: L.AdaptiveMaxPooling2D(2, data_format="channels_first", name="amp2"), [2, 3, 5, 5], {}, False),
    ("pooling", "adaptive_avg_pool1d", lambda: L.AdaptiveAveragePooling1D(3, name="aap1"), [2, 7, 2], {}, False),
    ("pooling", "adaptive_max_pool1d", lambda: L.AdaptiveMaxPooling1D(4, name="amp1"), [2, 7, 2], {}, False),
    ("pooling", "adaptive_avg_pool3d", lambda: L.AdaptiveAveragePooling3D(2, name="aap3"), [1, 3, 4, 5, 2], {}, False),
    ("pooling", "adaptive_max_pool3d", lambda: L.AdaptiveMaxPooling3D((1, 2, 2), name="amp3"), [1, 3, 4, 5, 2], {}, False),
    # --- normalization
    ("norm", "batch_norm", lambda: L.BatchNormalization(name="bn"), [4, 3], {}, True),
    ("norm", "batch_norm_axis1_nocenter", lambda: L.BatchNormalization(axis=1, center=False, momentum=0.9, epsilon=1e-2, name="bn1"), [2, 3, 4, 4], {}, True),
    ("norm", "batch_norm_noscale_gamma_reg", lambda: L.BatchNormalization(scale=False, beta_regularizer=REG.L2(0.5), name="bnns"), [3, 2, 4], {}, True),
    ("norm", "batch_norm_mask", lambda: L.BatchNormalization(momentum=0.5, name="bnm"), [2, 3, 4], {"mask": [[True, True, False], [True, False, True]]}, True),
    ("norm", "batch_norm_renorm", lambda: L.BatchNormalization(renorm=True, renorm_clipping={"rmax": 1.5, "rmin": 0.8, "dmax": 0.3}, renorm_momentum=0.9,
                                                              momentum=0.8, name="bnr"), [5, 3], {}, True),
    ("norm", "layer_norm", lambda: L.LayerNormalization(name="ln"), [2, 3, 4], {}, False),
    ("norm", "layer_norm_axes_nocenter", lambda: L.LayerNormalization(axis=[1, 2], center=False, epsilon=1e-5, name="ln2"), [2, 3, 4], {}, False),
    ("norm", "layer_norm_axis1", lambda: L.LayerNormalization(axis=1, name="ln3"), [2, 3, 4], {}, False),
    ("norm", "layer_norm_rms_scaling", lambda: L.LayerNormalization(rms_scaling=True, name="lnr"), [2, 5], {}, False),
    ("norm", "rms_norm", lambda: L.RMSNormalization(name="rms"), [2, 3, 4], {}, False),
    ("norm", "rms_norm_axes", lambda: L.RMSNormalization(axis=[1, 2], epsilon=1e-3, name="rms2"), [2, 3, 4], {}, False),
    ("norm", "group_norm", lambda: L.GroupNormalization(groups=2, name="gn"), [2, 3, 3, 4], {}, False),
    ("norm", "group_norm_instance_axis1", lambda: L.GroupNormalization(groups=-1, axis=1, name="gni"), [2, 4, 3], {}, False),
    ("norm", "group_norm_cf", lambda: L.GroupNormalization(groups=3, axis=1, epsilon=1e-5, center=False, name="gncf"), [2, 6, 2, 2], {}, False),
    ("norm", "unit_norm", lambda: L.UnitNormalization(name="un"), [2, 3], {}, False),
    ("norm", "unit_norm_axes", lambda: L.UnitNormalization(axis=[1, 2], name="un2"), [2, 3, 2], {}, False),
    ("norm", "spectral_norm_dense", lambda: L.SpectralNormalization(L.Dense(3, name="snd_dense"), name="snd"), [2, 4], {}, True),
    ("norm", "spectral_norm_conv2d", lambda: L.SpectralNormalization(L.Conv2D(2, 2, name="snc_conv"), power_iterations=3, name="snc"), [2, 3, 3, 2], {}, True),
]


def weight_value(w, rs):
    n = w.path.split("/")[-1]
    if "variance" in n or "stddev" in n:
        return rs.uniform(0.5, 1.5, size=w.shape).astype(w.dtype)
    return rs.uniform(-0.5, 0.5, size=w.shape).astype(w.dtype)


def case(group, name, make, shape, call_kwargs, train):
    layer = make()
    x = data(shape, 100)
    kwargs = {k: (np.asarray(v) if k == "mask" else v) for k, v in call_kwargs.items()}
    layer.build(tuple(shape))
    rs = np.random.RandomState(7)
    weights = []
    for w in layer.weights:
        value = weight_value(w, rs)
        w.assign(value)
        weights.append({"path": w.path, "shape": list(w.shape), "trainable": bool(w.trainable), "value": arr(value)})
    out = layer(x, training=False, **kwargs)
    losses = [float(np.asarray(v)) for v in layer.losses]
    result = {
        "group": group,
        "name": name,
        "class_name": layer.__class__.__name__,
        "input_shape": shape,
        "inputs": arr(x),
        "call_kwargs": call_kwargs,
        "weights": weights,
        "output": arr(out),
        "output_shape": list(np.asarray(out).shape),
        "losses": losses,
    }
    if train:
        out_t = layer(x, training=True, **kwargs)
        result["output_training"] = arr(out_t)
        result["weights_after_training"] = [{"path": w.path, "value": arr(w)} for w in layer.weights]
    result["compute_output_shape"] = shape_list(layer.compute_output_shape(tuple([None, *shape[1:]])))
    env = keras.saving.serialize_keras_object(layer)
    result["config"] = layer.get_config()
    result["envelope"] = {k: v for k, v in env.items() if k != "build_config"}
    result["build_config"] = env.get("build_config")
    return result


def main():
    out = {"keras_version": keras.__version__, "backend": keras.backend.backend(), "layers": [case(*c) for c in CASES]}
    with open(OUT, "w") as f:
        json.dump(out, f, indent=None, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(out['layers'])} cases to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
