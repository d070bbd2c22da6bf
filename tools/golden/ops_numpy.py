"""Golden data for @kx/ops-numpy: keras.ops numpy/linalg/math/core ops run by the real Keras 3.

Writes packages/ops-numpy/test/golden/ops_numpy.json: one record per case with the op name, its
arguments (tensors with values/dtype/shape, weak Python scalars, plain JSON values), its keyword
arguments, and the result (values, dtype, shape; several for multi-output ops) or the error type.
Also writes the symbolic output dtypes of `compute_output_spec` for a dtype grid (promotion.json).

NaN/Inf are encoded as the strings "nan", "inf", "-inf".

Run: KERAS_BACKEND=jax .venv/bin/python tools/golden/ops_numpy.py
"""

import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import ops  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
from _common import golden_path, keras_op, nested  # noqa: E402
from ops_numpy_cases import build_cases  # noqa: E402
from ops_numpy_symbolic import build_symbolic_cases  # noqa: E402

OUT_DIR = golden_path("ops-numpy")


def enc_tensor(x):
    a = np.asarray(keras.ops.convert_to_numpy(x))
    return {"v": nested(a), "d": keras.backend.standardize_dtype(x.dtype), "s": list(a.shape)}


class T:
    """A tensor argument: numpy values and a dtype."""

    def __init__(self, values, dtype):
        self.values = np.asarray(values).astype(dtype) if dtype != "bfloat16" else np.asarray(values, dtype="float32")
        self.dtype = dtype

    def keras(self):
        return ops.convert_to_tensor(self.values, dtype=self.dtype)

    def enc(self):
        return {"t": {"v": nested(self.values), "d": self.dtype, "s": list(self.values.shape)}}


class Key:
    """An indexing key for get_item: a tuple of slices, ints, None, Ellipsis, index arrays (T or lists)."""

    def __init__(self, *items):
        self.items = items

    def enc(self):
        def e(i):
            if isinstance(i, slice):
                return {"s": [i.start, i.stop, i.step]}
            if i is None:
                return None
            if i is Ellipsis:
                return "..."
            if isinstance(i, T):
                return i.enc()
            if isinstance(i, list):
                return {"a": i}
            return i
        return {"key": [e(i) for i in self.items]}

    def keras(self):
        def k(i):
            if isinstance(i, T):
                return i.keras()
            if isinstance(i, list):
                return np.array(i)
            return i
        return tuple(k(i) for i in self.items)


def enc_arg(a):
    if isinstance(a, Key):
        return a.enc()
    if isinstance(a, T):
        return a.enc()
    if isinstance(a, bool):
        return {"b": a}
    if isinstance(a, (int, float)):
        return {"n": nested(a)}
    if isinstance(a, (list, tuple)) and any(isinstance(v, T) for v in a):
        return {"l": [enc_arg(v) for v in a]}
    if isinstance(a, tuple):
        return {"j": list(a)}
    return {"j": a}


def to_keras(a):
    if isinstance(a, Key):
        return a.keras()
    if isinstance(a, T):
        return a.keras()
    if isinstance(a, (list, tuple)) and any(isinstance(v, T) for v in a):
        return type(a)(to_keras(v) for v in a)
    return a


def enc_out(r):
    if isinstance(r, str):
        return {"py": r}
    if isinstance(r, (list, tuple)):
        return {"multi": [enc_out(v) for v in r]}
    if isinstance(r, (int, float, bool, np.integer, np.floating)) and not hasattr(r, "dtype"):
        return {"py": nested(r)}
    return enc_tensor(r)


def run_case(c):
    name, fn, args, kwargs = c["name"], c["fn"], c["args"], c.get("kwargs", {})
    rec = {"name": name, "op": c["op"], "args": [enc_arg(a) for a in args], "kwargs": {k: enc_arg(v) for k, v in kwargs.items()}}
    if c.get("grad"):
        rec["grad"] = True
    if c.get("tol"):
        rec["tol"] = c["tol"]
    if c.get("sort_last"):
        rec["sort_last"] = True
    try:
        kw = {k: (tuple(v) if k in ("axis", "axes") and isinstance(v, list) else to_keras(v)) for k, v in kwargs.items()}
        r = fn(*[to_keras(a) for a in args], **kw)
        rec["out"] = enc_out(r)
    except Exception as e:  # noqa: BLE001 - the error type is the golden value
        rec["error"] = type(e).__name__
        rec["message"] = str(e)[:300]
    return rec


