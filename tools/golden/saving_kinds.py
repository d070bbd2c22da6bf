"""Golden model files of every layer kind for @kx/layers saving, written by the real Keras 3 (JAX backend).

Companion of tools/golden/saving.py (whose 8 cases stay as they are): small models that together hold
every layer class kx registers and Keras 3 can save — conv/pool/norm/reshape/merge, recurrent (incl.
Bidirectional, ConvLSTM, TimeDistributed, stacked cells), attention (MHA, GQA, Attention,
AdditiveAttention), preprocessing (Normalization, Discretization, CategoryEncoding, image and audio
layers) and the text layers with vocabulary assets (StringLookup, IntegerLookup, TextVectorization,
Hashing, HashedCrossing), plus a LoRA-enabled Dense/EinsumDense/Embedding/Conv model.

Writes packages/layers/test/golden/saving/kinds/:
  <case>.keras, <case>.weights.h5 for every case; <case>.h5 (legacy HDF5) and <case>.json (to_json)
  where Keras 3 still writes them; cases.json with the files, classes, inputs, Keras's outputs
  (inference), tolerance and stored weight paths.

Keras 3 runs the text layers with TensorFlow even on JAX, so the `text_*` cases need
`tensorflow-cpu` in the interpreter; without it those files are left as they are.

Run: KERAS_BACKEND=jax .venv/bin/python tools/golden/saving_kinds.py
     (text cases: a venv with keras==3.15.1, jax[cpu]==0.10.2, tensorflow-cpu)
"""

import io
import json
import os
import zipfile

os.environ.setdefault("KERAS_BACKEND", "jax")

import h5py  # noqa: E402
import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import layers as L  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "packages", "layers", "test", "golden", "saving", "kinds")
rng = np.random.default_rng(20261125)
CASES = {}


def arr(a):
    a = np.asarray(a)
    if a.dtype.kind in "USO":
        return {"dtype": "string", "shape": list(a.shape), "data": [x.decode() if isinstance(x, bytes) else str(x) for x in a.reshape(-1).tolist()]}
    return {"dtype": str(a.dtype), "shape": list(a.shape), "data": a.astype(np.float64).reshape(-1).tolist()}


def h5_paths(f):
    out = []
    f.visititems(lambda name, obj: out.append({"path": name, "shape": list(obj.shape), "dtype": str(obj.dtype)}) if isinstance(obj, h5py.Dataset) else None)
    return out


def classes_of(model):
    """Every layer class name in the model, nested wrappers and cells included."""
    seen = set()

    def visit(obj):
        if isinstance(obj, keras.layers.Layer) and not isinstance(obj, keras.layers.InputLayer):
            if not isinstance(obj, keras.Model):
                seen.add(type(obj).__name__)
            for sub in obj._flatten_layers(include_self=False, recursive=True):
                visit(sub)
            cell = getattr(obj, "cell", None)
            if cell is not None:
                visit(cell)
                for c in getattr(cell, "cells", []):
                    visit(c)

    for layer in model.layers:
        visit(layer)
    return sorted(seen)


def add_case(name, model, inputs, *, legacy_h5=True, to_json=True, tol=1e-5, outputs=None, notes=""):
    path = lambda ext: os.path.join(OUT, name + ext)  # noqa: E731
    if outputs is None:
        outputs = model(inputs, training=False)
    outs = [np.asarray(o) for o in (outputs if isinstance(outputs, (list, tuple)) else [outputs])]
    model.save(path(".keras"))
    model.save_weights(path(".weights.h5"))
    files = {"keras": name + ".keras", "weights": name + ".weights.h5"}
    if legacy_h5:
        model.save(path(".h5"))
        files["legacy_h5"] = name + ".h5"
    if to_json:
        with open(path(".json"), "w") as f:
            f.write(model.to_json())
        files["json"] = name + ".json"
    with zipfile.ZipFile(path(".keras")) as z:
        weights = h5_paths(h5py.File(io.BytesIO(z.read("model.weights.h5")), "r"))
        assets = sorted(n for n in z.namelist() if n.startswith("assets/"))
    ins = inputs if isinstance(inputs, list) else [inputs]
    CASES[name] = {
        "files": files, "classes": classes_of(model), "inputs": [arr(i) for i in ins], "outputs": [arr(o) for o in outs],
        "tolerance": tol, "weights": weights, "assets": assets, "notes": notes,
    }


