"""Golden data for @kx/layers' recurrent and attention layers.

Writes packages/layers/test/golden/layers_rnn.json from the real Keras 3 on JAX. For each case:
Keras's get_config() before and after the call and its serialize envelope, the inputs, masks and
initial states, the weights (set explicitly from a fixed NumPy stream after building, in
`layer.weights` order), every output (and the output masks), compute_output_shape for a None batch.
Stateful cases record two consecutive calls; dropout cases run with training=True (seeded).

Run: KERAS_BACKEND=jax .venv/bin/python tools/golden/layers_rnn.py
"""

import json
import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import layers as L  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "packages", "layers", "test", "golden", "layers_rnn.json")


def arr(a):
    a = np.asarray(a)
    if a.dtype == bool:
        return a.tolist()
    if np.issubdtype(a.dtype, np.integer):
        return a.astype(np.int64).tolist()
    return a.astype(np.float64).tolist()


def data(shape, seed, scale=1.0):
    rs = np.random.RandomState(seed)
    return (rs.uniform(-1, 1, size=shape) * scale).astype("float32")


def mask_of(lengths, T, backwards_pad=False):
    m = np.zeros((len(lengths), T), dtype=bool)
    for i, n in enumerate(lengths):
        if backwards_pad:
            m[i, T - n:] = True
        else:
            m[i, :n] = True
    return m


def shape_list(s):
    if isinstance(s, (list, tuple)) and s and isinstance(s[0], (list, tuple)):
        return [shape_list(x) for x in s]
    if isinstance(s, (list, tuple)) and s and any(isinstance(x, (list, tuple)) for x in s):
        return [shape_list(x) for x in s]
    return None if s is None else [None if d is None else int(d) for d in s]


def flat_outputs(out):
    if isinstance(out, (list, tuple)):
        res = []
        for o in out:
            res.extend(flat_outputs(o))
        return res
    return [out]


# Each case: name, factory, inputs {positional list of (shape, seed)}, tensor kwargs, plain kwargs, options.
# tensor kwargs: name -> ("float", shape, seed) | ("mask", lengths, T) | ("list", [...]) of floats.
def F(shape, seed, scale=1.0):
    return ("float", shape, seed, scale)


def M(lengths, T):
    return ("mask", lengths, T)


