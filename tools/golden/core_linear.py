"""Golden data for the @kx/core linear primitives.

Writes packages/core/test/golden/linear.json: jax.lax.dot_general, jax.lax.conv_general_dilated
(channels_last: NWC/WIO, NHWC/HWIO, NDHWC/DHWIO) and jax.lax.reduce_window (sum/max/min) on seeded
random float64 inputs, with their jax.vjp for a random cotangent. The conv VJP's lhs/rhs parts are the
values kx's conv_transpose_lhs / conv_transpose_rhs must produce; reduce_window max/min VJPs are
select_and_scatter_add.

Run: KERAS_BACKEND=jax .venv/bin/python tools/golden/core_linear.py
"""

import json
import os

from _common import enable_x64, golden_path, normal_source

jax = enable_x64()

import numpy as np  # noqa: E402
from jax import lax  # noqa: E402

OUT = golden_path("core", "linear.json")

rng, rand = normal_source(20240612)


def arr(a):
    a = np.asarray(a, dtype=np.float64)
    return {"shape": list(a.shape), "data": a.reshape(-1).tolist()}


def with_vjp(fn, *inputs):
    out, pull = jax.vjp(fn, *inputs)
    ct = rand(*out.shape)
    grads = pull(ct)
    return out, ct, grads


def dot_cases():
    specs = [
        ("matmul", (3, 4), (4, 5), ([1], [0]), ([], [])),
        ("batched matmul", (2, 3, 4), (2, 4, 5), ([2], [1]), ([0], [0])),
        ("two contracting dims, unsorted", (3, 4, 5), (5, 2, 4), ([1, 2], [2, 0]), ([], [])),
        ("batch dim not leading", (3, 2, 4), (4, 2, 5), ([2], [0]), ([1], [1])),
        ("vector dot", (4,), (4,), ([0], [0]), ([], [])),
        ("outer product", (3,), (2,), ([], []), ([], [])),
        ("two batch dims, swapped", (2, 3, 4, 5), (3, 2, 5, 6), ([3], [2]), ([0, 1], [1, 0])),
        ("contract first dims (x^T y)", (5, 3), (5, 2), ([0], [0]), ([], [])),
    ]
    cases = []
    for name, ls, rs, c, b in specs:
        x, y = rand(*ls), rand(*rs)
        dn = ((tuple(c[0]), tuple(c[1])), (tuple(b[0]), tuple(b[1])))
        out, ct, (gx, gy) = with_vjp(lambda x, y: lax.dot_general(x, y, dn), x, y)
        cases.append({
            "name": name, "contracting": c, "batch": b, "lhs": arr(x), "rhs": arr(y),
            "out": arr(out), "ct": arr(ct), "dlhs": arr(gx), "drhs": arr(gy),
        })
    return cases


DN = {1: ("NWC", "WIO", "NWC"), 2: ("NHWC", "HWIO", "NHWC"), 3: ("NDHWC", "DHWIO", "NDHWC")}


def conv_cases():
    # name, lhs shape, rhs shape, strides, padding, lhs_dilation, rhs_dilation, groups
    specs = [
        ("2d basic", (2, 5, 6, 3), (3, 3, 3, 4), (1, 1), ((0, 0), (0, 0)), (1, 1), (1, 1), 1),
        ("2d strided, padded, rhs-dilated", (2, 7, 6, 2), (3, 2, 2, 3), (2, 2), ((1, 1), (0, 2)), (1, 1), (2, 1), 1),
        ("2d groups", (2, 6, 5, 4), (3, 2, 2, 6), (1, 2), ((1, 0), (1, 1)), (1, 1), (1, 1), 2),
        ("2d lhs-dilated (transposed conv)", (1, 3, 4, 2), (3, 3, 2, 3), (1, 1), ((2, 2), (1, 1)), (2, 2), (1, 1), 1),
        ("2d negative padding", (2, 6, 6, 2), (2, 3, 2, 2), (1, 1), ((-1, 1), (0, -1)), (1, 1), (1, 1), 1),
        ("2d depthwise", (1, 5, 5, 3), (3, 3, 1, 6), (2, 1), ((1, 1), (1, 1)), (1, 1), (1, 1), 3),
        ("1d strided, dilated", (2, 9, 3), (4, 3, 2), (3,), ((2, 1),), (1,), (2,), 1),
        ("1d everything", (2, 6, 4), (3, 2, 4), (2,), ((3, -1),), (2,), (2,), 2),
        ("3d", (1, 4, 5, 3, 2), (2, 3, 2, 2, 3), (1, 2, 1), ((0, 1), (1, 1), (0, 0)), (1, 1, 2), (1, 1, 1), 1),
    ]
    cases = []
    for name, ls, rs, st, pad, ld, rd, g in specs:
        x, w = rand(*ls), rand(*rs)
        s = len(ls) - 2

        def f(x, w, st=st, pad=pad, ld=ld, rd=rd, g=g, s=s):
            return lax.conv_general_dilated(
                x, w, window_strides=st, padding=pad, lhs_dilation=ld, rhs_dilation=rd,
                dimension_numbers=DN[s], feature_group_count=g, precision=lax.Precision.HIGHEST,
            )

        out, ct, (gx, gw) = with_vjp(f, x, w)
        cases.append({
            "name": name, "windowStrides": list(st), "padding": [list(p) for p in pad],
            "lhsDilation": list(ld), "rhsDilation": list(rd), "featureGroupCount": g,
            "lhs": arr(x), "rhs": arr(w), "out": arr(out), "ct": arr(ct), "dlhs": arr(gx), "drhs": arr(gw),
        })
    return cases