def f32(*shape):
    return rng.normal(size=shape).astype("float32")


def conv_cases():
    x = L.Input((8, 3))
    h = L.Conv1D(4, 3, activation="relu")(x)
    h = L.SeparableConv1D(4, 2, depth_multiplier=2, padding="same")(h)
    h = L.DepthwiseConv1D(2, depth_multiplier=1)(h)
    h = L.Conv1DTranspose(3, 2, strides=2)(h)
    h = L.ZeroPadding1D(1)(L.Cropping1D((1, 0))(L.UpSampling1D(2)(h)))
    a = L.GlobalMaxPooling1D()(L.MaxPooling1D(2)(h))
    b = L.GlobalAveragePooling1D()(L.AveragePooling1D(2, padding="same")(h))
    c = L.Flatten()(L.AdaptiveAveragePooling1D(2)(h))
    d = L.Flatten()(L.AdaptiveMaxPooling1D(3)(h))
    m = keras.Model(x, L.Dense(2)(L.Concatenate()([a, b, c, d])), name="conv1d_family")
    add_case("conv1d_family", m, f32(2, 8, 3))

    x = L.Input((6, 6, 2))
    h = L.Conv2DTranspose(3, 2, strides=2, padding="same")(x)
    h = L.SeparableConv2D(4, 3, depth_multiplier=2)(h)
    h = L.DepthwiseConv2D(3, depth_multiplier=2, padding="same")(h)
    h = L.Cropping2D(1)(L.ZeroPadding2D(1)(h))
    h = L.AveragePooling2D(2)(L.UpSampling2D(2)(h))
    a = L.GlobalAveragePooling2D()(h)
    b = L.GlobalMaxPooling2D()(L.MaxPooling2D(2)(h))
    c = L.Flatten()(L.AdaptiveAveragePooling2D((2, 3))(h))
    d = L.Flatten()(L.AdaptiveMaxPooling2D(2)(h))
    m = keras.Model(x, L.Dense(2)(L.Concatenate()([a, b, c, d])), name="conv2d_family")
    add_case("conv2d_family", m, f32(2, 6, 6, 2))

    x = L.Input((4, 4, 4, 1))
    h = L.Conv3D(2, 2, activation="tanh")(x)
    h = L.Conv3DTranspose(2, 2)(h)
    h = L.Cropping3D(1)(L.ZeroPadding3D(1)(h))
    h = L.UpSampling3D(2)(h)
    a = L.GlobalMaxPooling3D()(L.MaxPooling3D(2)(h))
    b = L.GlobalAveragePooling3D()(L.AveragePooling3D(2)(h))
    c = L.Flatten()(L.AdaptiveAveragePooling3D(2)(h))
    d = L.Flatten()(L.AdaptiveMaxPooling3D(2)(h))
    m = keras.Model(x, L.Dense(2)(L.Concatenate()([a, b, c, d])), name="conv3d_family")
    add_case("conv3d_family", m, f32(2, 4, 4, 4, 1))


