"""Golden model files for @kx/layers saving: written by the real Keras 3 (JAX backend).

Writes packages/layers/test/golden/saving/:
  <case>.keras            model.save() (native format; several cases compiled + trained one step,
                          so optimizer state is stored under optimizer/vars/N)
  <case>.weights.h5       model.save_weights()
  <case>.h5               model.save() in the legacy HDF5 format (some cases)
  <case>.json             model.to_json() (some cases)
  <case>.weights.json + <case>_0000N.weights.h5   sharded save_weights (one case)
  cases.json              per case: the files, the layer classes it needs, input(s), Keras's outputs,
                          tolerance, and the stored weight paths (h5 dataset paths with shapes)
Inputs are random with a fixed seed; outputs come only from Keras (inference mode).
Every other layer kind (and LoRA, text assets, a Keras 2 optimizer-state file) is in
tools/golden/saving_kinds.py, which writes test/golden/saving/kinds/ and leaves these files alone.

Run: KERAS_BACKEND=jax .venv/bin/python tools/golden/saving.py
"""

import io
import json
import os
import zipfile

os.environ.setdefault("KERAS_BACKEND", "jax")

import h5py  # noqa: E402
import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402

OUT = os.path.join(
    os.path.dirname(__file__), "..", "..", "packages", "layers", "test", "golden", "saving"
)
rng = np.random.default_rng(20261124)
CASES = {}


def arr(a):
    a = np.asarray(a)
    return {"dtype": str(a.dtype), "shape": list(a.shape), "data": a.astype(np.float64).reshape(-1).tolist()}


def h5_paths(h5file):
    out = []

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            out.append({"path": name, "shape": list(obj.shape), "dtype": str(obj.dtype), "attrs": {k: str(v) for k, v in obj.attrs.items()}})

    h5file.visititems(visit)
    return out


def train_one_step(model, x, y, loss="mse"):
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss=loss)
    model.fit(x, y, epochs=1, batch_size=len(x), verbose=0)