DTYPES = ["bool", "int8", "int16", "int32", "uint8", "uint16", "uint32", "float16", "bfloat16", "float32", "int64", "float64"]


def promotion_grid():
    """Symbolic output dtypes (compute_output_spec) of representative ops for every input dtype."""
    unary = ["abs", "negative", "square", "sqrt", "exp", "log", "sin", "tanh", "floor", "ceil", "round", "sign", "mean",
             "sum", "prod", "var", "std", "max", "argmax", "cumsum", "reciprocal", "trunc", "log1p", "expm1", "isnan",
             "logical_not", "median", "nanmean", "nansum", "trace", "cbrt", "deg2rad", "i0", "fabs", "exp2", "sinc"]
    binary = ["add", "subtract", "multiply", "divide", "true_divide", "maximum", "minimum", "power", "floor_divide",
              "mod", "matmul", "dot", "equal", "arctan2", "hypot", "logaddexp", "heaviside", "outer", "where_xy"]
    out = {"unary": {}, "binary": {}, "weak": {}}
    kt = {d: keras.KerasTensor((2, 2), dtype=d) for d in DTYPES}
    for op in unary:
        out["unary"][op] = {}
        for d in DTYPES:
            x = kt[d]
            try:
                if op in ("trace",):
                    r = getattr(ops, op)(x)
                else:
                    r = getattr(ops, op)(x)
                out["unary"][op][d] = keras.backend.standardize_dtype(r.dtype)
            except Exception as e:  # noqa: BLE001
                out["unary"][op][d] = "error:" + type(e).__name__
    for op in binary:
        out["binary"][op] = {}
        for d1 in DTYPES:
            for d2 in DTYPES:
                try:
                    if op == "where_xy":
                        r = ops.where(keras.KerasTensor((2, 2), dtype="bool"), kt[d1], kt[d2])
                    else:
                        r = getattr(ops, op)(kt[d1], kt[d2])
                    out["binary"][op][d1 + "," + d2] = keras.backend.standardize_dtype(r.dtype)
                except Exception as e:  # noqa: BLE001
                    out["binary"][op][d1 + "," + d2] = "error:" + type(e).__name__
    for op in ["add", "multiply", "divide", "maximum", "power", "subtract"]:
        out["weak"][op] = {}
        for d in DTYPES:
            for s, tag in [(1, "int"), (1.5, "float"), (True, "bool")]:
                try:
                    r = getattr(ops, op)(kt[d], s)
                    out["weak"][op][d + "," + tag] = keras.backend.standardize_dtype(r.dtype)
                except Exception as e:  # noqa: BLE001
                    out["weak"][op][d + "," + tag] = "error:" + type(e).__name__
    return out


def random_golden():
    """keras.random with integer seeds and a SeedGenerator: exact numbers of Keras on JAX."""
    r = keras.random
    out = []

    def add(name, fn, **kw):
        try:
            out.append({"name": name, "kwargs": kw, "out": enc_tensor(fn())})
        except Exception as e:  # noqa: BLE001
            out.append({"name": name, "kwargs": kw, "error": type(e).__name__})

    for seed in (0, 42, 1337):
        add(f"uniform/{seed}", lambda: r.uniform((2, 5), seed=seed), shape=[2, 5], seed=seed)
        add(f"uniform-range/{seed}", lambda: r.uniform((7,), minval=-3.0, maxval=5.0, seed=seed), shape=[7], minval=-3.0, maxval=5.0, seed=seed)
        add(f"normal/{seed}", lambda: r.normal((3, 4), seed=seed), shape=[3, 4], seed=seed)
        add(f"normal-ms/{seed}", lambda: r.normal((5,), mean=2.0, stddev=0.5, seed=seed), shape=[5], mean=2.0, stddev=0.5, seed=seed)
        add(f"truncated_normal/{seed}", lambda: r.truncated_normal((3, 4), seed=seed), shape=[3, 4], seed=seed)
        add(f"randint/{seed}", lambda: r.randint((6,), 0, 10, seed=seed), shape=[6], minval=0, maxval=10, seed=seed)
        add(f"randint-neg/{seed}", lambda: r.randint((2, 3), -50, 1000, seed=seed), shape=[2, 3], minval=-50, maxval=1000, seed=seed)
        add(f"categorical/{seed}", lambda: r.categorical(np.array([[0.0, 1.0, 2.0], [3.0, 0.0, -1.0]], "float32"), 6, seed=seed), logits=[[0.0, 1.0, 2.0], [3.0, 0.0, -1.0]], num_samples=6, seed=seed)
        add(f"dropout/{seed}", lambda: r.dropout(np.arange(1, 13, dtype="float32").reshape(3, 4), 0.5, seed=seed), inputs="arange12", rate=0.5, seed=seed)
        add(f"dropout-ns/{seed}", lambda: r.dropout(np.ones((3, 4), "float32"), 0.3, noise_shape=(1, 4), seed=seed), inputs="ones34", rate=0.3, noise_shape=[1, 4], seed=seed)
        add(f"shuffle/{seed}", lambda: r.shuffle(np.arange(10, dtype="float32"), seed=seed), inputs="arange10", seed=seed)
        add(f"shuffle-2d/{seed}", lambda: r.shuffle(np.arange(12, dtype="float32").reshape(4, 3), axis=1, seed=seed), inputs="arange12x", axis=1, seed=seed)
        add(f"uniform-f16/{seed}", lambda: r.uniform((5,), dtype="float16", seed=seed), shape=[5], dtype="float16", seed=seed)
    gen = keras.random.SeedGenerator(7)
    seq = [enc_tensor(r.uniform((3,), seed=gen)) for _ in range(3)]
    out.append({"name": "seedgen/uniform-sequence", "kwargs": {"seed_generator": 7, "shape": [3]}, "outs": seq})
    gen = keras.random.SeedGenerator(11)
    seq = [enc_tensor(r.normal((2,), seed=gen)) for _ in range(2)]
    out.append({"name": "seedgen/normal-sequence", "kwargs": {"seed_generator": 11, "shape": [2]}, "outs": seq})
    return out