def norm_cases():
    x = L.Input((4, 6))
    h = L.Masking(0.0)(x)
    h = L.Dense(6)(h)
    h = L.LayerNormalization()(h)
    h = L.GroupNormalization(groups=2)(h)
    h = L.UnitNormalization()(h)
    h = L.RMSNormalization()(h)
    h = L.BatchNormalization(momentum=0.5)(h)
    h = L.ELU()(h)
    h = L.LeakyReLU(negative_slope=0.2)(h)
    h = L.ReLU(max_value=2.0, threshold=0.1, negative_slope=0.1)(h)
    h = L.Activation("gelu")(h)
    h = L.Softmax(axis=-1)(h)
    h = L.Dropout(0.3)(h)
    h = L.AlphaDropout(0.2)(h)
    h = L.GaussianDropout(0.2)(h)
    h = L.GaussianNoise(0.1)(h)
    h = L.SpatialDropout1D(0.2)(h)
    h = L.ActivityRegularization(l1=0.01)(h)
    h = L.Identity()(h)
    h = L.Permute((2, 1))(h)
    h = L.Reshape((4, 6))(h)
    h = L.SpectralNormalization(L.Dense(3))(h)
    h = L.Flatten()(h)
    h = L.RepeatVector(2)(h)
    h = L.PReLU()(h)
    m = keras.Model(x, h, name="norm_activation")
    xin = f32(2, 4, 6)
    xin[1, 3] = 0.0  # a masked step
    # NOTE: one training step moves BatchNormalization's statistics and SpectralNormalization's u off their initial values.
    m.compile(optimizer="sgd", loss="mse")
    m.fit(xin, f32(2, 2, 12), epochs=1, verbose=0)
    add_case("norm_activation", m, xin)

    a, b = L.Input((4,)), L.Input((4,))
    outs = [L.Add()([a, b]), L.Subtract()([a, b]), L.Multiply()([a, b]), L.Average()([a, b]), L.Maximum()([a, b]), L.Minimum()([a, b]),
            L.Concatenate()([a, b]), L.Dot(axes=1)([a, b]), L.Dot(axes=1, normalize=True)([a, b])]
    m = keras.Model([a, b], L.Dense(3)(L.Concatenate()(outs)), name="merging")
    add_case("merging", m, [f32(3, 4), f32(3, 4)])

    x = L.Input((3, 4, 4, 2))
    h = L.SpatialDropout3D(0.2)(x)
    h = L.TimeDistributed(L.SpatialDropout2D(0.2))(L.Reshape((3, 4, 4, 2))(h))
    m = keras.Model(x, L.Flatten()(h), name="spatial_dropout")
    add_case("spatial_dropout", m, f32(1, 3, 4, 4, 2))


def recurrent_cases():
    x = L.Input((5, 3))
    h = L.SimpleRNN(3, return_sequences=True)(x)
    h = L.GRU(3, reset_after=False, return_sequences=True)(h)
    h = L.LSTM(3, return_sequences=True, unit_forget_bias=False)(h)
    h = L.RNN(L.StackedRNNCells([L.SimpleRNNCell(2), L.GRUCell(2), L.LSTMCell(2)]), return_sequences=True)(h)
    h = L.TimeDistributed(L.Dense(2))(h)
    h = L.Bidirectional(L.GRU(2), merge_mode="sum")(h)
    m = keras.Model(x, L.Dense(1)(h), name="recurrent_more")
    add_case("recurrent_more", m, f32(2, 5, 3))

    # NOTE: Keras 3.15 records Masking's mask as graph operations (NotEqual, Any: keras.src.ops.numpy) passed to the RNN as `mask=`.
    x = L.Input((4, 2))
    m = keras.Model(x, L.LSTM(2)(L.Masking(0.0)(x)), name="masking_rnn")
    xin = f32(2, 4, 2)
    xin[0, 3] = 0.0
    add_case("masking_rnn", m, xin)

    a, b, c = L.Input((3, 5, 2)), L.Input((2, 4, 4, 1)), L.Input((2, 3, 3, 3, 1))
    h1 = L.Flatten()(L.ConvLSTM1D(2, 2)(a))
    h2 = L.Flatten()(L.ConvLSTM2D(2, 3, padding="same")(b))
    h3 = L.Flatten()(L.ConvLSTM3D(1, 2)(c))
    m = keras.Model([a, b, c], L.Dense(2)(L.Concatenate()([h1, h2, h3])), name="conv_lstm")
    add_case("conv_lstm", m, [f32(2, 3, 5, 2), f32(2, 2, 4, 4, 1), f32(2, 2, 3, 3, 3, 1)])


def attention_cases():
    q, v = L.Input((3, 4)), L.Input((2, 4))
    g = L.GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1)(q, v)
    mha = L.MultiHeadAttention(num_heads=2, key_dim=3, output_shape=(4,))(q, v)
    att = L.Attention(use_scale=True, score_mode="dot")([q, v])
    add = L.AdditiveAttention()([q, v])
    m = keras.Model([q, v], L.Concatenate()([g, mha, att, add]), name="attention_more")
    add_case("attention_more", m, [f32(2, 3, 4), f32(2, 2, 4)])


