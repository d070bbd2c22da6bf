"""Cases for tools/golden/ops_numpy.py: seeded inputs covering edge cases of each keras.ops op.

Each case: op (keras name, `linalg.x` / `math.x` for submodules), positional args (T = tensor, Python
scalars = weak scalars, lists/ints = plain values) and kwargs.
"""

from _common import keras_op
from keras import ops


def build_cases(T, np, Key):
    rng = np.random.default_rng(20240611)

    def f32(*shape, lo=-2.0, hi=2.0):
        return T(rng.uniform(lo, hi, size=shape), "float32")

    def pos(*shape):
        return T(rng.uniform(0.1, 3.0, size=shape), "float32")

    def ints(*shape, lo=-5, hi=6, dtype="int32"):
        return T(rng.integers(lo, hi, size=shape), dtype)

    def boolt(*shape):
        return T(rng.integers(0, 2, size=shape).astype(bool), "bool")

    special = T([0.0, -0.0, 1.5, -2.5, np.nan, np.inf, -np.inf, 3.0], "float32")

    def c(op, *args, name=None, **kwargs):
        extra = {}
        for k in ("grad", "tol", "sort_last"):
            if k in kwargs:
                extra[k] = kwargs.pop(k)
        n = name or f"{op}/{len(cases_cur)}"
        case = {"name": n, "op": op, "fn": keras_op(ops, op), "args": list(args), "kwargs": kwargs}
        case.update(extra)
        cases_cur.append(case)

    groups = {}

    # ---------------------------------------------------------------- elementwise
    cases_cur = []
    unary_float = ["exp", "exp2", "expm1", "log", "log10", "log2", "log1p", "sqrt", "cbrt", "sin", "cos", "tan",
                   "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh", "deg2rad",
                   "rad2deg", "floor", "ceil", "fabs", "sinc", "i0", "erf", "erfc", "erfinv", "rsqrt"]
    for op in unary_float:
        lo, hi = (-0.9, 0.9) if op in ("arcsin", "arccos", "arctanh", "erfinv") else ((1.1, 4.0) if op == "arccosh" else ((0.1, 4.0) if op in ("log", "log10", "log2", "sqrt", "rsqrt", "log1p") else (-3, 3)))
        kop = ("math." + op) if op in ("erf", "erfc", "erfinv", "rsqrt") else op
        c(kop, T(rng.uniform(lo, hi, size=(2, 3)), "float32"), grad=op not in ("floor", "ceil", "i0"))
        c(kop, ints(4, lo=1, hi=3) if op in ("arccosh", "log", "sqrt") else ints(4, lo=0, hi=2))
        c(kop, special)
        if op in ("exp", "sqrt", "sin"):
            c(kop, T(rng.uniform(0.1, 2, size=(3,)), "float16"), tol=2e-3)
            c(kop, T(np.zeros((0, 2)), "float32"))
            c(kop, T(2.0, "float32"))
    for op in ["absolute", "abs", "negative", "sign", "square", "reciprocal", "trunc", "conj", "real", "imag", "copy",
               "isfinite", "isinf", "isnan", "isneginf", "isposinf", "isreal", "signbit", "logical_not", "angle",
               "nan_to_num"]:
        c(op, special)
        c(op, ints(5))
        if op not in ("reciprocal",):
            c(op, f32(2, 3), grad=op in ("absolute", "negative", "square"))
    c("square", boolt(4))
    c("round", T([0.5, 1.5, 2.5, -0.5, 2.567, -3.14159], "float32"))
    c("round", T([0.5, 1.5, 2.567, -3.14159], "float32"), decimals=2)
    c("round", ints(4, lo=-500, hi=500), decimals=-2)
    c("nan_to_num", special, nan=1.0, posinf=9.0, neginf=-9.0)
    c("bitwise_invert", ints(4, dtype="int8"))
    c("bitwise_not", ints(4, dtype="uint8", lo=0))
    c("bitwise_invert", boolt(4))

    binary = ["add", "subtract", "multiply", "divide", "true_divide", "divide_no_nan", "maximum", "minimum", "fmax",
              "fmin", "power", "floor_divide", "mod", "fmod", "arctan2", "hypot", "heaviside", "logaddexp", "logaddexp2",
              "equal", "not_equal", "less", "less_equal", "greater", "greater_equal", "logical_and", "logical_or",
              "logical_xor"]
    for op in binary:
        a = f32(2, 3) if op != "power" else pos(2, 3)
        c(op, a, f32(3), grad=op in ("add", "subtract", "multiply", "divide", "maximum", "minimum", "power", "arctan2", "hypot", "logaddexp", "logaddexp2"))
        c(op, ints(2, 3), T(rng.integers(1, 4, size=(3,)), "int32") if op not in ("power",) else T(rng.integers(0, 3, size=(3,)), "int32"))
        c(op, ints(3, dtype="int8"), 2 if op != "power" else 2)
        c(op, f32(3), 1.5)
        c(op, special, T([1.0, 0.0, -1.0, 2.0, 1.0, np.inf, 2.0, np.nan], "float32"))
        c(op, T(rng.uniform(0.5, 2, size=(3,)), "float16"), 2, tol=2e-3)
        c(op, f32(2, 3), f32(4), name=f"{op}/broadcast-error")
        c(op, boolt(3), boolt(3))
    c("add", T(np.zeros((0, 3)), "float32"), f32(3))
    c("add", T(np.float32(2.0), "float32"), f32(2, 1, 3))
    c("add", ints(3, dtype="uint8", lo=0), ints(3, dtype="int8"))
    c("add", ints(3, dtype="int16"), f32(3))
    c("add", ints(3, dtype="uint32", lo=0), ints(3, dtype="int32"))
    c("multiply", T([1.0, 2.0], "bfloat16"), 1.5, tol=1e-2)
    c("floor_divide", T([7, -7, 7, -7], "int32"), T([2, 2, -2, -2], "int32"))
    c("mod", T([7, -7, 7, -7], "int32"), T([2, 2, -2, -2], "int32"))
    c("fmod", T([7, -7, 7, -7], "int32"), T([2, 2, -2, -2], "int32"))
    c("mod", T([7.5, -7.5, 7.5, -7.5], "float32"), T([2.0, 2.0, -2.0, -2.0], "float32"))
    c("gcd", T([12, 18, -8, 0, 7], "int32"), T([8, 12, 6, 5, 0], "int32"))
    c("lcm", T([4, 6, -3, 0], "int32"), T([6, 4, 5, 3], "int32"))
    c("ldexp", f32(4), T([0, 1, -2, 3], "int32"))
    c("nextafter", T([1.0, 0.0, -1.0, 2.0], "float32"), T([2.0, 1.0, -2.0, 2.0], "float32"))
    c("isclose", T([1.0, 1.1, np.nan, np.inf, 1e-9], "float32"), T([1.000001, 1.0, np.nan, np.inf, 0.0], "float32"))
    c("isclose", T([1.0, np.nan], "float32"), T([1.0, np.nan], "float32"), equal_nan=True)
    c("isclose", T([1.0, 1.2], "float32"), T([1.1, 1.0], "float32"), rtol=0.2, atol=0.0)
    c("allclose", T([1.0, 1.1], "float32"), T([1.0, 1.1000001], "float32"))
    c("allclose", T([1.0, 1.1], "float32"), T([1.0, 1.2], "float32"))
    for op in ["bitwise_and", "bitwise_or", "bitwise_xor"]:
        c(op, ints(5, lo=0, hi=16), ints(5, lo=0, hi=16))
        c(op, boolt(4), boolt(4))
    for op in ["bitwise_left_shift", "left_shift"]:
        c(op, ints(4, lo=0, hi=8), T([0, 1, 2, 3], "int32"))
    for op in ["bitwise_right_shift", "right_shift"]:
        c(op, T([8, -8, 7, -7], "int32"), T([1, 1, 2, 2], "int32"))
    c("clip", f32(2, 3), -0.5, 0.5, grad=True)
    c("clip", ints(5), -1, 2)
    c("clip", boolt(4), 0, 1)
    c("clip", special, -1.0, 1.0)
    c("where", boolt(2, 3), f32(2, 3), f32(3))
    c("where", boolt(3), 1, 2.5)
    c("where", boolt(3), ints(3), f32(3))
    c("where", T([[0, 1], [2, 0]], "int32"))
    c("select", [T([True, False, False], "bool"), T([False, True, False], "bool")], [f32(3), f32(3)])
    c("select", [T([True, False, False], "bool")], [ints(3)], default=7)
    groups["elementwise"] = cases_cur

    # ---------------------------------------------------------------- reductions
    cases_cur = []
    x234 = f32(2, 3, 4)
    for op in ["sum", "mean", "max", "min", "prod", "var", "std", "amax", "amin", "ptp", "all", "any", "argmax", "argmin",
               "logsumexp", "nansum", "nanmean", "nanmax", "nanmin", "nanprod", "nanstd", "nanvar", "nanargmax", "nanargmin",
               "count_nonzero", "median", "nanmedian"]:
        kop = "math.logsumexp" if op == "logsumexp" else op
        g = op in ("sum", "mean", "max", "min", "prod", "var", "std", "logsumexp")
        c(kop, x234, grad=g)
        c(kop, x234, axis=1, grad=g)
        c(kop, x234, axis=-1)
        if op not in ("argmax", "argmin", "nanargmax", "nanargmin", "count_nonzero"):
            c(kop, x234, axis=[0, 2], keepdims=True, grad=g)
        if op in ("argmax", "argmin", "nanargmax", "nanargmin"):
            c(kop, x234, axis=1, keepdims=True)
        if op != "count_nonzero":
            c(kop, x234, keepdims=True)
        c(kop, ints(3, 4), axis=0)
        c(kop, T([1.0, np.nan, 3.0, -np.inf], "float32"))
        c(kop, T([[np.nan, 1.0], [2.0, 3.0]], "float32"), axis=1)
        c(kop, x234, axis=3, name=f"{op}/bad-axis")
        c(kop, T(np.zeros((0, 3)), "float32"), axis=0)
        c(kop, T(np.float32(4.0), "float32"))
        c(kop, boolt(2, 3))
        c(kop, ints(3, dtype="int8"))
        c(kop, ints(3, dtype="uint8", lo=0))
        c(kop, T(rng.uniform(0, 2, size=(4,)), "float16"), tol=3e-3)
    c("max", T(np.zeros((0, 3)), "float32"), axis=0, initial=-1.0)
    c("max", f32(2, 3), axis=1, initial=0.5)
    c("min", f32(2, 3), initial=-0.1)
    c("prod", ints(3, dtype="int8"), dtype="int16")
    for op in ["cumsum", "cumprod", "nancumsum", "nancumprod"]:
        c(op, f32(2, 3), grad=op in ("cumsum", "cumprod"))
        c(op, f32(2, 3), axis=1, grad=op in ("cumsum", "cumprod"))
        c(op, f32(2, 3), axis=-2)
        c(op, boolt(4))
        c(op, ints(4), dtype="float32")
        c(op, T([1.0, np.nan, 2.0, 3.0], "float32"))
        c(op, T(np.zeros((0,)), "float32"))
    c("average", f32(2, 3))
    c("average", f32(2, 3), axis=1, weights=T([1.0, 2.0, 3.0], "float32"))
    c("average", ints(2, 3), axis=0, weights=T([1, 3], "int32"))
    c("average", f32(2, 3), weights=f32(2, 3))
    c("count_nonzero", T([[0, 1, 2], [0, 0, 3]], "int32"), axis=1)
    c("count_nonzero", T([[0, 1, 2], [0, 0, 3]], "int32"), axis=[0, 1])
    c("trace", f32(3, 4))
    c("trace", f32(2, 3, 4), offset=1, axis1=1, axis2=2)
    c("trace", ints(3, 3, dtype="int8"), offset=-1)
    groups["reduction"] = cases_cur

    # ---------------------------------------------------------------- shape
    cases_cur = []
    x = f32(2, 3, 4)
    c("reshape", x, [4, 6], grad=True)
    c("reshape", x, [-1, 2])
    c("reshape", x, -1)
    c("reshape", x, [5, 5], name="reshape/bad")
    c("transpose", x)
    c("transpose", x, axes=[1, 0, 2], grad=True)
    c("transpose", x, axes=[1, 0], name="transpose/bad")
    c("expand_dims", x, 0)
    c("expand_dims", x, -1)
    c("expand_dims", x, [0, 2])
    c("squeeze", f32(1, 3, 1))
    c("squeeze", f32(1, 3, 1), axis=-1)
    c("squeeze", f32(1, 3, 1), axis=1, name="squeeze/bad")
    c("broadcast_to", f32(3), [2, 3])
    c("broadcast_to", f32(2, 1), [2, 2, 4], grad=True)
    c("broadcast_to", f32(3), [2, 4], name="broadcast_to/bad")
    c("ravel", x)
    c("moveaxis", x, 0, -1)
    c("moveaxis", x, [0, 1], [2, 0])
    c("swapaxes", x, 0, 2)
    c("flip", x)
    c("flip", x, axis=1)
    c("flip", x, axis=[0, 2])
    c("fliplr", f32(2, 3))
    c("flipud", f32(2, 3))
    c("roll", x, 2)
    c("roll", x, -1, axis=1)
    c("roll", x, [1, 2], axis=[0, 2])
    c("rot90", f32(2, 3))
    c("rot90", f32(2, 3, 2), k=2)
    c("rot90", f32(2, 3, 2), k=3, axes=[1, 2])
    c("rot90", f32(2, 3), k=-1)
    c("tile", f32(2, 3), [2, 1])
    c("tile", f32(3), [2, 2])
    c("tile", f32(2, 3), 2)
    c("repeat", f32(2, 3), 2)
    c("repeat", f32(2, 3), 2, axis=1, grad=True)
    c("repeat", f32(2, 3), T([1, 0, 2], "int32"), axis=1)
    c("pad", f32(2, 3), [[1, 2], [0, 1]], grad=True)
    c("pad", f32(2, 3), 1, constant_values=5.0)
    c("pad", ints(3), [2, 1])
    for mode in ["edge", "reflect", "symmetric", "wrap", "maximum", "minimum", "mean"]:
        c("pad", f32(3, 4), [[1, 2], [3, 1]], mode=mode)
    c("concatenate", [f32(2, 3), f32(1, 3)], grad=False)
    c("concatenate", [f32(2, 3), f32(2, 1)], axis=1)
    c("concatenate", [ints(2), f32(3)])
    c("concatenate", [f32(2, 3), f32(2, 2)], axis=None)
    c("concatenate", [f32(2, 3), f32(2, 2)], axis=0, name="concatenate/bad")
    c("stack", [f32(2, 3), f32(2, 3)])
    c("stack", [f32(2, 3), f32(2, 3)], axis=-1)
    c("stack", [f32(2), ints(2)], axis=1)
    c("hstack", [f32(2, 3), f32(2, 1)])
    c("hstack", [f32(2), f32(3)])
    c("vstack", [f32(3), f32(3)])
    c("dstack", [f32(2, 3), f32(2, 3)])
    c("append", f32(2, 3), f32(2))
    c("append", f32(2, 3), f32(1, 3), axis=0)
    c("split", f32(6, 2), 3)
    c("split", f32(6, 2), [1, 4])
    c("split", f32(2, 6), 2, axis=1)
    c("split", f32(5, 2), 2, name="split/bad")
    c("array_split", f32(5, 2), 2)
    c("array_split", f32(7), 3)
    c("hsplit", f32(2, 4), 2)
    c("vsplit", f32(4, 2), 2)
    c("dsplit", f32(1, 2, 4), [1])
    c("unstack", f32(3, 2))
    c("unstack", f32(3, 2), axis=1)
    c("diag", f32(3))
    c("diag", f32(3), k=1)
    c("diag", f32(3, 4))
    c("diag", f32(3, 4), k=-1)
    c("diagflat", f32(2, 2))
    c("diagflat", f32(3), k=-1)
    c("diagonal", f32(3, 4))
    c("diagonal", f32(2, 3, 4), offset=1, axis1=1, axis2=2)
    c("diagonal", f32(3, 4), offset=-2)
    c("tril", f32(3, 4))
    c("tril", f32(2, 3, 4), k=1)
    c("triu", f32(3, 4), k=-1)
    c("diff", f32(5))
    c("diff", f32(2, 5), n=2)
    c("diff", f32(3, 4), axis=0)
    c("ndim", f32(2, 3))
    c("size", f32(2, 3))
    c("shape", f32(2, 3))
    groups["shape"] = cases_cur

    # ---------------------------------------------------------------- creation
    cases_cur = []
    c("zeros", [2, 3])
    c("zeros", [2], dtype="int32")
    c("ones", [3])
    c("ones", [2, 2], dtype="bool")
    c("empty", [2])
    c("full", [2, 2], 7)
    c("full", [2], 1.5, dtype="float16")
    c("full", [2, 3], f32(3))
    c("full_like", f32(2, 2), 3)
    c("full_like", ints(3), 2, dtype="float32")
    c("zeros_like", ints(3))
    c("ones_like", f32(2), dtype="int8")
    c("empty_like", f32(2))
    c("arange", 5)
    c("arange", 1, 7, 2)
    c("arange", 0.5, 3)
    c("arange", 0, 1, 0.1)
    c("arange", 5, 1, -1.5)
    c("arange", 3, dtype="float32")
    c("arange", 2, 2)
    c("eye", 3)
    c("eye", 2, M=3)
    c("eye", 3, k=1, dtype="int32")
    c("eye", 3, M=4, k=-2)
    c("identity", 2)
    c("tri", 3)
    c("tri", 3, M=4, k=1)
    c("linspace", 0, 1, num=5)
    c("linspace", 0, 1, num=5, endpoint=False)
    c("linspace", 2, 10, num=4, dtype="int32")
    c("linspace", f32(2), f32(2), num=3)
    c("linspace", f32(2), f32(2), num=3, axis=-1)
    c("linspace", 0, 1, num=1)
    c("logspace", 0, 2, num=3)
    c("logspace", 0, 3, num=4, base=2)
    c("geomspace", 1, 1000, num=4)
    c("geomspace", -1, -100, num=3)
    c("meshgrid", f32(3), f32(2))
    c("meshgrid", f32(3), f32(2), indexing="ij")
    c("array", [[1, 2], [3, 4]])
    c("array", [1.5, 2], dtype="float16")
    c("tri", 2, dtype="int8")
    c("vander", f32(3))
    c("vander", f32(3), N=4, increasing=True)
    for w in ["bartlett", "blackman", "hamming", "hanning"]:
        c(w, 6)
        c(w, 1)
    c("kaiser", 6, 5.0)
    groups["creation"] = cases_cur

    # ---------------------------------------------------------------- products
    cases_cur = []
    c("matmul", f32(2, 3), f32(3, 4), grad=True)
    c("matmul", f32(3), f32(3, 4), grad=True)
    c("matmul", f32(2, 3), f32(3), grad=True)
    c("matmul", f32(3), f32(3))
    c("matmul", f32(2, 1, 2, 3), f32(4, 3, 2), grad=True)
    c("matmul", ints(2, 3, dtype="int8"), ints(3, 2, dtype="int8"))
    c("matmul", ints(2, 3), f32(3, 2))
    c("matmul", f32(2, 3), f32(4, 2), name="matmul/bad")
    c("dot", f32(3), f32(3))
    c("dot", f32(2, 3), f32(3, 4), grad=True)
    c("dot", f32(2, 3, 4), f32(4))
    c("dot", f32(2, 3, 4), f32(5, 4, 2))
    c("dot", f32(2, 3), 2.5)
    c("tensordot", f32(2, 3, 4), f32(3, 4, 5))
    c("tensordot", f32(2, 3), f32(3, 4), axes=1, grad=True)
    c("tensordot", f32(2, 3, 4), f32(4, 3, 2), axes=[[1, 2], [1, 0]])
    c("tensordot", f32(2, 3), f32(2, 3), axes=0)
    c("inner", f32(2, 3), f32(4, 3))
    c("inner", f32(3), f32(3))
    c("outer", f32(3), f32(2), grad=True)
    c("outer", f32(2, 2), ints(3))
    c("vdot", f32(2, 3), f32(2, 3))
    c("kron", f32(2, 2), f32(2, 3))
    c("kron", ints(3), ints(2))
    c("cross", f32(3), f32(3))
    c("cross", f32(4, 3), f32(4, 3))
    c("cross", f32(2), f32(2))
    c("cross", f32(3, 2), f32(3, 3), axisa=0, axisb=0)
    c("einsum", "ij,jk->ik", f32(2, 3), f32(3, 4), grad=True)
    c("einsum", "ij,jk", f32(2, 3), f32(3, 4))
    c("einsum", "ii", f32(3, 3))
    c("einsum", "ii->i", f32(3, 3))
    c("einsum", "bij,bjk->bik", f32(2, 3, 4), f32(2, 4, 2))
    c("einsum", "...ij,...jk->...ik", f32(2, 3, 4), f32(4, 2))
    c("einsum", "i,i->", f32(3), f32(3))
    c("einsum", "i,j->ij", f32(3), f32(2))
    c("einsum", "ij->ji", f32(2, 3))
    c("einsum", "ij->", f32(2, 3))
    c("einsum", "abc,cd,de->abe", f32(2, 3, 4), f32(4, 5), f32(5, 2))
    c("einsum", "ij,jk->ik", ints(2, 3, dtype="int8"), ints(3, 2, dtype="int8"))
    c("einsum", "bhqd,bhkd->bhqk", f32(1, 2, 3, 4), f32(1, 2, 5, 4))
    c("correlate", f32(5), f32(3))
    c("correlate", f32(5), f32(3), mode="same")
    c("correlate", f32(5), f32(3), mode="full")
    groups["products"] = cases_cur

    # ---------------------------------------------------------------- indexing / sorting
    cases_cur = []
    c("take", f32(5), T([0, 2, -1], "int32"))
    c("take", f32(3, 4), T([[0, 1], [2, 0]], "int32"), axis=1, grad=True)
    c("take", f32(3, 4), T([1, 2], "int32"), axis=0)
    c("take", f32(3, 4), T([5, -7], "int32"), axis=0)
    c("take", f32(3, 4), T([1, 7], "int32"))
    c("take_along_axis", f32(3, 4), T([[0], [2], [1]], "int32"), axis=1)
    c("take_along_axis", f32(3, 4), T([[0, 1, 2, 0]], "int32"), axis=0)
    c("take_along_axis", f32(3, 4), T([[0, -1], [2, 1], [1, 3]], "int32"), axis=-1, grad=True)
    c("take_along_axis", f32(2, 3), T([5, 0], "int32"), axis=None)
    c("sort", f32(3, 4))
    c("sort", f32(3, 4), axis=0)
    c("sort", T([3.0, np.nan, 1.0, -np.inf, 2.0], "float32"))
    c("sort", ints(6))
    c("argsort", f32(3, 4))
    c("argsort", f32(3, 4), axis=0)
    c("argsort", T([2, 1, 2, 1, 0], "int32"))
    c("argsort", f32(2, 3), axis=None)
    c("math.top_k", f32(2, 5), 3)
    c("math.top_k", T([1.0, 3.0, 3.0, 2.0], "float32"), 2)
    c("math.in_top_k", T([0, 2], "int32"), f32(2, 4), 2)
    c("argpartition", T([3.0, 1.0, 4.0, 1.5, 5.0, 9.0], "float32"), 2)
    c("searchsorted", T([1.0, 2.0, 3.0, 5.0], "float32"), T([0.0, 2.0, 4.0, 6.0], "float32"))
    c("searchsorted", T([1.0, 2.0, 2.0, 3.0], "float32"), T([2.0, 2.5], "float32"), side="right")
    c("digitize", T([0.2, 6.4, 3.0, 1.6, 1.0], "float32"), T([0.0, 1.0, 2.5, 4.0, 10.0], "float32"))
    c("bincount", T([0, 1, 1, 3, 2, 1], "int32"))
    c("bincount", T([0, 1, 1, 3], "int32"), weights=T([0.5, 1.0, 1.0, 2.0], "float32"), minlength=6)
    c("unique", T([3, 1, 2, 1, 3, 3], "int32"))
    c("unique", T([3, 1, 2, 1, 3, 3], "int32"), return_index=True, return_inverse=True, return_counts=True)
    c("isin", T([1, 2, 3, 4], "int32"), T([2, 4, 6], "int32"))
    c("isin", T([1, 2, 3, 4], "int32"), T([2, 4], "int32"), invert=True)
    c("nonzero", T([[0, 1], [2, 0]], "int32"))
    c("unravel_index", T([5, 7, 0], "int32"), [3, 4])
    c("histogram", T([0.0, 0.1, 0.5, 0.7, 1.0, 0.3], "float32"), bins=4)
    c("histogram", T([0.0, 0.1, 0.5, 0.7, 1.0, 0.3], "float32"), bins=3, range=(0.2, 0.8))
    c("quantile", f32(3, 5), 0.3)
    c("quantile", f32(3, 5), T([0.1, 0.5, 0.9], "float32"), axis=1)
    for m in ["linear", "lower", "higher", "midpoint", "nearest"]:
        c("quantile", f32(7), 0.35, method=m)
    c("quantile", f32(2, 4), 0.5, axis=0, keepdims=True)
    c("percentile", f32(3, 5), 30)
    c("percentile", ints(6), T([25.0, 75.0], "float32"))
    c("nanquantile", T([1.0, np.nan, 3.0, 2.0], "float32"), 0.5)
    c("nanpercentile", T([[1.0, np.nan, 3.0], [4.0, 5.0, np.nan]], "float32"), 50, axis=1)
    c("median", T([[1.0, np.nan, 3.0], [4.0, 5.0, 6.0]], "float32"), axis=1)
    c("corrcoef", f32(3, 5))
    c("trapezoid", f32(5))
    c("trapezoid", f32(2, 5), dx=0.5)
    c("trapezoid", f32(5), x=T([0.0, 1.0, 3.0, 4.0, 7.0], "float32"))
    groups["indexing"] = cases_cur

    # ---------------------------------------------------------------- linalg
    cases_cur = []
    a = rng.standard_normal((3, 3))
    spd = a @ a.T + 3 * np.eye(3)
    b = rng.standard_normal((3, 2))
    bat = rng.standard_normal((2, 3, 3)) + 3 * np.eye(3)
    c("linalg.det", T(a, "float32"), grad=True)
    c("linalg.det", T(bat, "float32"))
    c("linalg.inv", T(spd, "float32"), grad=True)
    c("linalg.inv", T(bat, "float32"))
    c("linalg.solve", T(spd, "float32"), T(b, "float32"), grad=True)
    c("linalg.solve", T(bat, "float32"), T(rng.standard_normal((2, 3, 1)), "float32"))
    c("linalg.cholesky", T(spd, "float32"), grad=True)
    c("linalg.cholesky", T(spd, "float32"), upper=True)
    c("linalg.cholesky_inverse", T(np.linalg.cholesky(spd), "float32"))
    c("linalg.cholesky_inverse", T(np.linalg.cholesky(spd).T, "float32"), upper=True)
    c("linalg.solve_triangular", T(np.tril(spd), "float32"), T(b, "float32"), lower=True)
    c("linalg.solve_triangular", T(np.triu(spd), "float32"), T(b, "float32"))
    c("linalg.eigh", T(spd, "float32"), sort_last=True)
    c("linalg.qr", T(rng.standard_normal((4, 3)), "float32"))
    c("linalg.qr", T(rng.standard_normal((4, 3)), "float32"), mode="complete")
    c("linalg.svd", T(rng.standard_normal((4, 3)), "float32"), compute_uv=False)
    c("linalg.svd", T(rng.standard_normal((3, 3)), "float32"))
    c("linalg.lu_factor", T(a, "float32"))
    c("linalg.norm", T(a, "float32"))
    c("linalg.norm", T(a, "float32"), ord="fro")
    c("linalg.norm", T(a, "float32"), ord=1)
    c("linalg.norm", T(a, "float32"), ord=-1)
    c("linalg.norm", T(a, "float32"), ord=np.inf)
    c("linalg.norm", T(a, "float32"), ord="nuc")
    c("linalg.norm", T(a, "float32"), ord=2)
    c("linalg.norm", T(a, "float32"), ord=-2)
    c("linalg.norm", f32(4))
    c("linalg.norm", f32(4), ord=1)
    c("linalg.norm", f32(4), ord=np.inf)
    c("linalg.norm", f32(4), ord=-np.inf)
    c("linalg.norm", f32(4), ord=0)
    c("linalg.norm", f32(4), ord=3)
    c("linalg.norm", f32(2, 3), axis=1, keepdims=True)
    c("linalg.norm", ints(4))
    c("linalg.pinv", T(rng.standard_normal((4, 3)), "float32"))
    c("linalg.matrix_rank", T(np.array([[1.0, 2.0], [2.0, 4.0]]), "float32"))
    c("linalg.matrix_rank", T(a, "float32"))
    c("linalg.lstsq", T(rng.standard_normal((4, 3)), "float32"), T(rng.standard_normal((4, 2)), "float32"))
    c("slogdet", T(a, "float32"))
    c("math.logdet", T(spd, "float32"))
    c("linalg.eig", T(a, "float32"))
    groups["linalg"] = cases_cur

    # ---------------------------------------------------------------- math
    cases_cur = []
    c("math.segment_sum", f32(5, 2), T([0, 0, 1, 2, 2], "int32"), num_segments=3)
    c("math.segment_sum", f32(5), T([0, 0, 1, 2, 2], "int32"), num_segments=4)
    c("math.segment_max", f32(5), T([0, 0, 1, 2, 2], "int32"), num_segments=3)
    c("math.segment_min", f32(5, 2), T([1, 0, 1, 2, 2], "int32"), num_segments=3)
    c("math.segment_prod", f32(5), T([0, 0, 1, 2, 2], "int32"), num_segments=3)
    c("math.cdist", f32(3, 2), f32(4, 2))
    c("math.extract_sequences", f32(10), 4, 3)
    c("math.extract_sequences", f32(2, 8), 3, 2)
    c("math.fft", (f32(8), f32(8)))
    c("math.fft2", (f32(4, 4), f32(4, 4)))
    c("math.ifft2", (f32(4, 4), f32(4, 4)))
    c("math.rfft", f32(8))
    c("math.rfft", f32(2, 8), fft_length=6)
    c("math.irfft", (f32(5), f32(5)))
    c("math.irfft", (f32(5), f32(5)), fft_length=6)
    c("math.stft", f32(32), 8, 4, 8)
    c("math.stft", f32(2, 32), 8, 4, 16, window="hamming", center=False)
    c("math.view_as_real", f32(3))
    groups["math"] = cases_cur

    # ---------------------------------------------------------------- core
    cases_cur = []
    c("cast", f32(4), "int32")
    c("cast", T([1.7, -1.7, 0.0], "float32"), "bool")
    c("cast", ints(3), "float16")
    c("saturate_cast", T([300.0, -5.0, 3.7], "float32"), "uint8")
    c("saturate_cast", T([200, -200, 5], "int32"), "int8")
    c("convert_to_tensor", [[1, 2], [3, 4]])
    c("convert_to_tensor", [1.5, 2.0])
    c("convert_to_tensor", 3)
    c("convert_to_tensor", 1.5)
    c("convert_to_tensor", True)
    c("convert_to_tensor", [True, False])
    c("convert_to_tensor", [1, 2], "float16")
    c("slice", f32(4, 3), [1, 0], [2, 2])
    c("slice", f32(4, 3), [1, 1], [-1, -1])
    c("slice_update", f32(4, 3), [1, 1], f32(2, 2))
    c("scatter", T([[0], [2], [0]], "int32"), f32(3), [4])
    c("scatter", T([[0, 1], [2, 0]], "int32"), f32(2), [3, 2])
    c("scatter", T([[1]], "int32"), f32(1, 3), [2, 3])
    c("scatter_update", f32(4, 2), T([[1], [3]], "int32"), f32(2, 2))
    c("scatter_update", f32(3, 3), T([[0, 0], [2, 1]], "int32"), f32(2))
    c("unstack", f32(2, 3), axis=1)
    c("stop_gradient", f32(3))
    c("dtype", f32(3))
    c("is_tensor", f32(3))
    groups["core"] = cases_cur

    # ---------------------------------------------------------------- get_item
    cases_cur = []
    x = f32(3, 4, 5)
    keys = [
        Key(0), Key(-1), Key(slice(1, 3)), Key(slice(None), slice(1, 3)), Key(Ellipsis, 0), Key(None, slice(None, None, -1)),
        Key(slice(None, None, 2), slice(None), slice(4, 0, -2)), Key(1, Ellipsis, None), Key(T([2, 0], "int32")),
        Key(slice(None), T([3, 1, 0], "int32")), Key(T([0, 2], "int32"), slice(None), T([1, 4], "int32")),
        Key(slice(None), T([[0], [2]], "int32"), T([1, 4], "int32")), Key(0, slice(None), T([1, 2], "int32")),
        Key(T([True, False, True], "bool")), Key(slice(None), slice(-3, None)), Key(slice(10, 20)),
        Key(Ellipsis), Key(slice(None), None, 2), Key([0, 1], [1, 2]), Key(-1, -1, -1),
    ]
    for k in keys:
        c("get_item", x, k, grad=True)
    c("get_item", x, Key(3), name="get_item/out-of-range")
    c("get_item", x, Key(0, 0, 0, 0), name="get_item/too-many")
    groups["getitem"] = cases_cur

    # ---------------------------------------------------------------- rearrange
    cases_cur = []
    img = f32(2, 4, 6, 3)
    for pat, kw in [("b h w c -> b c h w", {}), ("b h w c -> (b h) w c", {}), ("b h w c -> h (b w) c", {}),
                    ("b h w c -> b (c h w)", {}), ("b (h1 h) (w1 w) c -> (b h1 w1) h w c", {"h1": 2, "w1": 2}),
                    ("b (h h1) (w w1) c -> b h w (c h1 w1)", {"h1": 2, "w1": 3})]:
        c("rearrange", img, pat, **kw)
    groups["rearrange"] = cases_cur

    return groups
