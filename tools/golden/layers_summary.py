"""Golden text of Keras 3's `model.summary()` (captured with `print_fn`, i.e. rich rendered without a terminal).

Writes packages/layers/test/golden/layers_summary.json: for each model, the kx-side recipe name, the
summary options and the exact text Keras prints. Run: KERAS_BACKEND=jax .venv/bin/python tools/golden/layers_summary.py
"""

import json
import os

# Keras sizes the table from the terminal (shutil) and rich crops lines to the console; fix both to the
# 80 columns they have without a terminal, which is what kx reproduces.
os.environ["COLUMNS"] = "80"
os.environ["LINES"] = "24"

import keras  # noqa: E402
from keras import layers as L  # noqa: E402

from _common import golden_path  # noqa: E402

OUT = golden_path("layers", "layers_summary.json")


def sequential_mlp():
    return keras.Sequential([keras.Input((784,)), L.Dense(256, activation="relu", name="dense"), L.Dense(256, activation="relu", name="dense_1"),
                             L.Dense(10, activation="softmax", name="dense_2")], name="mlp")


def functional_merge():
    a = keras.Input((32,), name="input_a")
    b = keras.Input((16,), name="input_b")
    ha = L.Dense(8, name="dense_a")(a)
    hb = L.Dense(8, name="dense_b")(b)
    added = L.Add(name="add")([ha, hb])
    cat = L.Concatenate(name="concat")([added, hb])
    out = L.Dense(1, name="out")(cat)
    return keras.Model(inputs=[a, b], outputs=out, name="merge_model")


def nested():
    inner_in = keras.Input((6,), name="inner_in")
    inner = keras.Model(inner_in, L.Dense(4, name="inner_dense")(inner_in), name="inner")
    x = keras.Input((6,), name="outer_in")
    y = L.Dense(2, name="head")(inner(x))
    return keras.Model(x, y, name="outer")


def batchnorm():
    return keras.Sequential([keras.Input((28, 28, 3)), L.Conv2D(8, 3, name="conv"), L.BatchNormalization(name="bn"), L.Flatten(name="flat"),
                             L.Dense(10, name="logits")], name="bn_model")


def unbuilt():
    return keras.Sequential([L.Dense(4, name="d1"), L.Dense(2, name="d2")], name="unbuilt")


def frozen():
    m = keras.Sequential([keras.Input((5,)), L.Dense(3, name="f1"), L.Dense(3, name="f2")], name="frozen")
    m.layers[0].trainable = False
    return m


# recipe name, factory, summary kwargs
CASES = [
    ("sequential_mlp", sequential_mlp, {}),
    ("functional_merge", functional_merge, {}),
    ("nested", nested, {}),
    ("nested_expand", nested, {"expand_nested": True}),
    ("batchnorm", batchnorm, {}),
    ("unbuilt", unbuilt, {}),
    ("frozen_show_trainable", frozen, {"show_trainable": True}),
    ("mlp_line_length", sequential_mlp, {"line_length": 80}),
    ("merge_positions", functional_merge, {"line_length": 100, "positions": [0.3, 0.6, 0.7, 1.0]}),
]


def capture(model, kwargs):
    lines = []
    model.summary(print_fn=lambda s, line_break=None: lines.append(s), **kwargs)
    return "\n".join(lines)


def main():
    cases = []
    for name, make, kwargs in CASES:
        keras.utils.clear_session()
        cases.append({"name": name, "options": kwargs, "text": capture(make(), kwargs)})
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump({"keras_version": keras.__version__, "cases": cases}, f, indent=1, ensure_ascii=False)
    print(f"wrote {OUT}: {len(cases)} cases")


if __name__ == "__main__":
    main()