def preprocessing_cases():
    x = L.Input((3,))
    norm = L.Normalization()
    norm.adapt(f32(10, 3))
    n = norm(x)
    d = L.Discretization(bin_boundaries=[-0.5, 0.0, 0.5])(x)
    e = L.CategoryEncoding(num_tokens=4, output_mode="multi_hot")(d)
    r = L.Rescaling(scale=0.5, offset=1.0)(x)
    m = keras.Model(x, L.Concatenate()([n, e, r]), name="preprocess_numeric")
    add_case("preprocess_numeric", m, f32(4, 3))

    x = L.Input((8, 8, 3))
    h = L.Rescaling(1.0 / 255)(x)
    for layer in [L.RandomFlip(seed=1), L.RandomRotation(0.2, seed=1), L.RandomZoom(0.2, seed=1), L.RandomTranslation(0.1, 0.1, seed=1),
                  L.RandomContrast(0.2, seed=1), L.RandomBrightness(0.2, seed=1), L.RandomCrop(8, 8, seed=1), L.RandomGrayscale(seed=1),
                  L.RandomHue(0.1, seed=1), L.RandomSaturation(0.2, seed=1), L.RandomSharpness(0.2, seed=1), L.RandomShear(0.1, seed=1),
                  L.RandomColorDegeneration(0.2, seed=1), L.RandomColorJitter(seed=1), L.RandomPosterization(factor=(1, 4), value_range=(0, 1), seed=1),
                  L.RandomInvert(seed=1), L.RandomErasing(seed=1), L.RandomGaussianBlur(seed=1), L.RandomPerspective(seed=1),
                  L.RandomElasticTransform(seed=1), L.AutoContrast(), L.Solarization()]:
        # NOTE: a pass-through layer returns its input tensor, which Keras's graph calls a cycle; a linear Activation separates them.
        h = L.Activation("linear")(layer(h))
    h = L.CenterCrop(6, 6)(h)
    h = L.Resizing(4, 4)(h)
    m = keras.Model(x, h, name="preprocess_image")
    add_case("preprocess_image", m, rng.uniform(0, 255, size=(2, 8, 8, 3)).astype("float32"), tol=1e-4, legacy_h5=False,
             notes="random layers in inference (pass-through); AutoContrast, Resizing, CenterCrop deterministic. Equalization is left out: Keras 3.15's symbolic call of it returns its input (a graph cycle); legacy .h5 refused by Keras (a config deep copy fails on a module object)")

    x, xc = L.Input((64,)), L.Input((64, 1))
    s = L.STFTSpectrogram(frame_length=16, frame_step=8, fft_length=16)(xc)
    mel = L.MelSpectrogram(fft_length=32, sequence_stride=8, sampling_rate=800, num_mel_bins=4, min_freq=10.0, max_freq=400.0)(x)
    m = keras.Model([x, xc], [s, mel], name="audio")
    add_case("audio", m, [f32(2, 64), f32(2, 64, 1)], tol=1e-4, legacy_h5=False, to_json=False,
             notes="STFTSpectrogram's Fourier kernels are non-trainable weights")


