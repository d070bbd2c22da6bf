"""Golden data for @kx/core's Threefry generator and SeedGenerator.

Writes packages/core/test/golden/random.json: Threefry-2x32 known answers, jax.random.PRNGKey,
jax.random.bits / uniform / split / fold_in on raw uint32[2] keys in both `jax_threefry_partitionable`
layouts (the default of this JAX is recorded), and Keras's SeedGenerator states and
keras.random.uniform draws on the JAX backend.

Also writes packages/ops-numpy/test/golden/random_dists.json: keras.random.gamma / beta / binomial /
randint / shuffle on JAX (integer seeds and SeedGenerator sequences), the draws whose algorithms loop
or split keys (jax.random.gamma's Marsaglia-Tsang loops, loggamma-based beta, inversion / BTRS binomial,
randint's two-key draw, permutation's sort rounds).

Run: KERAS_BACKEND=jax .venv/bin/python tools/golden/core_random.py
"""

import json
import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
from jax._src.random import threefry2x32 as tf  # noqa: E402

OUT = os.path.join(
    os.path.dirname(__file__), "..", "..", "packages", "core", "test", "golden", "random.json"
)

KEYS = [[0, 0], [0, 42], [42, 0], [0xFFFFFFFF, 0xFFFFFFFF], [0x13198A2E, 0x03707344], [7, 1]]
SHAPES = [[], [1], [5], [2, 3], [3, 1, 4], [33]]


def key_of(words):
    return jnp.asarray(np.array(words, dtype=np.uint32))


def floats(a):
    return [float(v) for v in np.asarray(a, dtype=np.float64).ravel()]


def ints(a):
    return [int(v) for v in np.asarray(a).ravel()]


def draws():
    out = {"bits": [], "bits16": [], "bits8": [], "uniform": [], "split": [], "fold_in": []}
    for k in KEYS:
        key = key_of(k)
        for s in SHAPES:
            out["bits"].append({"key": k, "shape": s, "values": ints(jax.random.bits(key, tuple(s), jnp.uint32))})
            out["bits16"].append({"key": k, "shape": s, "values": ints(jax.random.bits(key, tuple(s), jnp.uint16))})
            out["bits8"].append({"key": k, "shape": s, "values": ints(jax.random.bits(key, tuple(s), jnp.uint8))})
            for dtype in ["float32", "float16", "bfloat16"]:
                u = jax.random.uniform(key, tuple(s), dtype=dtype)
                out["uniform"].append({"key": k, "shape": s, "dtype": dtype, "values": floats(u)})
        for num in [1, 2, 3, 5]:
            out["split"].append({"key": k, "num": num, "keys": np.asarray(jax.random.split(key, num)).tolist()})
        for data in [0, 1, 7, 12345, 0xFFFFFFFF]:
            out["fold_in"].append({"key": k, "data": data, "out": ints(jax.random.fold_in(key, np.uint32(data)))})
    jax.config.update("jax_enable_x64", True)
    try:
        for k in KEYS:
            for s in SHAPES:
                u = jax.random.uniform(key_of(k), tuple(s), dtype=jnp.float64)
                out["uniform"].append({"key": k, "shape": s, "dtype": "float64", "values": floats(u)})
    finally:
        jax.config.update("jax_enable_x64", False)
    return out


def kat():
    # Random123's published Threefry-2x32-20 known answers, checked here against JAX's own hash.
    cases = [
        ([0, 0], [0, 0], [0x6B200159, 0x99BA4EFE]),
        ([0xFFFFFFFF, 0xFFFFFFFF], [0xFFFFFFFF, 0xFFFFFFFF], [0x1CB996FC, 0xBB002BE7]),
        ([0x13198A2E, 0x03707344], [0x243F6A88, 0x85A308D3], [0xC4923A9C, 0x483DF7A0]),
    ]
    out = []
    for key, ctr, want in cases:
        got = ints(tf.threefry_2x32(np.uint32(key), np.uint32(ctr)))
        assert got == want, (key, ctr, got, want)
        out.append({"key": key, "ctr": ctr, "out": got})
    return out


def keras_part():
    res = {"uniform_int_seed": [], "seed_generator": [], "draw_seed": []}
    for seed in [0, 1, 42, 1337, 2**31 + 5]:
        for shape, dtype in [((3,), "float32"), ((2, 4), "float32"), ((5,), "float16"), ((5,), "bfloat16")]:
            u = keras.random.uniform(shape, seed=seed, dtype=dtype)
            res["uniform_int_seed"].append({"seed": seed, "shape": list(shape), "dtype": dtype, "values": floats(u)})
        res["draw_seed"].append({"seed": seed, "key": ints(keras.src.random.seed_generator.draw_seed(seed))})
    for seed in [0, 42, 1337]:
        sg = keras.random.SeedGenerator(seed=seed)
        steps = []
        for _ in range(3):
            state = ints(sg.state.value)
            key = ints(sg.next())
            steps.append({"state": state, "key": key})
        sg2 = keras.random.SeedGenerator(seed=seed)
        u = [floats(keras.random.uniform((4,), seed=sg2)) for _ in range(3)]
        sg3 = keras.random.SeedGenerator(seed=seed)
        unordered = []
        for _ in range(3):
            unordered.append(ints(sg3.next(ordered=False)))
        res["seed_generator"].append({
            "seed": seed, "dtype": str(sg.state.dtype), "steps": steps, "uniform4": u,
            "unordered_keys": unordered, "state_after_unordered": ints(sg3.state.value),
        })
    return res


