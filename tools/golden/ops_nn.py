"""Golden data for @kx/ops-nn: keras.ops.nn evaluated by the real Keras 3 on JAX.

Writes packages/ops-nn/test/golden/ops_nn.json: a list of cases
{"id", "op", "inputs": [array|null], "kwargs": {...snake_case Keras arguments}, "outputs": [array]}
where an array is {"dtype", "shape", "data" (flat, non-finite values as strings)}.
Inputs are float64 (x64 enabled) so the float64 reference backend is checked tightly; a few cases use
float32. Inputs are random (fixed seed); the expected values come only from Keras.

Run: KERAS_BACKEND=jax .venv/bin/python tools/golden/ops_nn.py
"""

import functools
import json
import os

from _common import array_record as enc, enable_x64, golden_path, op_case

jax = enable_x64()

import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import ops  # noqa: E402

OUT = golden_path("ops-nn", "ops_nn.json")
rng = np.random.default_rng(20240917)
CASES = []
case = functools.partial(op_case, CASES)




def rnd(*shape, scale=1.0, dtype="float64"):
    return (rng.standard_normal(shape) * scale).astype(dtype)


# ---- activations --------------------------------------------------------------------------------
edge = np.array([-30.0, -6.0, -3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0, 6.0, 30.0])
x_act = np.concatenate([edge, rnd(13, scale=3.0)]).reshape(4, 6)
for name in ["relu", "relu6", "sigmoid", "sparse_sigmoid", "softplus", "softsign", "sparse_plus", "silu",
             "log_sigmoid", "hard_sigmoid", "hard_silu", "selu", "tanh_shrink", "hard_tanh"]:
    case(f"{name}", name, getattr(ops, name), [x_act])
case("relu_f32", "relu", ops.relu, [x_act.astype("float32")])
case("sigmoid_f32", "sigmoid", ops.sigmoid, [x_act.astype("float32")])
case("swish", "swish", ops.swish, [x_act])
case("hard_swish", "hard_swish", ops.hard_swish, [x_act])
case("leaky_relu", "leaky_relu", ops.leaky_relu, [x_act])
case("leaky_relu_slope", "leaky_relu", ops.leaky_relu, [x_act], {"negative_slope": 0.05})
case("elu", "elu", ops.elu, [x_act])
case("elu_alpha", "elu", ops.elu, [x_act], {"alpha": 0.7})
case("celu", "celu", ops.celu, [x_act])
case("celu_alpha", "celu", ops.celu, [x_act], {"alpha": 2.0})
case("gelu", "gelu", ops.gelu, [x_act])
case("gelu_exact", "gelu", ops.gelu, [x_act], {"approximate": False})
case("squareplus", "squareplus", ops.squareplus, [x_act])
case("squareplus_b", "squareplus", ops.squareplus, [x_act], {"b": 1.5})
case("soft_shrink", "soft_shrink", ops.soft_shrink, [x_act])
case("soft_shrink_t", "soft_shrink", ops.soft_shrink, [x_act], {"threshold": 1.0})
case("hard_shrink", "hard_shrink", ops.hard_shrink, [x_act])
case("hard_shrink_t", "hard_shrink", ops.hard_shrink, [x_act], {"threshold": 1.0})
case("threshold", "threshold", ops.threshold, [x_act], {"threshold": 0.5, "default_value": -2.0})
case("glu", "glu", ops.glu, [x_act])
case("glu_axis0", "glu", ops.glu, [x_act], {"axis": 0})
x_sm = rnd(2, 3, 5, scale=3.0)
case("softmax", "softmax", ops.softmax, [x_sm])
case("softmax_axis0", "softmax", ops.softmax, [x_sm], {"axis": 0})
case("softmax_axes", "softmax", ops.softmax, [x_sm], {"axis": [1, 2]}, {"axis": (1, 2)})
case("softmax_large", "softmax", ops.softmax, [np.array([[1000.0, 0.0, -1000.0], [-1e4, -1e4, -1e4]])])
case("log_softmax", "log_softmax", ops.log_softmax, [x_sm])
case("log_softmax_axis1", "log_softmax", ops.log_softmax, [x_sm], {"axis": 1})
case("log_softmax_axes", "log_softmax", ops.log_softmax, [x_sm], {"axis": [0, 2]}, {"axis": (0, 2)})
case("log_softmax_large", "log_softmax", ops.log_softmax, [np.array([[1000.0, 0.0, -1000.0]])])
case("sparsemax", "sparsemax", ops.sparsemax, [x_sm])
case("sparsemax_axis1", "sparsemax", ops.sparsemax, [x_sm], {"axis": 1})

