"""Golden data for @kx/backend-conformance: every conformance case evaluated by the real JAX.

Reads the cases with their seeded inputs from the built kit (packages/backend-conformance/scripts/
dump-cases.mjs), evaluates each with jax.lax (x64 enabled, each case in its own dtypes), and writes
packages/backend-conformance/test/golden/lax.json. Each entry carries the case's fingerprint, so the
test notices when a case changed and this script must be run again.

Run: pnpm --filter "@kx/backend-conformance..." run build
     KERAS_BACKEND=jax .venv/bin/python tools/golden/conformance.py [cases.json]
"""

import json
import math
import os
import subprocess
import sys

import jax

jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from jax import lax  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
PKG = os.path.join(ROOT, "packages", "backend-conformance")
OUT = os.path.join(PKG, "test", "golden", "lax.json")

DTYPES = {
    "bool": np.bool_, "int8": np.int8, "int16": np.int16, "int32": np.int32, "int64": np.int64,
    "uint8": np.uint8, "uint16": np.uint16, "uint32": np.uint32,
    "float16": np.float16, "bfloat16": jnp.bfloat16, "float32": np.float32, "float64": np.float64,
}
FLOATS = {"float16", "bfloat16", "float32", "float64"}


def load_cases():
    if len(sys.argv) > 1:
        with open(sys.argv[1]) as f:
            return json.load(f)["cases"]
    dist = os.path.join(PKG, "dist", "index.js")
    if not os.path.exists(dist):
        sys.exit('Build the kit first: pnpm --filter "@kx/backend-conformance..." run build')
    text = subprocess.run(["node", "scripts/dump-cases.mjs"], cwd=PKG, check=True, capture_output=True, text=True).stdout
    return json.loads(text)["cases"]


def dec(v):
    if isinstance(v, str):
        return {"nan": math.nan, "inf": math.inf, "-inf": -math.inf, "-0": -0.0}[v]
    return v


def to_array(a):
    dtype = a["dtype"]
    vals = [dec(v) for v in a["values"]]
    if dtype in FLOATS:
        x = np.array(vals, dtype=np.float64).astype(DTYPES[dtype])
    elif dtype == "bool":
        x = np.array(vals, dtype=np.int64).astype(np.bool_)
    else:
        x = np.array(vals, dtype=np.int64).astype(DTYPES[dtype])
    return jnp.asarray(x.reshape(a["shape"]))


def enc_value(v):
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if v == 0 and math.copysign(1, v) < 0:
        return "-0"
    return v


def from_array(x):
    x = np.asarray(x)
    name = str(x.dtype)
    flat = x.reshape(-1)
    if name in FLOATS:
        values = [enc_value(v) for v in flat.astype(np.float64)]
    else:
        values = [int(v) for v in flat.astype(np.int64)]
    return {"dtype": name, "shape": list(x.shape), "values": values}


def init_for(x, computation):
    """Identity of a reduction in x's dtype."""
    dt = np.dtype(x.dtype)
    if computation == "sum":
        return np.array(0, dt)
    if computation == "prod":
        return np.array(1, dt)
    if jnp.issubdtype(dt, jnp.floating):
        return np.array(-np.inf if computation == "max" else np.inf, dt)
    info = np.iinfo(dt)
    return np.array(info.min if computation == "max" else info.max, dt)


def reduce(x, computation, axes):
    if computation in ("and", "or"):
        if x.dtype == jnp.bool_:
            return jnp.all(x, axis=tuple(axes)) if computation == "and" else jnp.any(x, axis=tuple(axes))
        init = np.array(-1 if computation == "and" else 0, x.dtype)
        return lax.reduce(x, init, lax.bitwise_and if computation == "and" else lax.bitwise_or, tuple(axes))
    op = {"sum": lax.add, "prod": lax.mul, "max": lax.max, "min": lax.min}[computation]
    return lax.reduce(x, init_for(x, computation), op, tuple(axes))


def conv_dn(rank):
    spatial = "DHW"[3 - (rank - 2):] if rank - 2 <= 3 else None
    return ("N" + spatial + "C", spatial + "IO", "N" + spatial + "C")


def conv(lhs, rhs, p):
    return lax.conv_general_dilated(
        lhs, rhs, window_strides=p["windowStrides"], padding=[tuple(q) for q in p["padding"]],
        lhs_dilation=p["lhsDilation"], rhs_dilation=p["rhsDilation"],
        dimension_numbers=conv_dn(lhs.ndim), feature_group_count=p["featureGroupCount"])