CASES = [
    # ---- SimpleRNN
    ("simple_rnn", lambda: L.SimpleRNN(4, name="srnn"), [F([2, 5, 3], 1)], {}, {}),
    ("simple_rnn_seq_state_back", lambda: L.SimpleRNN(3, return_sequences=True, return_state=True, go_backwards=True, activation="relu", name="srnn2"),
     [F([2, 4, 3], 2)], {}, {}),
    ("simple_rnn_mask", lambda: L.SimpleRNN(3, return_sequences=True, name="srnn3"), [F([3, 5, 2], 3)], {"mask": M([5, 3, 1], 5)}, {}),
    ("simple_rnn_nobias_unroll", lambda: L.SimpleRNN(3, use_bias=False, unroll=True, return_sequences=True, name="srnn4"), [F([2, 4, 3], 4)], {}, {}),
    # ---- GRU
    ("gru", lambda: L.GRU(4, name="gru"), [F([2, 5, 3], 5)], {}, {}),
    ("gru_reset_before", lambda: L.GRU(3, reset_after=False, return_sequences=True, go_backwards=True, name="gru2"), [F([2, 4, 5], 6)], {}, {}),
    ("gru_mask_state", lambda: L.GRU(3, return_sequences=True, return_state=True, name="gru3"), [F([3, 5, 2], 7)],
     {"mask": M([5, 2, 4], 5), "initial_state": ("list", [F([3, 3], 8)])}, {}),
    ("gru_hard_sigmoid_nobias", lambda: L.GRU(3, recurrent_activation="hard_sigmoid", use_bias=False, name="gru4"), [F([2, 4, 3], 9, 3.0)], {}, {}),
    ("gru_impl1", lambda: L.GRU(3, implementation=1, reset_after=True, return_sequences=True, name="gru5"), [F([2, 3, 4], 10)], {}, {}),
    ("gru_zero_output_mask", lambda: L.GRU(2, return_sequences=True, zero_output_for_mask=True, name="gru6"), [F([2, 4, 3], 11)], {"mask": M([2, 3], 4)}, {}),
    ("gru_dropout_training", lambda: L.GRU(3, dropout=0.4, seed=1337, return_sequences=True, name="gru7"), [F([2, 4, 3], 12)], {}, {"training": True}),
    ("gru_recurrent_dropout_training", lambda: L.GRU(3, dropout=0.3, recurrent_dropout=0.25, seed=77, name="gru8"), [F([2, 4, 3], 13)], {}, {"training": True}),
    # ---- LSTM
    ("lstm", lambda: L.LSTM(4, name="lstm"), [F([2, 5, 3], 14)], {}, {}),
    ("lstm_state_back", lambda: L.LSTM(3, return_state=True, go_backwards=True, name="lstm2"), [F([2, 4, 3], 15)], {}, {}),
    ("lstm_mask_init", lambda: L.LSTM(3, return_sequences=True, return_state=True, name="lstm3"), [F([3, 5, 2], 16)],
     {"mask": M([5, 1, 3], 5), "initial_state": ("list", [F([3, 3], 17), F([3, 3], 18)])}, {}),
    ("lstm_unroll_mask", lambda: L.LSTM(2, unroll=True, return_sequences=True, name="lstm4"), [F([2, 4, 3], 19)], {"mask": M([4, 2], 4)}, {}),
    ("lstm_no_forget_bias_nobias", lambda: L.LSTM(3, unit_forget_bias=False, use_bias=False, activation="relu", recurrent_activation="hard_sigmoid", name="lstm5"),
     [F([2, 3, 4], 20)], {}, {}),
    ("lstm_dropout_training", lambda: L.LSTM(3, dropout=0.3, recurrent_dropout=0.3, seed=5, return_sequences=True, name="lstm6"), [F([2, 4, 3], 21)], {}, {"training": True}),
    ("lstm_dropout_inference", lambda: L.LSTM(3, dropout=0.3, recurrent_dropout=0.3, seed=5, name="lstm7"), [F([2, 4, 3], 22)], {}, {}),
    # ---- RNN base, cells, stacked
    ("rnn_gru_cell_back_mask", lambda: L.RNN(L.GRUCell(3, name="gc"), go_backwards=True, return_sequences=True, name="rnn1"), [F([2, 4, 3], 23)], {"mask": M([4, 2], 4)}, {}),
    ("rnn_stacked", lambda: L.RNN([L.SimpleRNNCell(2, name="c1"), L.LSTMCell(3, name="c2")], return_state=True, return_sequences=True, name="rnn2"),
     [F([2, 4, 5], 24)], {}, {}),
    ("rnn_stacked_mask", lambda: L.RNN(L.StackedRNNCells([L.GRUCell(3, name="c3"), L.GRUCell(2, reset_after=False, name="c4")], name="stk"), return_sequences=True, name="rnn3"),
     [F([2, 4, 3], 25)], {"mask": M([4, 3], 4)}, {}),
    ("rnn_lstm_cell_unroll", lambda: L.RNN(L.LSTMCell(2, name="lc"), unroll=True, return_state=True, name="rnn4"), [F([2, 3, 3], 26)], {}, {}),
    # ---- Bidirectional
    ("bidi_concat", lambda: L.Bidirectional(L.LSTM(3, return_sequences=True, name="bl"), name="bidi1"), [F([2, 4, 3], 27)], {}, {}),
    ("bidi_sum", lambda: L.Bidirectional(L.GRU(3, name="bg"), merge_mode="sum", name="bidi2"), [F([2, 4, 3], 28)], {}, {}),
    ("bidi_mul", lambda: L.Bidirectional(L.SimpleRNN(3, return_sequences=True, name="bs"), merge_mode="mul", name="bidi3"), [F([2, 4, 3], 29)], {}, {}),
    ("bidi_ave_mask", lambda: L.Bidirectional(L.LSTM(2, return_sequences=True, name="bl2"), merge_mode="ave", name="bidi4"), [F([2, 4, 3], 30)], {"mask": M([4, 2], 4)}, {}),
    ("bidi_none_state", lambda: L.Bidirectional(L.LSTM(2, return_sequences=True, return_state=True, name="bl3"), merge_mode=None, name="bidi5"), [F([2, 3, 3], 31)], {}, {}),
    ("bidi_concat_state", lambda: L.Bidirectional(L.GRU(2, return_state=True, name="bg2"), name="bidi6"), [F([2, 3, 3], 32)], {}, {}),
    ("bidi_backward_layer", lambda: L.Bidirectional(L.GRU(3, return_sequences=True, name="fw"), backward_layer=L.LSTM(2, return_sequences=True, go_backwards=True, name="bw"), name="bidi7"),
     [F([2, 4, 3], 33)], {}, {}),
    ("bidi_initial_state", lambda: L.Bidirectional(L.LSTM(2, name="bl4"), name="bidi8"), [F([2, 3, 3], 34)],
     {"initial_state": ("list", [F([2, 2], 35), F([2, 2], 36), F([2, 2], 37), F([2, 2], 38)])}, {}),
    # ---- TimeDistributed
    ("time_distributed_dense", lambda: L.TimeDistributed(L.Dense(3, name="tdd"), name="td"), [F([2, 4, 5], 39)], {}, {}),
    ("time_distributed_mask", lambda: L.TimeDistributed(L.Dense(2, name="tdd2"), name="td2"), [F([2, 3, 4], 40)], {"mask": M([3, 1], 3)}, {}),
    # ---- ConvLSTM
    ("conv_lstm1d", lambda: L.ConvLSTM1D(2, 3, padding="same", return_sequences=True, name="cl1"), [F([2, 3, 5, 2], 41)], {}, {}),
    ("conv_lstm2d", lambda: L.ConvLSTM2D(2, (2, 2), name="cl2"), [F([1, 3, 4, 4, 2], 42)], {}, {}),
    ("conv_lstm2d_strides_state", lambda: L.ConvLSTM2D(2, 3, strides=2, padding="same", return_state=True, go_backwards=True, name="cl3"), [F([1, 2, 5, 5, 1], 43)], {}, {}),
    ("conv_lstm3d", lambda: L.ConvLSTM3D(1, 2, name="cl4"), [F([1, 2, 3, 3, 3, 1], 44)], {}, {}),
    # ---- Attention
    ("attention_dot", lambda: L.Attention(name="att"), [F([2, 3, 4], 45), F([2, 5, 4], 46)], {}, {}),
    ("attention_scale_key_scores", lambda: L.Attention(use_scale=True, name="att2"), [F([2, 3, 4], 47), F([2, 5, 4], 48), F([2, 5, 4], 49)], {},
     {"return_attention_scores": True}),
    ("attention_concat_mask", lambda: L.Attention(score_mode="concat", name="att3"), [F([2, 3, 4], 50), F([2, 5, 4], 51)],
     {"mask": ("list", [M([3, 2], 3), M([5, 2], 5)])}, {}),
    ("attention_causal", lambda: L.Attention(name="att4"), [F([2, 4, 3], 52), F([2, 4, 3], 53)], {}, {"use_causal_mask": True, "return_attention_scores": True}),
    ("attention_concat_scale", lambda: L.Attention(score_mode="concat", use_scale=True, name="att5"), [F([1, 2, 3], 54), F([1, 3, 3], 55)], {}, {}),
    ("attention_dropout", lambda: L.Attention(dropout=0.5, seed=3, name="att6"), [F([2, 3, 4], 56), F([2, 5, 4], 57)], {}, {"training": True, "return_attention_scores": True}),
    ("additive_attention", lambda: L.AdditiveAttention(name="add"), [F([2, 3, 4], 58), F([2, 5, 4], 59)], {}, {}),
    ("additive_attention_mask_noscale", lambda: L.AdditiveAttention(use_scale=False, name="add2"), [F([2, 3, 4], 60), F([2, 5, 4], 61), F([2, 5, 4], 62)],
     {"mask": ("list", [M([3, 1], 3), M([5, 3], 5)])}, {"use_causal_mask": True}),
    # ---- MultiHeadAttention (inputs: query, value[, key])
    ("mha_self", lambda: L.MultiHeadAttention(2, 3, name="mha"), [F([2, 4, 6], 63), F([2, 4, 6], 63)], {}, {}),
    ("mha_cross_key_scores", lambda: L.MultiHeadAttention(2, 3, value_dim=4, name="mha2"), [F([2, 3, 5], 64), F([2, 4, 6], 65), F([2, 4, 7], 66)], {},
     {"return_attention_scores": True}),
    ("mha_output_shape_nobias", lambda: L.MultiHeadAttention(3, 2, output_shape=(2, 4), use_bias=False, name="mha3"), [F([2, 3, 5], 67), F([2, 3, 5], 68)], {}, {}),
    ("mha_causal", lambda: L.MultiHeadAttention(2, 2, name="mha4"), [F([2, 4, 4], 69), F([2, 4, 4], 70)], {}, {"use_causal_mask": True}),
    ("mha_attention_mask", lambda: L.MultiHeadAttention(2, 2, name="mha5"), [F([2, 3, 4], 71), F([2, 5, 4], 72)],
     {"attention_mask": ("mask3", [2, 3, 5], 7)}, {}),
    ("mha_masks_scores", lambda: L.MultiHeadAttention(2, 2, name="mha6"), [F([2, 3, 4], 73), F([2, 5, 4], 74)],
     {"query_mask": M([3, 2], 3), "value_mask": M([5, 3], 5)}, {"return_attention_scores": True, "use_causal_mask": True}),
    ("mha_attention_axes", lambda: L.MultiHeadAttention(2, 2, attention_axes=(1, 2), name="mha7"), [F([1, 2, 3, 4], 75), F([1, 2, 3, 4], 76)], {}, {}),
    ("mha_gate_window", lambda: L.MultiHeadAttention(2, 2, use_gate=True, sliding_window=2, name="mha8"), [F([2, 4, 4], 77), F([2, 4, 4], 78)], {}, {}),
    ("mha_dropout", lambda: L.MultiHeadAttention(2, 2, dropout=0.5, seed=9, name="mha9"), [F([2, 3, 4], 79), F([2, 3, 4], 80)], {}, {"training": True}),
    # ---- GroupedQueryAttention
    ("gqa", lambda: L.GroupQueryAttention(head_dim=2, num_query_heads=4, num_key_value_heads=2, name="gqa"), [F([2, 3, 5], 81), F([2, 4, 5], 82)], {}, {}),
    ("gqa_causal_scores_key", lambda: L.GroupQueryAttention(head_dim=3, num_query_heads=2, num_key_value_heads=1, use_bias=False, name="gqa2"),
     [F([2, 4, 6], 83), F([2, 4, 6], 84), F([2, 4, 5], 85)], {}, {"use_causal_mask": True, "return_attention_scores": True}),
    ("gqa_masks", lambda: L.GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=2, name="gqa3"), [F([2, 3, 4], 86), F([2, 5, 4], 87)],
     {"value_mask": M([5, 2], 5), "attention_mask": ("mask3", [2, 3, 5], 8)}, {}),
    ("gqa_gate_window_dropout", lambda: L.GroupQueryAttention(head_dim=2, num_query_heads=4, num_key_value_heads=2, use_gate=True, sliding_window=2, dropout=0.3, seed=4, name="gqa4"),
     [F([2, 4, 4], 88), F([2, 4, 4], 89)], {}, {"training": True}),
]