# ---- convolutions -------------------------------------------------------------------------------


def conv_case(id_, in_shape, k_shape, **kw):
    x = rnd(*in_shape)
    k = rnd(*k_shape)
    case(id_, "conv", ops.conv, [x, k], kw)


conv_case("conv1d_valid", (2, 9, 3), (3, 3, 4))
conv_case("conv1d_same_s2", (2, 9, 3), (4, 3, 4), strides=2, padding="same")
conv_case("conv1d_dil2_same", (2, 10, 2), (3, 2, 3), dilation_rate=2, padding="same")
conv_case("conv1d_groups3", (2, 8, 6), (3, 2, 6), padding="same")
conv_case("conv1d_cf", (2, 3, 9), (3, 3, 4), data_format="channels_first", strides=2)
conv_case("conv2d_valid", (2, 7, 6, 3), (3, 3, 3, 4))
conv_case("conv2d_same", (2, 7, 6, 3), (3, 2, 3, 5), padding="same")
conv_case("conv2d_same_s2", (2, 7, 8, 2), (3, 3, 2, 3), strides=2, padding="same")
conv_case("conv2d_same_s3_even", (1, 8, 9, 2), (4, 4, 2, 2), strides=(3, 2), padding="same")
conv_case("conv2d_valid_s2_dil", (2, 9, 9, 2), (3, 3, 2, 3), strides=2, dilation_rate=(1, 2))
conv_case("conv2d_dil2_same", (1, 8, 8, 2), (3, 3, 2, 2), dilation_rate=2, padding="same")
conv_case("conv2d_groups2", (2, 6, 6, 4), (3, 3, 2, 6), padding="same")
conv_case("conv2d_cf_same", (2, 3, 7, 6), (3, 3, 3, 4), data_format="channels_first", padding="same")
conv_case("conv2d_cf_groups", (1, 4, 5, 5), (3, 3, 2, 4), data_format="channels_first", strides=2)
conv_case("conv3d_valid", (1, 5, 4, 6, 2), (2, 3, 3, 2, 3))
conv_case("conv3d_same_s2", (2, 5, 5, 4, 2), (3, 3, 2, 2, 2), strides=2, padding="same")
conv_case("conv3d_cf", (1, 2, 5, 4, 4), (3, 2, 2, 2, 3), data_format="channels_first", padding="same")
case("conv2d_f32", "conv", ops.conv, [rnd(1, 6, 6, 2, dtype="float32"), rnd(3, 3, 2, 2, dtype="float32")], {"padding": "same"})


def dw_case(id_, in_shape, k_shape, **kw):
    case(id_, "depthwise_conv", ops.depthwise_conv, [rnd(*in_shape), rnd(*k_shape)], kw)


dw_case("dw1d", (2, 8, 3), (3, 3, 2), padding="same")
dw_case("dw2d", (2, 6, 7, 3), (3, 3, 3, 2), strides=2)
dw_case("dw2d_cf_dil", (1, 2, 8, 8), (3, 3, 2, 1), data_format="channels_first", dilation_rate=2, padding="same")
case("sep2d", "separable_conv", ops.separable_conv, [rnd(2, 7, 7, 3), rnd(3, 3, 3, 2), rnd(1, 1, 6, 4)], {"padding": "same"})
case("sep1d_s2", "separable_conv", ops.separable_conv, [rnd(2, 9, 2), rnd(3, 2, 2), rnd(1, 4, 3)], {"strides": 2})
case("sep2d_cf", "separable_conv", ops.separable_conv, [rnd(1, 3, 6, 6), rnd(3, 3, 3, 1), rnd(1, 1, 3, 2)], {"data_format": "channels_first"})


