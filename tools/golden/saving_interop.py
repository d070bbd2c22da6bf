"""Interop check for @kx/layers saving: Python Keras 3 loads files written by kx and predicts.

Called by packages/layers/test/saving-interop.test.ts with a manifest:
  {"cases": [{"name", "kind": "keras"|"weights"|"sharded"|"legacy_h5", "file", "model": <.keras for weights kinds>,
              "inputs": [{"dtype", "shape", "data"}]}]}
Prints one JSON object {"keras_version", "results": {name: {"outputs": [...]} | {"error": "..."}}} on stdout.

Run: KERAS_BACKEND=jax .venv/bin/python tools/golden/saving_interop.py manifest.json
"""

import json
import os
import sys
import traceback

os.environ.setdefault("KERAS_BACKEND", "jax")

import numpy as np  # noqa: E402
import keras  # noqa: E402


def arr(a):
    a = np.asarray(a)
    return {"dtype": str(a.dtype), "shape": list(a.shape), "data": a.astype(np.float64).reshape(-1).tolist()}


def main():
    manifest = json.load(open(sys.argv[1]))
    results = {}
    for case in manifest["cases"]:
        try:
            kind = case["kind"]
            if kind in ("keras", "legacy_h5"):
                model = keras.saving.load_model(case["file"])
            else:
                model = keras.saving.load_model(case["model"])
                for v in model.weights:
                    v.assign(np.zeros(v.shape, dtype=v.dtype))
                model.load_weights(case["file"])
            ins = [np.array(i["data"], dtype=i["dtype"]).reshape(i["shape"]) for i in case["inputs"]]
            out = model(ins[0] if len(ins) == 1 else ins, training=False)
            outs = out if isinstance(out, (list, tuple)) else [out]
            results[case["name"]] = {"outputs": [arr(o) for o in outs], "compiled": bool(getattr(model, "compiled", False))}
        except Exception as e:  # noqa: BLE001
            results[case["name"]] = {"error": f"{type(e).__name__}: {e}", "trace": traceback.format_exc()[-2000:]}
    print(json.dumps({"keras_version": keras.__version__, "results": results}))


if __name__ == "__main__":
    main()
