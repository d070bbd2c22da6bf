"""Golden data for @kx/core routines and special functions.

Writes packages/core/test/golden/routines.json: special-function values and numpy/jax results for the
linalg (cholesky, triangular_solve, lu, qr, eigh, svd) and fft primitives, in float64.

Special functions are evaluated with mpmath at 40 digits (scipy's gammaln loses ~1e-13 relative near
x = 1, so it cannot judge a 1e-14 implementation); scipy's values are stored beside them.
mpmath is a small pure-Python package (pip install mpmath).

Run: KERAS_BACKEND=jax .venv/bin/python tools/golden/core_routines.py
"""

import json
import os

from _common import enable_x64, golden_path, nested

jax = enable_x64()

import jax.numpy as jnp  # noqa: E402
import mpmath as mp  # noqa: E402
import numpy as np  # noqa: E402
import scipy.special as sp  # noqa: E402
from jax import lax  # noqa: E402

OUT = golden_path("core", "routines.json")


rng = np.random.default_rng(20240611)
mp.mp.dps = 40


def hp(fn, *cols):
    """Evaluates fn elementwise in mpmath; maps poles/domain errors to what float64 functions return."""
    out = []
    for args in zip(*cols):
        try:
            v = fn(*[mp.mpf(float(a)) for a in args])
            out.append(float(v.real) if isinstance(v, mp.mpc) else float(v))
        except (ValueError, ZeroDivisionError):
            out.append(float("nan"))
    return np.array(out)


def mp_lgamma(x):
    if x <= 0 and x == mp.floor(x):
        return mp.inf
    return mp.log(abs(mp.gamma(x)))


def mp_digamma(x):
    if x <= 0 and x == mp.floor(x):
        return mp.nan
    return mp.digamma(x)


def mp_erfinv(y):
    if abs(y) > 1:
        return mp.nan
    if abs(y) == 1:
        return mp.inf * mp.sign(y)
    return mp.erfinv(y)


def mp_igamma(a, x):
    if a < 0 or x < 0:
        return mp.nan
    if a == 0:
        return mp.mpf(1) if x > 0 else mp.nan
    if x == mp.inf:
        return mp.mpf(1)
    return mp.gammainc(a, 0, x, regularized=True)


def special():
    erf_x = np.concatenate([
        np.linspace(-6, 6, 121), [1e-300, 1e-10, -1e-8, 0.0, 2.4999, 2.5, 2.5001, 5.9, 6.1, 0.5, 0.49],
    ])
    erfinv_y = np.concatenate([
        np.linspace(-0.999, 0.999, 81),
        [1e-12, -1e-7, 0.5, 0.5000001, 0.9, 0.99, 0.9999, 1 - 1e-10, 1 - 2**-52, -1 + 2**-53, 1.0, -1.0, 1.5],
    ])
    lg_x = np.concatenate([
        np.linspace(0.05, 12, 120), [1e-300, 1e-8, 0.69, 0.7, 0.71, 1.0, 1.001, 0.999, 1.5, 2.0, 2.001, 1.999,
                                     2.5, 9.99, 10.0, 10.01, 50.5, 171.7, 1e5, 1e15, 1e300],
        [-0.5, -1.5, -2.5, -0.1, -3.7, -10.2, -100.3, 0.0, -1.0, -2.0],
    ])
    dg_x = np.concatenate([
        np.linspace(0.05, 15, 120),
        [1e-10, 1.4616321449683622, 1.4616321449683625, 1.46, 1.47, 1.2, 1.21, 1.72, 1.71, 9.99, 10.0, 1e5, 1e300],
        [-0.5, -1.5, -2.3, -0.1, -10.7, 0.0, -1.0, -3.0],
    ])
    ig_a, ig_x = [], []
    for a in [0.1, 0.5, 1.0, 1.5, 2.0, 3.7, 9.5, 10.0, 10.5, 25.0, 50.0, 100.0, 500.0]:
        for r in [0.0, 0.01, 0.1, 0.5, 0.9, 1.0, 1.1, 1.5, 2.0, 3.0, 10.0]:
            ig_a.append(a)
            ig_x.append(a * r)
    for a, x in [(0.0, 1.0), (0.0, 0.0), (1.0, np.inf), (1.0, -1.0), (-1.0, 1.0), (3.0, 1e-200), (1e-3, 1e-3)]:
        ig_a.append(a)
        ig_x.append(x)
    ig_a = np.array(ig_a)
    ig_x = np.array(ig_x)
    # Hurwitz zeta, used internally by lgamma/digamma series.
    hz = [(s, a) for s in [2.0, 3.0, 5.5, 20.0, 41.0] for a in [0.3, 1.0, 1.4616321449683623, 2.0, 7.5]]
    return {
        "erf": {"x": nested(erf_x), "y": nested(hp(mp.erf, erf_x)), "scipy": nested(sp.erf(erf_x))},
        "erfinv": {"x": nested(erfinv_y), "y": nested(hp(mp_erfinv, erfinv_y)), "scipy": nested(sp.erfinv(erfinv_y))},
        "lgamma": {"x": nested(lg_x), "y": nested(hp(mp_lgamma, lg_x)), "scipy": nested(sp.gammaln(lg_x))},
        "digamma": {"x": nested(dg_x), "y": nested(hp(mp_digamma, dg_x)), "scipy": nested(sp.psi(dg_x))},
        "igamma": {"a": nested(ig_a), "x": nested(ig_x), "y": nested(hp(mp_igamma, ig_a, ig_x)),
                   "scipy": nested(sp.gammainc(ig_a, ig_x))},
        "hurwitz_zeta": {"s": [s for s, _ in hz], "a": [a for _, a in hz],
                         "y": [float(mp.zeta(s, a)) for s, a in hz]},
        # What jax.lax does at the edges where scipy differs (digamma poles).
        "jax_digamma_edges": {"x": nested([0.0, -1.0, -2.0]), "y": nested(lax.digamma(jnp.array([0.0, -1.0, -2.0])))},
    }