def ct_case(id_, in_shape, k_shape, **kw):
    case(id_, "conv_transpose", ops.conv_transpose, [rnd(*in_shape), rnd(*k_shape)], kw)


ct_case("ct1d_valid", (2, 5, 3), (3, 4, 3))
ct_case("ct1d_same_s2", (2, 5, 3), (3, 4, 3), strides=2, padding="same")
ct_case("ct1d_valid_s3", (1, 4, 2), (2, 3, 2), strides=3)
ct_case("ct1d_k1_s2_same", (1, 4, 2), (1, 2, 2), strides=2, padding="same")
ct_case("ct2d_valid", (2, 4, 5, 3), (3, 3, 2, 3))
ct_case("ct2d_same_s2", (2, 4, 4, 3), (3, 3, 5, 3), strides=2, padding="same")
ct_case("ct2d_same_s2_k4", (1, 3, 4, 2), (4, 4, 2, 2), strides=2, padding="same")
ct_case("ct2d_valid_op", (1, 3, 3, 2), (3, 3, 2, 2), strides=2, output_padding=1)
ct_case("ct2d_same_op", (1, 3, 3, 2), (3, 3, 2, 2), strides=2, padding="same", output_padding=1)
ct_case("ct2d_dil", (1, 4, 4, 2), (3, 3, 2, 2), dilation_rate=2)
ct_case("ct2d_cf", (2, 3, 4, 4), (3, 3, 2, 3), strides=2, padding="same", data_format="channels_first")
ct_case("ct3d_same", (1, 3, 3, 2, 2), (3, 3, 3, 2, 2), strides=2, padding="same")

# ---- pooling ------------------------------------------------------------------------------------


def pool_case(id_, op, shape, pool, **kw):
    # NOTE: Keras 3.15's JAX pooling fails on strides=None (it converts pool_size twice), so pass strides.
    kw.setdefault("strides", pool)
    case(id_, op, getattr(ops, op), [rnd(*shape)], {"pool_size": pool, **kw})


for op in ["max_pool", "average_pool"]:
    pool_case(f"{op}_1d", op, (2, 9, 3), 2)
    pool_case(f"{op}_1d_same_s1", op, (2, 7, 3), 3, strides=1, padding="same")
    pool_case(f"{op}_2d", op, (2, 6, 6, 3), 2)
    pool_case(f"{op}_2d_same", op, (2, 5, 7, 2), (3, 2), padding="same")
    pool_case(f"{op}_2d_same_s1", op, (1, 5, 5, 2), 3, strides=1, padding="same")
    pool_case(f"{op}_2d_valid_s", op, (2, 7, 7, 2), 3, strides=2)
    pool_case(f"{op}_2d_cf", op, (2, 3, 6, 5), 2, padding="same", data_format="channels_first")
    pool_case(f"{op}_3d", op, (1, 4, 4, 4, 2), 2)
    pool_case(f"{op}_3d_same_cf", op, (1, 2, 5, 3, 4), (2, 2, 3), strides=(2, 1, 2), padding="same", data_format="channels_first")
for op in ["adaptive_max_pool", "adaptive_average_pool"]:
    case(f"{op}_1d", op, getattr(ops, op), [rnd(2, 10, 3)], {"output_size": 4, "data_format": "channels_last"})
    case(f"{op}_2d", op, getattr(ops, op), [rnd(2, 7, 5, 2)], {"output_size": [3, 2], "data_format": "channels_last"})
    case(f"{op}_2d_up", op, getattr(ops, op), [rnd(1, 3, 2, 2)], {"output_size": [5, 4], "data_format": "channels_last"})
    case(f"{op}_2d_cf", op, getattr(ops, op), [rnd(1, 2, 8, 9)], {"output_size": [3, 5], "data_format": "channels_first"})
    case(f"{op}_3d", op, getattr(ops, op), [rnd(1, 5, 6, 4, 2)], {"output_size": [2, 3, 3], "data_format": "channels_last"})