ATTENTION_POSITIONAL = ("MultiHeadAttention", "GroupedQueryAttention")


def make_tensor(spec):
    kind = spec[0]
    if kind == "float":
        return data(spec[1], spec[2], spec[3])
    if kind == "mask":
        return mask_of(spec[1], spec[2])
    if kind == "mask3":
        # a random attention mask [B, T, S] whose first column is always kept
        m = np.random.RandomState(spec[2]).uniform(size=spec[1]) > 0.3
        m[:, :, 0] = True
        return m
    if kind == "list":
        return [make_tensor(s) for s in spec[1]]
    raise ValueError(kind)


def tensor_json(v):
    if isinstance(v, list):
        return {"list": [tensor_json(x) for x in v]}
    return {"value": arr(v), "dtype": str(np.asarray(v).dtype)}


def call(layer, xs, tkw, kw):
    if layer.__class__.__name__ in ATTENTION_POSITIONAL:
        return layer(*xs, **tkw, **kw)
    if layer.__class__.__name__ in ("Attention", "AdditiveAttention"):
        return layer(xs, **tkw, **kw)
    return layer(xs[0], **tkw, **kw)


def case(name, factory, inputs, tkwargs, kwargs):
    keras.utils.set_random_seed(1)
    layer = factory()
    config_init = layer.get_config()
    xs = [make_tensor(s) for s in inputs]
    tkw = {k: make_tensor(v) for k, v in tkwargs.items()}
    # build, then set every weight from a fixed stream (in layer.weights order)
    shapes = [tuple(x.shape) for x in xs]
    if layer.__class__.__name__ in ATTENTION_POSITIONAL:
        layer.build(*shapes)
    elif layer.__class__.__name__ in ("Attention", "AdditiveAttention"):
        layer.build(shapes)
    else:
        layer.build(shapes[0])
    rs = np.random.RandomState(1000 + len(name))
    weights = []
    for w in layer.weights:
        v = (rs.uniform(-0.6, 0.6, size=w.shape)).astype(w.dtype)
        w.assign(v)
        weights.append({"path": w.path, "shape": list(w.shape), "trainable": bool(w.trainable), "value": arr(v)})
    out = call(layer, xs, tkw, kwargs)
    outs = flat_outputs(out)
    masks = []
    for o in outs:
        m = getattr(o, "_keras_mask", None)
        masks.append(None if m is None else arr(m))
    none_shapes = [[None] + list(x.shape[1:]) for x in xs]
    try:
        if layer.__class__.__name__ in ATTENTION_POSITIONAL:
            cos = layer.compute_output_shape(*none_shapes)
        elif layer.__class__.__name__ in ("Attention", "AdditiveAttention"):
            cos = layer.compute_output_shape(none_shapes)
        else:
            cos = layer.compute_output_shape(tuple(none_shapes[0]))
        cos = shape_list(cos)
    except Exception as e:  # noqa: BLE001
        cos = {"error": str(e)}
    env = keras.saving.serialize_keras_object(layer)
    return {
        "name": name,
        "class_name": layer.__class__.__name__,
        "config_init": json.loads(json.dumps(config_init, default=_json_default)),
        "config": json.loads(json.dumps(layer.get_config(), default=_json_default)),
        "envelope": json.loads(json.dumps(env, default=_json_default)),
        "inputs": [tensor_json(x) for x in xs],
        "tensor_kwargs": {k: tensor_json(v) for k, v in tkw.items()},
        "call_kwargs": kwargs,
        "weights": weights,
        "outputs": [arr(o) for o in outs],
        "output_shapes": [list(np.shape(o)) for o in outs],
        "output_masks": masks,
        "compute_output_shape": cos,
    }


