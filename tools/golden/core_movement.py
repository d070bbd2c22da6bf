"""Golden data for the @kx/core reduce, movement and indexing primitives.

Writes packages/core/test/golden/movement.json: one case per primitive call, with kx's primitive name and
params, the inputs, the outputs computed by jax.lax / jax.numpy (float64), and, for differentiable cases,
a random cotangent of output 0 with jax.vjp's gradients for the float inputs (`diff` lists which inputs).
gather/scatter use mode="clip" (kx clamps indices); sort indices come from a stable argsort (NaN last).
Non-finite numbers are written as the strings "NaN", "Infinity", "-Infinity".

Run: KERAS_BACKEND=jax .venv/bin/python tools/golden/core_movement.py
"""

import json
import os

from _common import enable_x64, golden_path, normal_source, num

jax = enable_x64()

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from jax import lax  # noqa: E402

OUT = golden_path("core", "movement.json")

_, rand = normal_source(20240613)


def arr(a, dtype=None):
    a = np.asarray(a)
    dt = dtype or ("int32" if a.dtype.kind in "iu" else "bool" if a.dtype.kind == "b" else "float64")
    return {"shape": list(a.shape), "dtype": dt, "data": [num(v, "NaN", "Infinity") for v in a.reshape(-1).tolist()]}


cases = []


def case(name, prim, params, fn, inputs, diff=()):
    """fn maps the inputs (numpy) to a tuple of outputs; diff lists the float inputs to differentiate."""
    outs = fn(*[jnp.asarray(x) for x in inputs])
    entry = {
        "name": name,
        "prim": prim,
        "params": params,
        "inputs": [arr(x) for x in inputs],
        "outputs": [arr(o) for o in outs],
    }
    if diff:
        def f(*xs):
            full = [jnp.asarray(x) for x in inputs]
            for k, x in zip(diff, xs):
                full[k] = x
            return fn(*full)[0]

        y, pull = jax.vjp(f, *[jnp.asarray(inputs[k]) for k in diff])
        ct = rand(*y.shape)
        grads = pull(jnp.asarray(ct))
        entry["diff"] = list(diff)
        entry["cotangent"] = arr(ct)
        entry["grads"] = [arr(g) for g in grads]
    cases.append(entry)


i32 = lambda v: np.asarray(v, dtype=np.int32)  # noqa: E731

# ---- movement ----
case("reshape", "reshape", {"newSizes": [3, -1]}, lambda x: (x.reshape(3, -1),), [rand(2, 6)], [0])
case("transpose 3d", "transpose", {"permutation": [2, 0, 1]}, lambda x: (lax.transpose(x, (2, 0, 1)),), [rand(2, 3, 4)], [0])
case(
    "broadcast_in_dim",
    "broadcast_in_dim",
    {"shape": [3, 2, 4], "broadcastDimensions": [1, 2]},
    lambda x: (lax.broadcast_in_dim(x, (3, 2, 4), (1, 2)),),
    [rand(2, 1)],
    [0],
)
case(
    "slice strided",
    "slice",
    {"startIndices": [1, 0], "limitIndices": [6, 5], "strides": [2, 3]},
    lambda x: (lax.slice(x, (1, 0), (6, 5), (2, 3)),),
    [rand(7, 5)],
    [0],
)
case(
    "dynamic_slice clamped",
    "dynamic_slice",
    {"sliceSizes": [2, 3]},
    lambda x, s: (lax.dynamic_slice(x, (s[0], s[1]), (2, 3)),),
    [rand(4, 5), i32([3, 4])],  # no negatives: jax wraps them before XLA clamps
    [0],
)
case(
    "dynamic_update_slice clamped",
    "dynamic_update_slice",
    {},
    lambda x, u, s: (lax.dynamic_update_slice(x, u, (s[0], s[1])),),
    [rand(4, 5), rand(2, 3), i32([1, 9])],
    [0, 1],
)
case(
    "pad negative and interior",
    "pad",
    {"lo": [1, -2], "hi": [-1, 2], "interior": [2, 1]},
    lambda x, p: (lax.pad(x, p, [(1, -1, 2), (-2, 2, 1)]),),
    [rand(3, 4), np.float64(0.5)],
    [0, 1],
)
case(
    "concatenate",
    "concatenate",
    {"dimension": 1},
    lambda a, b, c: (lax.concatenate([a, b, c], 1),),
    [rand(2, 1), rand(2, 3), rand(2, 2)],
    [0, 1, 2],
)
case("rev", "rev", {"dimensions": [0, 2]}, lambda x: (lax.rev(x, (0, 2)),), [rand(2, 3, 2)], [0])