# ---- normalization ------------------------------------------------------------------------------
xn = rnd(3, 4, 5, scale=2.0) + 1.0
# NOTE: Keras on JAX computes layer/rms normalization, normalize(order != 2) and polar in float32 even
# for float64 inputs (its result_type maps float64 to float32), so those cases use float32 inputs.
xn32 = xn.astype("float32")
case("moments_0", "moments", ops.moments, [xn], {"axes": [0]})
case("moments_01_keep", "moments", ops.moments, [xn], {"axes": [0, 1], "keepdims": True})
case("moments_last", "moments", ops.moments, [xn], {"axes": [-1]})
case("moments_f16", "moments", ops.moments, [xn.astype("float16")], {"axes": [0, 2]})
c5 = 5


def _bn(x, m, v, o, s, **kw):
    return ops.batch_normalization(x, m, v, offset=o, scale=s, **kw)


case("batch_norm", "batch_normalization", _bn, [xn, rnd(c5), np.abs(rnd(c5)) + 0.5, rnd(c5), rnd(c5)], {"axis": -1, "epsilon": 1e-3})
case("batch_norm_axis1", "batch_normalization", _bn,
     [xn, rnd(4), np.abs(rnd(4)) + 0.5, None, None], {"axis": 1})
case("batch_norm_scale_only", "batch_normalization", _bn,
     [xn, rnd(5), np.abs(rnd(5)) + 0.5, None, rnd(5)], {"axis": 2, "epsilon": 0.01})
case("layer_norm", "layer_normalization", ops.layer_normalization, [xn32, rnd(5, dtype="float32"), rnd(5, dtype="float32")], {})
case("layer_norm_nogb", "layer_normalization", ops.layer_normalization, [xn32, None, None], {"epsilon": 1e-5})
case("layer_norm_axes", "layer_normalization", ops.layer_normalization, [xn32, rnd(4, 5, dtype="float32"), rnd(4, 5, dtype="float32")], {"axis": [1, 2]})
case("layer_norm_axis1", "layer_normalization", ops.layer_normalization, [xn32, rnd(4, dtype="float32"), None], {"axis": 1})
case("layer_norm_f32", "layer_normalization", ops.layer_normalization, [xn.astype("float32"), rnd(5, dtype="float32"), None], {})
case("rms_norm", "rms_normalization", ops.rms_normalization, [xn32, rnd(5, dtype="float32")], {})
case("rms_norm_axes", "rms_normalization", ops.rms_normalization, [xn32, None], {"axis": [0, 2], "epsilon": 1e-3})
case("normalize", "normalize", ops.normalize, [xn], {})
case("normalize_o1", "normalize", ops.normalize, [xn32], {"order": 1, "axis": 1})
case("normalize_o3", "normalize", ops.normalize, [xn32], {"order": 3, "axis": 0})
case("normalize_axes", "normalize", ops.normalize, [xn], {"axis": [1, 2]})
case("normalize_zero", "normalize", ops.normalize, [np.zeros((2, 3))], {})