def _json_default(o):
    if isinstance(o, tuple):
        return list(o)
    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return float(o)
    raise TypeError(repr(o))


def stateful_case():
    """Two consecutive calls of a stateful GRU and LSTM, then reset_state and a third call."""
    res = []
    for name, factory in [
        ("stateful_gru", lambda: L.GRU(3, stateful=True, return_sequences=True, name="sg")),
        ("stateful_lstm", lambda: L.LSTM(2, stateful=True, return_state=True, name="sl")),
    ]:
        keras.utils.set_random_seed(1)
        layer = factory()
        x1 = data([2, 3, 4], 90)
        x2 = data([2, 3, 4], 91)
        layer(x1)
        rs = np.random.RandomState(2000 + len(name))
        weights = []
        for w in layer.weights:
            v = rs.uniform(-0.6, 0.6, size=w.shape).astype(w.dtype)
            w.assign(v)
            weights.append({"path": w.path, "shape": list(w.shape), "trainable": bool(w.trainable), "value": arr(v)})
        layer.reset_state()
        o1 = flat_outputs(layer(x1))
        o2 = flat_outputs(layer(x2))
        layer.reset_state()
        o3 = flat_outputs(layer(x2))
        res.append({
            "name": name, "class_name": layer.__class__.__name__, "config": json.loads(json.dumps(layer.get_config(), default=_json_default)),
            "envelope": json.loads(json.dumps(keras.saving.serialize_keras_object(layer), default=_json_default)),
            "x1": arr(x1), "x2": arr(x2), "weights": weights,
            "calls": [[arr(o) for o in o1], [arr(o) for o in o2], [arr(o) for o in o3]],
            "n_weights": len(layer.weights),
        })
    return res


def main():
    out = {"keras_version": keras.__version__, "cases": [], "stateful": stateful_case()}
    for c in CASES:
        out["cases"].append(case(*c))
        print("ok", c[0])
    with open(OUT, "w") as f:
        json.dump(out, f, separators=(",", ":"))
    print("wrote", OUT)


if __name__ == "__main__":
    main()