def window(x, computation, p):
    op = {"sum": lax.add, "max": lax.max, "min": lax.min}[computation]
    return lax.reduce_window(x, init_for(x, computation), op, tuple(p["windowDimensions"]),
                             tuple(p["windowStrides"]), [tuple(q) for q in p["padding"]])


def key_of(k):
    words = np.array(np.asarray(k).astype(np.int64) & 0xFFFFFFFF, dtype=np.uint32)
    return jax.random.wrap_key_data(words, impl="threefry2x32")


def fft(xs, p):
    kind, lengths = p["fftType"], p["fftLengths"]
    axes = tuple(range(-len(lengths), 0))
    if kind == "rfft":
        y = jnp.fft.rfftn(xs[0], s=lengths, axes=axes)
    else:
        z = lax.complex(xs[0], xs[1])
        if kind == "irfft":
            return [jnp.fft.irfftn(z, s=lengths, axes=axes)]
        y = (jnp.fft.fftn if kind == "fft" else jnp.fft.ifftn)(z, s=lengths, axes=axes)
    return [jnp.real(y), jnp.imag(y)]


def reshape(x, sizes):
    sizes = list(sizes)
    if -1 in sizes:
        known = int(np.prod([s for s in sizes if s != -1]))
        sizes[sizes.index(-1)] = x.size // known if known else 0
    return lax.reshape(x, tuple(sizes))


def sort(x, p):
    d = p["dimension"]
    if p["descending"]:
        idx = jnp.argsort(x, axis=d, stable=True, descending=True).astype(jnp.int32)
        return [jnp.take_along_axis(x, idx, axis=d), idx]
    iota = lax.broadcasted_iota(jnp.int32, x.shape, d)
    v, i = lax.sort((x, iota), dimension=d, num_keys=1, is_stable=True)
    return [v, i]


def along(axis, idx):
    return (slice(None),) * axis + (idx,)


def power(x, y):
    return jnp.power(x, y) if jnp.issubdtype(x.dtype, jnp.integer) else lax.pow(x, y)


UNARY = {
    "neg": lax.neg, "sign": lax.sign, "floor": lax.floor, "ceil": lax.ceil,
    "round": lambda x: lax.round(x, lax.RoundingMethod.TO_NEAREST_EVEN), "is_finite": lax.is_finite,
    "exp": lax.exp, "log": lax.log, "log1p": lax.log1p, "expm1": lax.expm1, "tanh": lax.tanh, "logistic": lax.logistic,
    "sin": lax.sin, "cos": lax.cos, "tan": lax.tan, "asin": lax.asin, "acos": lax.acos, "atan": lax.atan,
    "sinh": lax.sinh, "cosh": lax.cosh, "asinh": lax.asinh, "acosh": lax.acosh, "atanh": lax.atanh,
    "sqrt": lax.sqrt, "rsqrt": lax.rsqrt, "cbrt": lax.cbrt, "abs": lax.abs, "not": lax.bitwise_not,
    "erf": lax.erf, "erf_inv": lax.erf_inv, "lgamma": lax.lgamma, "digamma": lax.digamma, "stop_gradient": lambda x: x,
}
BINARY = {
    "add": lax.add, "sub": lax.sub, "mul": lax.mul, "div": lax.div, "rem": lax.rem, "pow": power,
    "max": lax.max, "min": lax.min, "atan2": lax.atan2, "and": lax.bitwise_and, "or": lax.bitwise_or,
    "xor": lax.bitwise_xor, "igamma": lax.igamma,
    "eq": lax.eq, "ne": lax.ne, "lt": lax.lt, "le": lax.le, "gt": lax.gt, "ge": lax.ge,
}