class KT:
    """A symbolic tensor argument (shape with None dims, dtype)."""

    def __init__(self, shape, dtype):
        self.shape = shape
        self.dtype = dtype


def symbolic_golden():
    out = []

    def enc(a):
        if isinstance(a, KT):
            return {"kt": {"s": list(a.shape), "d": a.dtype}}
        if isinstance(a, list) and any(isinstance(v, KT) for v in a):
            return {"l": [enc(v) for v in a]}
        if isinstance(a, tuple) and any(isinstance(v, slice) or v is None or v is Ellipsis for v in a):
            return Key(*a).enc()
        return enc_arg(a)

    def conv(a):
        if isinstance(a, KT):
            return keras.KerasTensor(a.shape, dtype=a.dtype)
        if isinstance(a, list) and any(isinstance(v, KT) for v in a):
            return [conv(v) for v in a]
        return a

    def spec(r):
        if isinstance(r, (list, tuple)):
            return {"multi": [spec(v) for v in r]}
        return {"s": list(r.shape), "d": keras.backend.standardize_dtype(r.dtype)}

    for op, args, kwargs in build_symbolic_cases(KT):
        fn = keras_op(ops, op)
        rec = {"name": f"{op}/{len(out)}", "op": op, "args": [enc(a) for a in args], "kwargs": {k: enc(v) for k, v in kwargs.items()}}
        try:
            kw = {k: (tuple(v) if k in ("axis", "axes") and isinstance(v, list) else v) for k, v in kwargs.items()}
            rec["out"] = spec(fn(*[conv(a) for a in args], **kw))
        except Exception as e:  # noqa: BLE001
            rec["error"] = type(e).__name__
            rec["message"] = str(e)[:200]
        out.append(rec)
    return out


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    groups = build_cases(T, np, Key)
    for group, cases in groups.items():
        records = [run_case(c) for c in cases]
        with open(os.path.join(OUT_DIR, f"ops_numpy_{group}.json"), "w") as f:
            json.dump({"keras": keras.__version__, "backend": keras.backend.backend(), "cases": records}, f, separators=(",", ":"))
        n_err = sum(1 for r in records if "error" in r)
        print(f"{group}: {len(records)} cases ({n_err} errors)")
    sym = symbolic_golden()
    with open(os.path.join(OUT_DIR, "symbolic.json"), "w") as f:
        json.dump({"keras": keras.__version__, "cases": sym}, f, separators=(",", ":"))
    print(f"symbolic: {len(sym)} cases ({sum(1 for r in sym if 'error' in r)} errors)")
    with open(os.path.join(OUT_DIR, "random.json"), "w") as f:
        json.dump({"keras": keras.__version__, "cases": random_golden()}, f, separators=(",", ":"))
    print("random written")
    with open(os.path.join(OUT_DIR, "promotion.json"), "w") as f:
        json.dump(promotion_grid(), f, separators=(",", ":"))
    print("promotion grid written")


if __name__ == "__main__":
    main()