def text_cases():
    try:
        import tensorflow  # noqa: F401
    except ImportError:
        return False
    words, ints, text, num = L.Input((3,), dtype="string"), L.Input((3,), dtype="int64"), L.Input((), dtype="string"), L.Input((), dtype="int64")
    sl = L.StringLookup(vocabulary=["a", "b", "c", "dé"], num_oov_indices=1)
    il = L.IntegerLookup(vocabulary=[4, 8, 15, 16], output_mode="multi_hot")
    hs = L.Hashing(num_bins=5, salt=7)
    hc = L.HashedCrossing(num_bins=6, output_mode="int")
    # NOTE: adapted vocabularies (not constructor lists) are what Keras stores as assets/ files.
    tv = L.TextVectorization(output_sequence_length=4)
    tv.adapt(["the cat sat on the mat", "the dog sat", "a cat"])
    sl2 = L.StringLookup(output_mode="count")
    sl2.adapt(np.array([["b", "a", "a"], ["c", "a", "b"]]))
    tv2 = L.TextVectorization(max_tokens=8, output_mode="tf_idf", vocabulary=["the", "cat", "sat"], idf_weights=[0.5, 1.0, 1.5])
    m = keras.Model([words, ints, text, num], [sl(words), il(ints), hs(words), hc([text, num]), tv(text), tv2(text), sl2(words)], name="text_layers")
    w = np.array([["a", "dé", "zz"], ["c", "b", "a"]])
    n = np.array([[4, 15, 3], [16, 16, 8]], dtype="int64")
    t = np.array(["the cat sat", "a Mat, the MAT"])
    k = np.array([3, 11], dtype="int64")
    # NOTE: the JAX backend's Functional call cannot take strings; each layer runs eagerly (TensorFlow string ops) on the same inputs.
    outs = [sl(w), il(n), hs(w), hc([t, k]), tv(t), tv2(t), sl2(w)]
    add_case("text_layers", m, [w, n, t, k], outputs=[np.asarray(o) for o in outs], legacy_h5=False, to_json=True,
             notes="vocabularies stored as assets/ in the .keras archive")
    return True


def lora_cases():
    x = L.Input((4, 6))
    h = L.Dense(5, lora_rank=2, lora_alpha=4.0)(x)
    h = L.EinsumDense("abc,cd->abd", output_shape=(4, 3), bias_axes="d", lora_rank=2)(h)
    h = L.Conv1D(2, 2, lora_rank=1)(h)
    ids = L.Input((2,), dtype="int32")
    e = L.Flatten()(L.Embedding(7, 3, lora_rank=2)(ids))
    m = keras.Model([x, ids], L.Concatenate()([L.Flatten()(h), e]), name="lora")
    # NOTE: LoRA B starts at zero; one training step makes the adapters contribute.
    m.compile(optimizer=keras.optimizers.SGD(0.5), loss="mse")
    xi, ii = f32(3, 4, 6), rng.integers(0, 7, size=(3, 2)).astype("int32")
    m.fit([xi, ii], f32(3, 12), epochs=1, verbose=0)
    add_case("lora", m, [xi, ii], notes="LoRA merged into kernel/embeddings on save (Keras save_own_variables); lora_rank kept in the config")