def evaluate(prim, p, xs):
    """The case's outputs as a list of arrays."""
    if prim in UNARY:
        return [UNARY[prim](xs[0])]
    if prim in BINARY:
        return [BINARY[prim](xs[0], xs[1])]
    if prim.startswith("reduce_") and prim != "reduce_window":
        return [reduce(xs[0], prim[len("reduce_"):], p["axes"])]
    if prim in ("cumsum", "cumprod", "cummax", "cummin"):
        return [getattr(lax, prim)(xs[0], axis=p["axis"], reverse=p["reverse"])]
    table = {
        "select_n": lambda: [lax.select_n(xs[0], xs[1], xs[2])],
        "convert_element_type": lambda: [lax.convert_element_type(xs[0], DTYPES[p["newDtype"]])],
        "bitcast_convert_type": lambda: [lax.bitcast_convert_type(xs[0], DTYPES[p["newDtype"]])],
        "argmax": lambda: [lax.argmax(xs[0], p["axis"], DTYPES[p["indexDtype"]])],
        "argmin": lambda: [lax.argmin(xs[0], p["axis"], DTYPES[p["indexDtype"]])],
        "reshape": lambda: [reshape(xs[0], p["newSizes"])],
        "transpose": lambda: [lax.transpose(xs[0], p["permutation"])],
        "broadcast_in_dim": lambda: [lax.broadcast_in_dim(xs[0], p["shape"], p["broadcastDimensions"])],
        "slice": lambda: [lax.slice(xs[0], p["startIndices"], p["limitIndices"], p["strides"])],
        "dynamic_slice": lambda: [lax.dynamic_slice(xs[0], list(xs[1]), p["sliceSizes"], allow_negative_indices=False)],
        "dynamic_update_slice": lambda: [lax.dynamic_update_slice(xs[0], xs[1], list(xs[2]), allow_negative_indices=False)],
        "pad": lambda: [lax.pad(xs[0], xs[1], list(zip(p["lo"], p["hi"], p["interior"])))],
        "concatenate": lambda: [lax.concatenate(xs, p["dimension"])],
        "rev": lambda: [lax.rev(xs[0], p["dimensions"])],
        "gather": lambda: [jnp.take(xs[0], xs[1], axis=p["axis"], mode="clip")],
        "scatter_add": lambda: [xs[0].at[along(p["axis"], xs[1])].add(xs[2])],
        "scatter": lambda: [xs[0].at[along(p["axis"], xs[1])].set(xs[2])],
        "sort": lambda: sort(xs[0], p),
        "top_k": lambda: list(lax.top_k(xs[0], p["k"])),
        "iota": lambda: [lax.broadcasted_iota(DTYPES[p["dtype"]], p["shape"], p["dimension"])],
        "dot_general": lambda: [lax.dot_general(xs[0], xs[1], (tuple(map(tuple, p["contracting"])), tuple(map(tuple, p["batch"]))))],
        "conv_general_dilated": lambda: [conv(xs[0], xs[1], p)],
        "conv_transpose_lhs": lambda: [jax.vjp(lambda l: conv(l, xs[1], p), jnp.zeros(p["lhsShape"], xs[1].dtype))[1](xs[0])[0]],
        "conv_transpose_rhs": lambda: [jax.vjp(lambda r: conv(xs[0], r, p), jnp.zeros(p["rhsShape"], xs[0].dtype))[1](xs[1])[0]],
        "reduce_window": lambda: [window(xs[0], p["computation"], p)],
        "select_and_scatter_add": lambda: [jax.vjp(lambda o: window(o, "max", p), xs[1])[1](xs[0])[0]],
        "cholesky": lambda: [lax.linalg.cholesky(xs[0])],
        "triangular_solve": lambda: [lax.linalg.triangular_solve(
            xs[0], xs[1], left_side=p["leftSide"], lower=p["lower"], transpose_a=p["transposeA"], unit_diagonal=p["unitDiagonal"])],
        "lu": lambda: list(lax.linalg.lu(xs[0])),
        "qr": lambda: list(lax.linalg.qr(xs[0], full_matrices=p["fullMatrices"])),
        "eigh": lambda: list(lax.linalg.eigh(xs[0], lower=p["lower"])),
        "svd": lambda: (list(lax.linalg.svd(xs[0], full_matrices=p["fullMatrices"], compute_uv=True)) if p["computeUv"]
                        else [lax.linalg.svd(xs[0], full_matrices=p["fullMatrices"], compute_uv=False)]),
        "fft": lambda: fft(xs, p),
        "random_bits": lambda: [jax.random.bits(key_of(xs[0]), tuple(p["shape"]), jnp.uint32)],
        "random_uniform": lambda: [jax.random.uniform(key_of(xs[0]), tuple(p["shape"]), DTYPES[p["dtype"]])],
    }
    if prim not in table:
        raise NotImplementedError(f"no JAX mapping for primitive {prim}")
    return table[prim]()


def main():
    cases = load_cases()
    out = {}
    errors = 0
    for c in cases:
        entry = {"hash": c["hash"]}
        try:
            xs = [to_array(a) for a in c["inputs"]]
            entry["outputs"] = [from_array(y) for y in evaluate(c["prim"], c["params"], xs)]
        except Exception as e:  # noqa: BLE001 - the error is recorded for the test to report
            entry["error"] = f"{type(e).__name__}: {e}".splitlines()[0][:300]
            errors += 1
        out[c["id"]] = entry
    doc = {"generator": "tools/golden/conformance.py", "jax": jax.__version__, "cases": out}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {os.path.relpath(OUT, ROOT)}: {len(out)} cases, {errors} rejected by JAX")
    for k, v in out.items():
        if "error" in v:
            print(f"  {k}: {v['error']}")


if __name__ == "__main__":
    main()