def spd(n, batch=()):
    a = rng.standard_normal((*batch, n, n))
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)


def linalg():
    out = {"cholesky": [], "triangular_solve": [], "lu": [], "qr": [], "eigh": [], "svd": []}
    for shape in [(1, 1), (3, 3), (2, 4, 4), (5, 5)]:
        a = spd(shape[-1], shape[:-2])
        out["cholesky"].append({"a": nested(a), "l": nested(np.linalg.cholesky(a))})
    for left in [True, False]:
        for lower in [True, False]:
            for trans in [False, True]:
                for unit in [False, True]:
                    m, n = 4, 3
                    a = rng.standard_normal((2, m, m)) + 3 * np.eye(m)
                    b = rng.standard_normal((2, m, n) if left else (2, n, m))
                    x = lax.linalg.triangular_solve(
                        jnp.asarray(a), jnp.asarray(b), left_side=left, lower=lower,
                        transpose_a=trans, unit_diagonal=unit,
                    )
                    out["triangular_solve"].append({
                        "a": nested(a), "b": nested(b), "leftSide": left, "lower": lower, "transposeA": trans,
                        "unitDiagonal": unit, "x": nested(np.asarray(x)),
                    })
    for shape in [(3, 3), (4, 4), (2, 5, 5), (3, 5), (5, 3)]:
        a = rng.standard_normal(shape)
        lu, piv, perm = lax.linalg.lu(jnp.asarray(a))
        out["lu"].append({"a": nested(a), "lu": nested(np.asarray(lu)), "pivots": nested(np.asarray(piv)),
                          "permutation": nested(np.asarray(perm))})
    for shape in [(3, 3), (5, 3), (3, 5), (2, 4, 2)]:
        a = rng.standard_normal(shape)
        for full in [False, True]:
            q, r = np.linalg.qr(a, mode="complete" if full else "reduced")
            out["qr"].append({"a": nested(a), "fullMatrices": full, "q": nested(q), "r": nested(r)})
    for n, batch in [(1, ()), (3, ()), (4, (2,)), (6, ())]:
        a = rng.standard_normal((*batch, n, n))
        for lower in [True, False]:
            # lax.linalg.eigh reads one triangle only; store the full (non-symmetric) input.
            v, w = lax.linalg.eigh(jnp.asarray(a), lower=lower, symmetrize_input=False)
            out["eigh"].append({"a": nested(a), "lower": lower, "v": nested(np.asarray(v)), "w": nested(np.asarray(w))})
    for shape in [(3, 3), (5, 3), (3, 5), (2, 4, 3), (1, 1)]:
        a = rng.standard_normal(shape)
        for full in [False, True]:
            u, s, vh = np.linalg.svd(a, full_matrices=full)
            out["svd"].append({"a": nested(a), "fullMatrices": full, "u": nested(u), "s": nested(s), "vh": nested(vh)})
    return out


def fft():
    cases = []
    for ftype, lengths, shape in [
        ("fft", [8], (8,)), ("fft", [5], (2, 5)), ("fft", [3, 4], (2, 3, 4)), ("fft", [1], (1,)),
        ("ifft", [6], (6,)), ("ifft", [7], (3, 7)), ("ifft", [2, 3], (2, 3)),
        ("rfft", [8], (8,)), ("rfft", [7], (2, 7)), ("rfft", [3, 4], (3, 4)),
        ("irfft", [8], (5,)), ("irfft", [7], (2, 4)), ("irfft", [3, 4], (3, 3)),
    ]:
        re = rng.standard_normal(shape)
        im = rng.standard_normal(shape)
        if ftype == "rfft":
            x = jnp.asarray(re)
        else:
            x = jnp.asarray(re + 1j * im)
        kind = {"fft": lax.FftType.FFT, "ifft": lax.FftType.IFFT, "rfft": lax.FftType.RFFT,
                "irfft": lax.FftType.IRFFT}[ftype]
        y = np.asarray(lax.fft(x, kind, tuple(lengths)))
        case = {"fftType": ftype, "fftLengths": lengths, "re": nested(re), "out_re": nested(np.real(y))}
        if ftype != "rfft":
            case["im"] = nested(im)
        if ftype != "irfft":
            case["out_im"] = nested(np.imag(y))
        cases.append(case)
    return cases


def main():
    data = {"special": special(), **linalg(), "fft": fft(), "versions": {
        "jax": jax.__version__, "numpy": np.__version__, "scipy": __import__("scipy").__version__}}
    with open(OUT, "w") as f:
        json.dump(data, f)
    print("wrote", os.path.relpath(OUT))


if __name__ == "__main__":
    main()
