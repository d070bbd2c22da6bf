"""Setup shared by the golden scripts in this folder.

- `enable_x64()`: float64 in JAX (call it before importing keras or jax.numpy);
- `golden_path(package, *names)`: packages/<package>/test/golden(/<names>);
- `num`, `nested`, `flat`, `plain`: JSON encodings of numbers and arrays (JSON has no NaN/Infinity, so
  `num`, `nested` and `flat` write non-finite floats as strings);
- `array_record(a)`, `op_case(...)`: the `{dtype, shape, data}` arrays and the op cases of the ops-nn
  and trainers goldens;
- `normal_source(seed)`: a seeded generator and its standard-normal draws;
- `keras_op(ops, name)`: a keras.ops function from its name (`linalg.x`, `math.x`, `image.x`).

The scripts import it as `from _common import ...` (Python puts a script's folder on sys.path).
"""

import math
import os

import numpy as np

PACKAGES = os.path.join(os.path.dirname(__file__), "..", "..", "packages")


def golden_path(package, *names):
    """The folder where a package's tests read golden files, or a file in it."""
    return os.path.join(PACKAGES, package, "test", "golden", *names)


def enable_x64():
    """Turns on float64 in JAX (before keras or jax.numpy is imported) and returns the jax module."""
    import jax

    jax.config.update("jax_enable_x64", True)
    return jax


def num(v, nan="nan", inf="inf"):
    """A number as a JSON value: a float, or `nan` / `inf` / `-inf` (spelled as given) for non-finite ones."""
    v = float(v)
    if math.isnan(v):
        return nan
    if math.isinf(v):
        return inf if v > 0 else "-" + inf
    return v


def nested(a):
    """Nested lists of an array's values: bools as booleans, integers as int64, floats through `num`."""
    a = np.asarray(a)
    if a.dtype == np.bool_:
        return a.tolist()
    if np.issubdtype(a.dtype, np.integer):
        return a.astype(np.int64).tolist()
    if a.ndim == 0:
        return num(a)
    return np.vectorize(num, otypes=[object])(a).tolist() if a.size else np.asarray(a, dtype=object).tolist()


def flat(a):
    """An array's values as one flat list: bools and integers as int64, floats as float64 through `num`."""
    a = np.asarray(a)
    if a.dtype == np.bool_ or np.issubdtype(a.dtype, np.integer):
        return a.astype(np.int64).reshape(-1).tolist()
    return [num(v) for v in a.astype(np.float64).reshape(-1)]


def plain(a):
    """Nested lists of an array's values: bools as booleans, integers as int64, floats as float64 (finite only)."""
    a = np.asarray(a)
    if a.dtype == bool:
        return a.tolist()
    if np.issubdtype(a.dtype, np.integer):
        return a.astype(np.int64).tolist()
    return a.astype(np.float64).tolist()


def array_record(a):
    """`{"dtype", "shape", "data"}` of an array, data flat (see `flat`); None stays None."""
    if a is None:
        return None
    a = np.asarray(a)
    return {"dtype": str(a.dtype), "shape": list(a.shape), "data": flat(a)}


def op_case(cases, id_, op, fn, inputs, kwargs=None, call_kwargs=None):
    """Appends `{"id", "op", "inputs", "kwargs", "outputs"}` for `fn(*inputs, **kwargs)` to `cases`
    (`call_kwargs`, when given, are passed instead of the recorded `kwargs`)."""
    kwargs = kwargs or {}
    out = fn(*inputs, **(call_kwargs if call_kwargs is not None else kwargs))
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    cases.append({
        "id": id_, "op": op,
        "inputs": [array_record(None if x is None else np.asarray(x)) for x in inputs],
        "kwargs": kwargs,
        "outputs": [array_record(np.asarray(o)) for o in outs],
    })


def normal_source(seed):
    """`(rng, rand)`: a seeded numpy Generator and `rand(*shape)`, its standard-normal draws."""
    rng = np.random.default_rng(seed)
    return rng, lambda *shape: rng.standard_normal(shape)


def keras_op(ops, name):
    """The function `name` of `ops` (keras.ops); `math.` is dropped, other dotted parts are submodules."""
    parts = name.split(".")
    if parts[0] == "math":
        parts = parts[1:]
    mod = ops
    for p in parts[:-1]:
        mod = getattr(mod, p)
    return getattr(mod, parts[-1])
