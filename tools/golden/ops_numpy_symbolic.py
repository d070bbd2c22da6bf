"""Symbolic cases for tools/golden/ops_numpy.py: output shape/dtype of keras.ops on KerasTensors with None dims.

Each case: op name, args (KT(shape, dtype) = symbolic tensor, other values plain), kwargs. The golden
value is Keras's `compute_output_spec` result (shape with None → null, dtype).
"""


def build_symbolic_cases(KT):
    x = KT((None, 3), "float32")
    xi = KT((None, 3), "int32")
    x3 = KT((None, 4, 3), "float32")
    v = KT((3,), "float32")
    m = KT((None, 3, 3), "float32")
    cases = []

    def c(op, *args, **kwargs):
        cases.append((op, list(args), kwargs))

    for op in ["abs", "negative", "square", "sqrt", "exp", "log", "sin", "tanh", "floor", "ceil", "round", "sign", "trunc",
               "reciprocal", "isnan", "isfinite", "logical_not", "expm1", "log1p", "arcsinh", "cbrt", "sinc", "signbit",
               "nan_to_num", "copy", "real", "imag", "conj", "fabs", "exp2", "log2", "log10", "deg2rad", "rad2deg"]:
        c(op, x)
        c(op, xi)
    for op in ["add", "subtract", "multiply", "divide", "maximum", "minimum", "power", "mod", "floor_divide", "equal",
               "less", "greater_equal", "logical_and", "arctan2", "hypot", "logaddexp", "fmax", "heaviside", "divide_no_nan",
               "isclose"]:
        c(op, x, v)
        c(op, xi, 2)
        c(op, x3, KT((None, 1, 3), "float32"))
    for op in ["sum", "mean", "max", "min", "prod", "var", "std", "all", "any", "argmax", "argmin", "amax", "ptp",
               "nansum", "nanmean", "nanmax", "count_nonzero", "median", "logsumexp"]:
        c(op, x3, axis=1)
        if op not in ("argmax", "argmin", "count_nonzero"):
            c(op, x3, axis=-1, keepdims=True)
            c(op, x3, axis=[1, 2])
        c(op, xi, axis=0)
    for op in ["cumsum", "cumprod"]:
        c(op, x3, axis=1)
    c("reshape", x3, (-1, 12))
    c("reshape", x3, (-1, 2, 6))
    c("transpose", x3)
    c("transpose", x3, axes=(0, 2, 1))
    c("expand_dims", x, 1)
    c("expand_dims", x, -1)
    c("squeeze", KT((None, 1, 3), "float32"), axis=1)
    c("broadcast_to", v, (2, 3))
    c("moveaxis", x3, 0, -1)
    c("swapaxes", x3, 1, 2)
    c("flip", x3, axis=1)
    c("roll", x3, 1, axis=2)
    c("tile", x, (1, 2))
    c("repeat", x, 2, axis=1)
    c("pad", x3, ((0, 0), (1, 1), (2, 0)))
    c("concatenate", [x, x], axis=0)
    c("concatenate", [x, KT((None, 2), "float32")], axis=1)
    c("stack", [x, x], axis=1)
    c("split", x3, 2, axis=1)
    c("unstack", x3, axis=1)
    c("matmul", x3, KT((3, 5), "float32"))
    c("matmul", m, m)
    c("matmul", x, v)
    c("dot", x, KT((3, 2), "float32"))
    c("tensordot", x3, KT((3, 2), "float32"), axes=1)
    c("einsum", "bij,jk->bik", x3, KT((3, 2), "float32"))
    c("einsum", "bij->bji", x3)
    c("outer", v, v)
    c("where", KT((None, 3), "bool"), x, 0.0)
    c("clip", x, 0.0, 1.0)
    c("take", x3, KT((2,), "int32"), axis=1)
    c("take_along_axis", x3, KT((None, 1, 3), "int32"), axis=1)
    c("sort", x3, axis=1)
    c("argsort", x3, axis=-1)
    c("top_k", x3, 2)
    c("tril", m)
    c("triu", m, k=1)
    c("diagonal", m, axis1=1, axis2=2)
    c("trace", m, axis1=1, axis2=2)
    c("diff", x3, axis=1)
    c("zeros_like", x)
    c("ones_like", xi, dtype="float32")
    c("full_like", x, 2.0)
    c("cast", x, "int32")
    c("stop_gradient", x)
    c("get_item", x3, (slice(None), 1))
    c("get_item", x3, (Ellipsis, slice(0, 2)))
    c("get_item", x3, (slice(None), None))
    c("rearrange", x3, "b h w -> b w h")
    c("rearrange", x3, "b h w -> b (h w)")
    c("quantile", x3, 0.5, axis=1)
    c("linalg.inv", m)
    c("linalg.det", m)
    c("linalg.cholesky", m)
    c("linalg.norm", x3, axis=-1)
    c("linalg.solve", m, KT((None, 3, 2), "float32"))
    c("math.logsumexp", x3, axis=1)
    c("math.segment_sum", x, KT((None,), "int32"), num_segments=4)
    c("math.extract_sequences", KT((None, 16), "float32"), 4, 2)
    c("average", x3, axis=1)
    c("vdot", v, v)
    c("kron", KT((2, 3), "float32"), KT((2, 2), "float32"))
    c("trapezoid", x3, axis=1)
    c("searchsorted", v, x)
    c("digitize", x, v)
    c("isin", x, v)
    return cases