def window_cases():
    specs = [
        ("sum 2x2/2", "sum", (2, 4, 6, 3), (1, 2, 2, 1), (1, 2, 2, 1), ((0, 0),) * 4, False),
        ("max 3x3/2 padded", "max", (2, 5, 5, 2), (1, 3, 3, 1), (1, 2, 2, 1), ((0, 0), (1, 1), (1, 1), (0, 0)), False),
        ("min 2x3 strides (1,2) padded", "min", (2, 4, 5, 2), (1, 2, 3, 1), (1, 1, 2, 1), ((0, 0), (0, 1), (1, 0), (0, 0)), False),
        ("max with ties", "max", (1, 4, 4, 2), (1, 2, 2, 1), (1, 1, 1, 1), ((0, 0),) * 4, True),
        ("min with ties, overlapping", "min", (1, 5, 4, 1), (1, 3, 2, 1), (1, 1, 2, 1), ((0, 0), (1, 1), (0, 1), (0, 0)), True),
        ("sum 1d padded", "sum", (2, 7, 3), (1, 3, 1), (1, 2, 1), ((0, 0), (1, 2), (0, 0)), False),
        ("sum large padding", "sum", (1, 3, 2), (1, 2, 1), (1, 3, 1), ((0, 0), (4, 3), (0, 0)), False),
        ("max over batch and channels", "max", (3, 4, 4, 4), (2, 2, 2, 2), (1, 2, 2, 2), ((0, 0),) * 4, False),
        ("sum 3d", "sum", (1, 4, 3, 4, 2), (1, 2, 2, 2, 1), (1, 2, 1, 2, 1), ((0, 0), (0, 0), (1, 0), (0, 1), (0, 0)), False),
        ("max 3d", "max", (1, 4, 3, 4, 2), (1, 2, 2, 3, 1), (1, 1, 1, 2, 1), ((0, 0), (0, 1), (1, 0), (1, 1), (0, 0)), False),
    ]
    ops = {"sum": (0.0, lax.add), "max": (-np.inf, lax.max), "min": (np.inf, lax.min)}
    cases = []
    for name, comp, shape, win, st, pad, ties in specs:
        x = rng.integers(0, 3, shape).astype(np.float64) if ties else rand(*shape)
        init, op = ops[comp]

        def f(x, win=win, st=st, pad=pad, init=init, op=op):
            return lax.reduce_window(x, init, op, win, st, pad)

        out, ct, (gx,) = with_vjp(f, x)
        cases.append({
            "name": name, "computation": comp, "windowDimensions": list(win), "windowStrides": list(st),
            "padding": [list(p) for p in pad], "operand": arr(x), "out": arr(out), "ct": arr(ct), "doperand": arr(gx),
        })
    return cases


def main():
    data = {
        "generator": "tools/golden/core_linear.py",
        "jax": jax.__version__,
        "dot_general": dot_cases(),
        "conv": conv_cases(),
        "reduce_window": window_cases(),
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(data, f)
    print("wrote", os.path.normpath(OUT))


if __name__ == "__main__":
    main()