def add_case(name, model, inputs, classes, *, weights_h5=False, legacy_h5=False, to_json=False, sharded=False, tol=1e-5, notes=""):
    path = lambda ext: os.path.join(OUT, name + ext)  # noqa: E731
    outputs = model(inputs, training=False) if not isinstance(inputs, list) else model(inputs, training=False)
    outs = [np.asarray(o) for o in (outputs if isinstance(outputs, (list, tuple)) else [outputs])]
    model.save(path(".keras"))
    files = {"keras": name + ".keras"}
    if weights_h5:
        model.save_weights(path(".weights.h5"))
        files["weights"] = name + ".weights.h5"
    if legacy_h5:
        model.save(path(".h5"))
        files["legacy_h5"] = name + ".h5"
    if to_json:
        with open(path(".json"), "w") as f:
            f.write(model.to_json())
        files["json"] = name + ".json"
    if sharded:
        # NOTE: a tiny shard size (in GB) forces one shard per few variables.
        model.save_weights(path(".weights.json"), max_shard_size=300 / 1024**3)
        files["sharded"] = name + ".weights.json"
    with zipfile.ZipFile(path(".keras")) as z:
        weights = h5_paths(h5py.File(io.BytesIO(z.read("model.weights.h5")), "r"))
    ins = inputs if isinstance(inputs, list) else [inputs]
    CASES[name] = {
        "files": files,
        "classes": classes,
        "inputs": [arr(i) for i in ins],
        "outputs": [arr(o) for o in outs],
        "tolerance": tol,
        "weights": weights,
        "notes": notes,
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        os.remove(os.path.join(OUT, f))
    keras.utils.set_random_seed(1)

    # 1. Sequential MLP, compiled and trained one step (Adam state in optimizer/vars).
    x = rng.normal(size=(4, 6)).astype("float32")
    m = keras.Sequential([keras.Input((6,)), layers.Dense(8, activation="relu"), layers.Dense(5, activation="softmax")], name="mlp")
    train_one_step(m, x, np.eye(5, dtype="float32")[[0, 1, 2, 3]], loss="categorical_crossentropy")
    add_case("mlp_sequential", m, x, ["Dense"], weights_h5=True, legacy_h5=True, to_json=True, sharded=True,
             notes="compiled with Adam(0.01), one training step")

    # 2. Functional graph: shared input, Add, Concatenate, two outputs.
    inp = keras.Input((5,), name="features")
    a = layers.Dense(4, activation="tanh")(inp)
    b = layers.Dense(4)(inp)
    s = layers.Add()([a, b])
    c = layers.Concatenate()([s, a])
    o1 = layers.Dense(3, activation="sigmoid", name="head_a")(c)
    o2 = layers.Dense(2, name="head_b")(s)
    m = keras.Model(inp, [o1, o2], name="two_heads")
    add_case("functional_merge", m, rng.normal(size=(3, 5)).astype("float32"), ["Dense", "Add", "Concatenate"], weights_h5=True, legacy_h5=True, to_json=True)

    # 3. Embedding → Flatten → Dense with int inputs.
    m = keras.Sequential([keras.Input((4,), dtype="int32"), layers.Embedding(12, 3), layers.Flatten(), layers.Dense(2)])
    add_case("embedding_flatten", m, rng.integers(0, 12, size=(3, 4)).astype("int32"), ["Embedding", "Flatten", "Dense"], to_json=True)

    # 4. EinsumDense + PReLU + Reshape.
    m = keras.Sequential([keras.Input((2, 3)), layers.EinsumDense("abc,cd->abd", output_shape=(2, 4), bias_axes="d"), layers.PReLU(), layers.Reshape((8,)), layers.Dense(1)])
    add_case("einsum_prelu", m, rng.normal(size=(2, 2, 3)).astype("float32"), ["EinsumDense", "PReLU", "Reshape", "Dense"])

    # 5. The MNIST-style convnet (Conv2D, MaxPooling2D, BatchNormalization, Dropout), trained one step.
    x = rng.normal(size=(2, 12, 12, 1)).astype("float32")
    m = keras.Sequential([
        keras.Input((12, 12, 1)), layers.Conv2D(4, 3, activation="relu"), layers.BatchNormalization(), layers.MaxPooling2D(2),
        layers.Conv2D(6, 3, padding="same", activation="relu"), layers.Flatten(), layers.Dropout(0.25), layers.Dense(3, activation="softmax"),
    ], name="convnet")
    train_one_step(m, x, np.eye(3, dtype="float32")[[0, 2]], loss="categorical_crossentropy")
    add_case("convnet", m, x, ["Conv2D", "BatchNormalization", "MaxPooling2D", "Flatten", "Dropout", "Dense"], weights_h5=True, legacy_h5=True,
             notes="compiled with Adam(0.01), one training step; BatchNormalization moving stats updated")

    # 6. Recurrent: Embedding → GRU (reset_after=True, Keras 3 default) and LSTM, Bidirectional.
    m = keras.Sequential([keras.Input((5,), dtype="int32"), layers.Embedding(10, 4), layers.GRU(3, return_sequences=True), layers.Bidirectional(layers.LSTM(2)), layers.Dense(1)])
    add_case("recurrent", m, rng.integers(0, 10, size=(2, 5)).astype("int32"), ["Embedding", "GRU", "Bidirectional", "LSTM", "Dense"], tol=1e-5)

    # 7. Attention: MultiHeadAttention (weights under private attributes, e.g. _query_dense) + LayerNormalization.
    q = keras.Input((3, 4))
    h = layers.MultiHeadAttention(num_heads=2, key_dim=2)(q, q)
    h = layers.LayerNormalization()(layers.Add()([q, h]))
    m = keras.Model(q, h, name="attention")
    add_case("attention", m, rng.normal(size=(2, 3, 4)).astype("float32"), ["MultiHeadAttention", "LayerNormalization", "Add"])

    # 8. Mixed dtypes: float16 and bfloat16 variables.
    m = keras.Sequential([keras.Input((3,)), layers.Dense(4, dtype="float16"), layers.Dense(2, dtype="bfloat16")])
    add_case("dtypes", m, rng.normal(size=(2, 3)).astype("float32"), ["Dense"], weights_h5=True, tol=2e-2,
             notes="float16 and bfloat16 variables (bfloat16 stored as uint16 + dtype attribute)")

    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump({"keras_version": keras.__version__, "backend": keras.backend.backend(), "cases": CASES}, f, indent=1)
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"wrote {len(os.listdir(OUT))} files ({total} bytes) to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