DISTS_OUT = os.path.join(
    os.path.dirname(__file__), "..", "..", "packages", "ops-numpy", "test", "golden", "random_dists.json"
)


def dists():
    r = keras.random
    out = []

    def add(op, kwargs, fn):
        v = np.asarray(fn())
        out.append({"op": op, "kwargs": kwargs, "dtype": str(v.dtype), "shape": list(v.shape),
                    "values": floats(v) if v.dtype.kind == "f" else ints(v)})

    for seed in (0, 42, 1337):
        for alpha in (0.05, 0.3, 0.5, 1.0, 2.5, 7.0):
            add("gamma", {"shape": [2, 5], "alpha": alpha, "seed": seed}, lambda: r.gamma((2, 5), alpha, seed=seed))
        add("gamma", {"shape": [3], "alpha": 0.7, "seed": seed, "dtype": "float16"}, lambda: r.gamma((3,), 0.7, dtype="float16", seed=seed))
        for a, b in ((0.5, 0.5), (2.0, 5.0), (0.2, 1.0), (1.0, 1.0), (9.0, 0.3)):
            add("beta", {"shape": [2, 4], "alpha": a, "beta": b, "seed": seed}, lambda: r.beta((2, 4), a, b, seed=seed))
        add("beta", {"shape": [3], "alpha": [0.5, 2.0, 4.0], "beta": 1.5, "seed": seed}, lambda: r.beta((3,), [0.5, 2.0, 4.0], 1.5, seed=seed))
        for n, p in ((10, 0.3), (5, 0.5), (20, 0.7), (100, 0.4), (1000, 0.9), (40, 0.05), (0, 0.3), (7, 1.0)):
            add("binomial", {"shape": [2, 4], "counts": n, "probabilities": p, "seed": seed}, lambda: r.binomial((2, 4), n, p, seed=seed))
        add("binomial", {"shape": [4], "counts": [3.0, 50.0, 200.0, 12.0], "probabilities": [0.2, 0.5, 0.6, 0.9], "seed": seed},
            lambda: r.binomial((4,), [3.0, 50.0, 200.0, 12.0], [0.2, 0.5, 0.6, 0.9], seed=seed))
        add("binomial", {"shape": [3], "counts": 30, "probabilities": 0.4, "seed": seed, "dtype": "float16"}, lambda: r.binomial((3,), 30, 0.4, dtype="float16", seed=seed))
        for shape, lo, hi, dtype in (([7], 0, 2**20, "int32"), ([2, 3], -7, 7, "int32"), ([5], 0, 256, "uint8"), ([4], -100, 100, "int16"), ([3], 5, 5, "int32"),
                                      ([6], -3, 1000000, "int32"), ([5], 0, 2**30 + 7, "int32"), ([4], 0, 40000, "uint16"), ([4], 7, 65543, "int32"), ([3], -2**31, 2**31 - 1, "int32")):
            add("randint", {"shape": shape, "minval": lo, "maxval": hi, "dtype": dtype, "seed": seed},
                lambda: r.randint(tuple(shape), lo, hi, dtype=dtype, seed=seed))
        add("shuffle", {"n": 2000, "seed": seed}, lambda: r.shuffle(np.arange(2000, dtype="int32"), seed=seed))
        add("shuffle", {"n": 6, "rows": 3, "axis": 1, "seed": seed}, lambda: r.shuffle(np.arange(18, dtype="float32").reshape(3, 6), axis=1, seed=seed))
    for op, kwargs, fn in (
        ("gamma", {"shape": [4], "alpha": 0.6}, lambda g: r.gamma((4,), 0.6, seed=g)),
        ("beta", {"shape": [4], "alpha": 2.0, "beta": 3.0}, lambda g: r.beta((4,), 2.0, 3.0, seed=g)),
        ("binomial", {"shape": [4], "counts": 30, "probabilities": 0.5}, lambda g: r.binomial((4,), 30, 0.5, seed=g)),
        ("randint", {"shape": [4], "minval": 0, "maxval": 9}, lambda g: r.randint((4,), 0, 9, seed=g)),
        ("shuffle", {"n": 8}, lambda g: r.shuffle(np.arange(8, dtype="float32"), seed=g)),
    ):
        g = keras.random.SeedGenerator(seed=99)
        for step in range(3):
            add(op, {**kwargs, "seed_generator": 99, "step": step}, lambda: fn(g))
    return out


def main():
    default_partitionable = bool(jax.config.jax_threefry_partitionable)
    modes = {}
    for part in [True, False]:
        jax.config.update("jax_threefry_partitionable", part)
        modes["partitionable" if part else "original"] = draws()
    jax.config.update("jax_threefry_partitionable", default_partitionable)
    prngkey = [{"seed": s, "key": ints(jax.random.key_data(jax.random.PRNGKey(s)))}
               for s in [0, 1, 42, -1, 2**31, 2**32 + 5]]
    data = {
        "versions": {"jax": jax.__version__, "keras": keras.__version__},
        "default_partitionable": default_partitionable,
        "kat": kat(),
        "prngkey": prngkey,
        "modes": modes,
        "keras": keras_part(),
    }
    with open(OUT, "w") as f:
        json.dump(data, f)
    print("wrote", os.path.relpath(OUT), "default partitionable:", default_partitionable)
    cases = dists()
    with open(DISTS_OUT, "w") as f:
        json.dump({"versions": {"jax": jax.__version__, "keras": keras.__version__}, "cases": cases}, f, separators=(",", ":"))
    print("wrote", os.path.relpath(DISTS_OUT), len(cases), "cases")


if __name__ == "__main__":
    main()