# ---- cross-entropies ----------------------------------------------------------------------------
p = keras.ops.convert_to_numpy(ops.softmax(rnd(4, 5, scale=2.0)))
p[0, 0] = 0.0
t = np.eye(5)[[0, 3, 1, 4]]
logits = rnd(4, 5, scale=3.0)
case("cce", "categorical_crossentropy", ops.categorical_crossentropy, [t, p], {})
case("cce_unnorm", "categorical_crossentropy", ops.categorical_crossentropy, [t * 0.9 + 0.02, p * 3.0], {})
case("cce_logits", "categorical_crossentropy", ops.categorical_crossentropy, [t, logits], {"from_logits": True})
case("cce_axis0", "categorical_crossentropy", ops.categorical_crossentropy, [t.T, p.T], {"axis": 0})
case("scce", "sparse_categorical_crossentropy", ops.sparse_categorical_crossentropy, [np.array([0, 3, 1, 4]), p], {})
case("scce_logits", "sparse_categorical_crossentropy", ops.sparse_categorical_crossentropy, [np.array([[0], [3], [1], [4]]), logits], {"from_logits": True})
case("scce_3d", "sparse_categorical_crossentropy", ops.sparse_categorical_crossentropy, [rng.integers(0, 5, (2, 3)), rnd(2, 3, 5)], {"from_logits": True})
pb = 1 / (1 + np.exp(-rnd(3, 4, scale=3.0)))
pb[0, 0] = 0.0
pb[0, 1] = 1.0
tb = (rng.random((3, 4)) > 0.5).astype("float64")
case("bce", "binary_crossentropy", ops.binary_crossentropy, [tb, pb], {})
case("bce_soft", "binary_crossentropy", ops.binary_crossentropy, [rng.random((3, 4)), pb], {})
case("bce_logits", "binary_crossentropy", ops.binary_crossentropy, [tb, rnd(3, 4, scale=10.0)], {"from_logits": True})

# ---- encodings and misc -------------------------------------------------------------------------
idx = np.array([[0, 2, 4], [1, -1, 7]], dtype="int32")
case("one_hot", "one_hot", ops.one_hot, [idx], {"num_classes": 5})
case("one_hot_axis0", "one_hot", ops.one_hot, [idx], {"num_classes": 5, "axis": 0})
case("one_hot_axis1", "one_hot", ops.one_hot, [idx], {"num_classes": 4, "axis": 1, "dtype": "int32"})
case("multi_hot", "multi_hot", ops.multi_hot, [np.array([[0, 2, 2], [1, 3, 0]], dtype="int32")], {"num_classes": 5})
case("multi_hot_1d", "multi_hot", ops.multi_hot, [np.array([0, 2, 2], dtype="int32")], {"num_classes": 4})
a1 = rnd(2, 8, 8, 3)
case("psnr", "psnr", ops.psnr, [a1, a1 + rnd(2, 8, 8, 3, scale=0.1)], {"max_val": 4.0})


def _polar(a, b):
    z = np.asarray(ops.polar(a, b))
    return z.real, z.imag


case("polar", "polar", _polar, [np.abs(rnd(2, 3, dtype="float32")), rnd(2, 3, dtype="float32")])
case("depth_to_space", "depth_to_space", ops.depth_to_space, [rnd(2, 2, 3, 8)], {"block_size": 2})
case("depth_to_space_cf", "depth_to_space", ops.depth_to_space, [rnd(1, 18, 2, 2)], {"block_size": 3, "data_format": "channels_first"})
case("space_to_depth", "space_to_depth", ops.space_to_depth, [rnd(2, 4, 6, 3)], {"block_size": 2})
case("space_to_depth_cf", "space_to_depth", ops.space_to_depth, [rnd(1, 2, 6, 3)], {"block_size": 3, "data_format": "channels_first"})
case("unfold", "unfold", ops.unfold, [rnd(2, 3, 5, 6)], {"kernel_size": 2})
case("unfold_args", "unfold", ops.unfold, [rnd(1, 2, 7, 6)], {"kernel_size": [3, 2], "dilation": [1, 2], "padding": 1, "stride": [2, 1]})
case("fold", "fold", ops.fold, [rnd(2, 12, 20)], {"output_size": [5, 6], "kernel_size": 2})
case("fold_args", "fold", ops.fold, [rnd(1, 12, 24)], {"output_size": [7, 6], "kernel_size": [3, 2], "dilation": [1, 2], "padding": 1, "stride": [2, 1]})

# ---- attention ----------------------------------------------------------------------------------
B, T, S, N, H = 2, 3, 5, 4, 3