# ---- reduce ----
x234 = rand(2, 3, 4)
for axes in ([1], [0, 2]):
    ax = tuple(axes)
    case(f"reduce_sum {axes}", "reduce_sum", {"axes": axes}, lambda x, ax=ax: (jnp.sum(x, ax),), [x234], [0])
    case(f"reduce_max {axes}", "reduce_max", {"axes": axes}, lambda x, ax=ax: (jnp.max(x, ax),), [x234], [0])
    case(f"reduce_min {axes}", "reduce_min", {"axes": axes}, lambda x, ax=ax: (jnp.min(x, ax),), [x234], [0])
    case(f"reduce_prod {axes}", "reduce_prod", {"axes": axes}, lambda x, ax=ax: (jnp.prod(x, ax),), [x234], [0])
ties = np.array([[1.0, 3.0, 3.0, 0.5], [2.0, 2.0, 2.0, -1.0]])
case("reduce_max ties", "reduce_max", {"axes": [1]}, lambda x: (jnp.max(x, 1),), [ties], [0])
zeros = np.array([[2.0, 0.0, 3.0, 5.0], [0.0, 1.5, 0.0, 2.0], [1.0, -2.0, 0.5, 3.0]])
case("reduce_prod zeros", "reduce_prod", {"axes": [1]}, lambda x: (jnp.prod(x, 1),), [zeros], [0])
with_nan = np.array([[1.0, np.nan, 3.0, np.nan], [4.0, -1.0, 4.0, -1.0]])
case("argmax nan", "argmax", {"axis": 1, "indexDtype": "int32"}, lambda x: (jnp.argmax(x, 1).astype(jnp.int32),), [with_nan])
case("argmin nan", "argmin", {"axis": 1, "indexDtype": "int32"}, lambda x: (jnp.argmin(x, 1).astype(jnp.int32),), [with_nan])
x34 = rand(3, 4)
for reverse in (False, True):
    for axis in (0, 1):
        p = {"axis": axis, "reverse": reverse}
        tag = f"axis {axis}{' reverse' if reverse else ''}"
        case(f"cumsum {tag}", "cumsum", p, lambda x, a=axis, r=reverse: (lax.cumsum(x, a, r),), [x34], [0])
        case(f"cumprod {tag}", "cumprod", p, lambda x, a=axis, r=reverse: (lax.cumprod(x, a, r),), [x34], [0])
        case(f"cummax {tag}", "cummax", p, lambda x, a=axis, r=reverse: (lax.cummax(x, a, r),), [x34], [0])
        case(f"cummin {tag}", "cummin", p, lambda x, a=axis, r=reverse: (lax.cummin(x, a, r),), [x34], [0])
    case(
        f"cumprod zeros{' reverse' if reverse else ''}",
        "cumprod",
        {"axis": 1, "reverse": reverse},
        lambda x, r=reverse: (lax.cumprod(x, 1, r),),
        [zeros],
        [0],
    )

# ---- indexing ----
idx = i32([[1, 0], [3, 3], [-1, 7]])
case("gather clip", "gather", {"axis": 1}, lambda x, i: (jnp.take(x, i, axis=1, mode="clip"),), [rand(2, 4, 2), idx], [0])
case(
    "scatter_add clip",
    "scatter_add",
    {"axis": 1},
    lambda x, i, u: (x.at[:, i].add(u, mode="clip"),),
    [rand(2, 4), i32([0, 2, 2, 9]), rand(2, 4)],
    [0, 2],
)
case(
    "scatter unique",
    "scatter",
    {"axis": 0},
    lambda x, i, u: (x.at[i].set(u, mode="clip"),),
    [rand(5, 2), i32([4, 0, 2]), rand(3, 2)],
    [0, 2],
)
sort_in = np.array([[3.0, np.nan, 1.0, 3.0, -np.inf, 0.5], [2.0, 2.0, -1.0, np.nan, np.nan, 7.0]])
for axis in (0, 1):
    case(
        f"sort axis {axis}",
        "sort",
        {"dimension": axis, "descending": False},
        lambda x, a=axis: (jnp.sort(x, axis=a), jnp.argsort(x, axis=a, stable=True).astype(jnp.int32)),
        [sort_in],
    )
case(
    "sort vjp",
    "sort",
    {"dimension": 0, "descending": False},
    lambda x: (jnp.sort(x, axis=0), jnp.argsort(x, axis=0, stable=True).astype(jnp.int32)),
    [rand(4, 3)],
    [0],
)
case("top_k nan", "top_k", {"k": 3}, lambda x: lax.top_k(x, 3), [sort_in])
case("top_k vjp", "top_k", {"k": 2}, lambda x: lax.top_k(x, 2), [rand(3, 5)], [0])
case(
    "iota",
    "iota",
    {"dtype": "int32", "shape": [2, 3, 2], "dimension": 1},
    lambda: (lax.broadcasted_iota(jnp.int32, (2, 3, 2), 1),),
    [],
)

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump({"generator": "tools/golden/core_movement.py", "jax": jax.__version__, "cases": cases}, f)
    f.write("\n")
print(f"wrote {len(cases)} cases to {os.path.normpath(OUT)}")
