"""Interop check for @kx/layers saving of preprocessing state: Python Keras 3 (JAX backend, with TensorFlow
installed, which Keras's lookup/text/hashing layers call) loads `.keras` files written by kx, runs them, and
saves them again for kx to reload.

Called by packages/layers/test/saving-interop-tf.test.ts with a manifest:
  {"cases": [{"name", "file": <kx-written .keras>, "resave": <path for Python's .keras>,
              "inputs": [{"dtype", "shape", "data"}]}]}
(`dtype` "string" inputs carry their data as a flat list of str.) A file holding a single layer (not a model)
is called on the first input. Prints one JSON object
  {"keras_version", "tensorflow_version", "results": {name: {"outputs": [{"dtype", "shape", "data"}]} | {"error"}}}
on stdout, where string outputs come back as lists of str.

Runs on the backend KERAS_BACKEND names (default jax). Functional models with string inputs need
KERAS_BACKEND=tensorflow: Keras on JAX converts a Functional's inputs to JAX arrays, and JAX has no strings.

Run: KERAS_BACKEND=jax .venv-tf/bin/python tools/golden/saving_interop_tf.py manifest.json
"""

import json
import os
import sys
import traceback

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402


def arr(a):
    if isinstance(a, tf.Tensor):
        a = a.numpy()
    a = np.asarray(a)
    if a.dtype.kind in "OSU":
        flat = [v.decode("utf-8") if isinstance(v, bytes) else str(v) for v in a.reshape(-1).tolist()]
        return {"dtype": "string", "shape": list(a.shape), "data": flat}
    return {"dtype": str(a.dtype), "shape": list(a.shape), "data": a.astype(np.float64).reshape(-1).tolist()}


def decode_input(i):
    if i["dtype"] == "string":
        # Keras's text layers take string tensors.
        return tf.constant(np.array(i["data"], dtype=object).reshape(i["shape"]))
    return np.array(i["data"], dtype=i["dtype"]).reshape(i["shape"])


def call_layer(layer, x):
    try:
        return layer(x)
    except TypeError as e:
        # JAX has no string arrays: a layer with string outputs (an inverted StringLookup) runs, as Keras
        # documents for preprocessing layers, inside a tf.data pipeline, where its tf outputs stay tf tensors.
        if "string arrays" not in str(e):
            raise
        return next(iter(tf.data.Dataset.from_tensors(x).map(layer)))


def main():
    manifest = json.load(open(sys.argv[1]))
    results = {}
    for case in manifest["cases"]:
        try:
            obj = keras.saving.load_model(case["file"])
            ins = [decode_input(i) for i in case["inputs"]]
            if isinstance(obj, keras.Model):
                out = obj(ins[0] if len(ins) == 1 else ins, training=False)
            else:
                out = call_layer(obj, ins[0])
            outs = out if isinstance(out, (list, tuple)) else [out]
            keras.saving.save_model(obj, case["resave"])
            results[case["name"]] = {"outputs": [arr(o) for o in outs], "class_name": type(obj).__name__}
        except Exception as e:  # noqa: BLE001
            results[case["name"]] = {"error": f"{type(e).__name__}: {e}", "trace": traceback.format_exc()[-2000:]}
    print(json.dumps({"keras_version": keras.__version__, "tensorflow_version": tf.__version__, "backend": keras.backend.backend(), "results": results}))


if __name__ == "__main__":
    main()