def keras2_optimizer_file():
    """A Keras 2 (tf.keras 2.15, legacy Adam) full-model .h5 with `optimizer_weights`, built with h5py
    following tf.keras's layout (no Keras 2 writer exists here), and what Keras 3's legacy loader does
    with it: `set_weights` pairs the saved list with its own variables in order and, on a shape
    mismatch, warns and keeps a fresh optimizer."""
    path = os.path.join(OUT, "keras2_adam.h5")
    rng2 = np.random.default_rng(7)
    k0, b0, k1, b1 = (rng2.normal(size=s).astype("float32") for s in [(3, 4), (4,), (4, 2), (2,)])
    layers_cfg = [
        {"class_name": "Dense", "config": {"name": "dense", "trainable": True, "batch_input_shape": [None, 3], "dtype": "float32", "units": 4, "activation": "relu", "use_bias": True,
                                           "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}}, "bias_initializer": {"class_name": "Zeros", "config": {}},
                                           "kernel_regularizer": None, "bias_regularizer": None, "activity_regularizer": None, "kernel_constraint": None, "bias_constraint": None}},
        {"class_name": "Dense", "config": {"name": "dense_1", "trainable": True, "dtype": "float32", "units": 2, "activation": "linear", "use_bias": True,
                                           "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}}, "bias_initializer": {"class_name": "Zeros", "config": {}},
                                           "kernel_regularizer": None, "bias_regularizer": None, "activity_regularizer": None, "kernel_constraint": None, "bias_constraint": None}},
    ]
    model_config = {"class_name": "Sequential", "config": {"name": "sequential", "layers": [{"class_name": "InputLayer", "config": {"batch_input_shape": [None, 3], "dtype": "float32", "sparse": False, "ragged": False, "name": "dense_input"}}] + layers_cfg}}
    training_config = {"loss": "mean_squared_error", "metrics": None, "weighted_metrics": None, "loss_weights": None, "sample_weight_mode": None,
                       "optimizer_config": {"class_name": "Adam", "config": {"name": "Adam", "learning_rate": 0.01, "decay": 0.0, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07, "amsgrad": False}}}
    with h5py.File(path, "w") as f:
        f.attrs["backend"] = "tensorflow"
        f.attrs["keras_version"] = "2.15.0"
        f.attrs["model_config"] = json.dumps(model_config).encode("utf8")
        f.attrs["training_config"] = json.dumps(training_config).encode("utf8")
        mw = f.create_group("model_weights")
        mw.attrs["layer_names"] = [b"dense_input", b"dense", b"dense_1"]
        mw.attrs["backend"] = b"tensorflow"
        mw.attrs["keras_version"] = b"2.15.0"
        mw.create_group("dense_input").attrs["weight_names"] = np.array([], dtype="S1")
        for lname, (k, b) in [("dense", (k0, b0)), ("dense_1", (k1, b1))]:
            g = mw.create_group(lname)
            g.attrs["weight_names"] = [f"{lname}/kernel:0".encode(), f"{lname}/bias:0".encode()]
            g.create_dataset(f"{lname}/kernel:0", data=k)
            g.create_dataset(f"{lname}/bias:0", data=b)
        # OptimizerV2 (legacy Adam) order: iterations, then every m slot, then every v slot.
        names, values = ["Adam/iter:0"], [np.array(5, dtype="int64")]
        for slot, scale in (("m", 0.1), ("v", 0.01)):
            for lname, arrs in (("dense", (k0, b0)), ("dense_1", (k1, b1))):
                for wname, a in zip(("kernel", "bias"), arrs):
                    names.append(f"Adam/{lname}/{wname}/{slot}:0")
                    values.append((np.abs(a) * scale).astype("float32"))
        ow = f.create_group("optimizer_weights")
        ow.attrs["weight_names"] = [n.encode() for n in names]
        for n, v in zip(names, values):
            ow.create_dataset(n, data=v)
    import logging

    logs = []
    handler = logging.Handler()
    handler.emit = lambda rec: logs.append(rec.getMessage())
    logging.getLogger().addHandler(handler)
    from absl import logging as absl_logging
    absl_logging.get_absl_logger().addHandler(handler)
    loaded = keras.saving.load_model(path, compile=True)
    x = rng2.normal(size=(2, 3)).astype("float32")
    CASES["keras2_adam"] = {
        "files": {"legacy_h5": "keras2_adam.h5"}, "classes": ["Dense"], "inputs": [arr(x)], "outputs": [arr(loaded(x))], "tolerance": 1e-6, "weights": [],
        "optimizer": {
            "saved_names": names,
            "keras3_variables": [{"path": v.path, "shape": list(v.shape), "value": arr(v)} for v in loaded.optimizer.variables],
            "keras3_warnings": [m for m in logs if "optimizer" in m],
        },
        "notes": "Keras 2 layout written with h5py (tf.keras 2.15 legacy Adam slot order); Keras 3 drops its optimizer state with a warning",
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    keras.utils.set_random_seed(2)
    old = {}
    index = os.path.join(OUT, "cases.json")
    if os.path.exists(index):
        old = json.load(open(index))["cases"]
    conv_cases()
    norm_cases()
    recurrent_cases()
    attention_cases()
    preprocessing_cases()
    lora_cases()
    keras2_optimizer_file()
    if not text_cases():
        print("tensorflow not installed: text_layers files left as they are")
        if "text_layers" in old:
            CASES["text_layers"] = old["text_layers"]
    with open(index, "w") as f:
        json.dump({"keras_version": keras.__version__, "backend": keras.backend.backend(), "cases": CASES}, f, indent=1)
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"wrote {len(CASES)} cases, {len(os.listdir(OUT))} files ({total} bytes) to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