def att_case(id_, q, k, v, bias=None, mask=None, **kw):
    out = ops.dot_product_attention(q, k, v, bias=bias, mask=mask, **kw)
    CASES.append({"id": id_, "op": "dot_product_attention",
                  "inputs": [enc(q), enc(k), enc(v), enc(bias), enc(mask)], "kwargs": kw, "outputs": [enc(np.asarray(out))]})


q, k, v = rnd(B, T, N, H), rnd(B, S, N, H), rnd(B, S, N, H)
att_case("att", q, k, v)
att_case("att_scale", q, k, v, scale=0.25)
att_case("att_bias", q, k, v, bias=rnd(B, N, T, S))
att_case("att_bias_bcast", q, k, v, bias=rnd(1, 1, T, S))
m4 = rng.random((B, N, T, S)) > 0.3
m4[0, 0, 1, :] = False  # a fully masked row
att_case("att_mask4", q, k, v, mask=m4)
m3 = rng.random((B, T, S)) > 0.4
att_case("att_mask3", q, k, v, mask=m3)
m2 = rng.random((T, S)) > 0.4
att_case("att_mask2", q, k, v, mask=m2)
qs, ks, vs = rnd(B, T, N, H), rnd(B, T, N, H), rnd(B, T, N, H)
att_case("att_causal", qs, ks, vs, is_causal=True)
att_case("att_causal_rect", q, k, v, is_causal=True)
att_case("att_causal_mask", qs, ks, vs, mask=rng.random((B, 1, T, T)) > 0.3, is_causal=True)
att_case("att_gqa", q, rnd(B, S, 2, H), rnd(B, S, 2, H))
att_case("att_gqa_mask", q, rnd(B, S, 1, H), rnd(B, S, 1, H), mask=m4, scale=0.5)
att_case("att_f32", q.astype("float32"), k.astype("float32"), v.astype("float32"), is_causal=True)

# ---- CTC ----------------------------------------------------------------------------------------
Bc, Tc, Cc, Lc = 3, 8, 5, 4
ctc_logits = rnd(Bc, Tc, Cc, scale=2.0)
labels = np.array([[1, 2, 2, 3], [4, 1, 0, 0], [3, 3, 3, 1]], dtype="int32")
case("ctc_loss", "ctc_loss", ops.ctc_loss, [labels, ctc_logits, np.array([4, 2, 3], "int32"), np.array([8, 6, 7], "int32")], {})
case("ctc_loss_mask4", "ctc_loss", ops.ctc_loss, [np.array([[1, 2, 2, 3], [0, 1, 0, 0], [3, 3, 0, 1]], "int32"), ctc_logits, np.array([4, 2, 3], "int32"), np.array([8, 8, 5], "int32")], {"mask_index": 4})
case("ctc_loss_f32", "ctc_loss", ops.ctc_loss, [labels, ctc_logits.astype("float32"), np.array([4, 2, 3], "int32"), np.array([8, 6, 7], "int32")], {})
dec_in = rnd(Bc, Tc, Cc, scale=2.0)
lens = np.array([8, 5, 7], "int32")
case("ctc_greedy", "ctc_decode", ops.ctc_decode, [dec_in, lens], {"strategy": "greedy"})
case("ctc_greedy_nomerge", "ctc_decode", ops.ctc_decode, [dec_in, lens], {"strategy": "greedy", "merge_repeated": False, "mask_index": 2})
case("ctc_beam", "ctc_decode", ops.ctc_decode, [dec_in, lens], {"strategy": "beam_search", "beam_width": 4, "top_paths": 2})
case("ctc_beam_mask", "ctc_decode", ops.ctc_decode, [dec_in, lens], {"strategy": "beam_search", "beam_width": 3, "top_paths": 3, "mask_index": 4})

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump({"keras": keras.__version__, "jax": jax.__version__, "cases": CASES}, f, separators=(",", ":"))
print(f"wrote {len(CASES)} cases to {OUT}")
