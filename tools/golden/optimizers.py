"""Golden data for @kx/trainers optimizers and learning-rate schedules.

Writes packages/trainers/test/golden/optimizers.json:
- "optimizers": for each case, a Keras optimizer envelope (keras.optimizers.serialize), optional
  extras (exclude_from_weight_decay), the initial variables, the gradients of each step, the
  variable values after each apply_gradients call, and the optimizer variables (path, shape, dtype,
  values) after the last step.
- "schedules": for each schedule, its envelope and its value at several steps.

Run: KERAS_BACKEND=jax .venv/bin/python tools/golden/optimizers.py
"""

import json
import math
import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import optimizers as O  # noqa: E402
from keras.optimizers import schedules as S  # noqa: E402

OUT = os.path.join(
    os.path.dirname(__file__), "..", "..", "packages", "trainers", "test", "golden", "optimizers.json"
)

rng = np.random.default_rng(20240613)
STEPS = 5
INIT = {
    "kernel": rng.standard_normal((3, 4)).astype("float32"),
    "bias": rng.standard_normal((4,)).astype("float32"),
}
GRADS = [
    {k: rng.standard_normal(v.shape).astype("float32") for k, v in INIT.items()}
    for _ in range(STEPS)
]


def flat(a):
    a = np.asarray(a)
    if a.dtype == np.bool_:
        a = a.astype("int32")
    data = [x if math.isfinite(x) else str(x) for x in a.reshape(-1).tolist()]  # "inf"/"nan" (strict JSON)
    return {"shape": list(a.shape), "dtype": str(a.dtype), "data": data}


def run_case(name, make, grads=GRADS, exclude=None):
    variables = [keras.Variable(INIT[k].copy(), name=k) for k in INIT]
    opt = make()
    extras = {}
    if exclude is not None:
        opt.exclude_from_weight_decay(var_names=exclude)
        extras["exclude_var_names"] = exclude
    trajectory = []
    stateless = isinstance(opt, O.LossScaleOptimizer)
    if stateless:
        # NOTE: on JAX, LossScaleOptimizer only works through stateless_apply (as Keras's JAX trainer uses it).
        opt.build(variables)
    for step in range(STEPS):
        step_grads = [grads[step][v.name] for v in variables]
        if stateless:
            new_vars, new_opt_vars = opt.stateless_apply(
                [v.value for v in opt.variables], step_grads, [v.value for v in variables]
            )
            for v, x in zip(variables, new_vars):
                v.assign(x)
            for v, x in zip(opt.variables, new_opt_vars):
                v.assign(x)
        else:
            opt.apply_gradients(list(zip(step_grads, variables)))
        trajectory.append({v.name: flat(v.numpy()) for v in variables})
    return {
        "name": name,
        "envelope": O.serialize(opt),
        **extras,
        "grads": [{k: flat(g[k]) for k in g} for g in grads],
        "trajectory": trajectory,
        "optimizer_variables": [
            {"path": v.path, **flat(np.asarray(v.numpy()))} for v in opt.variables
        ],
    }


def exp_decay():
    return S.ExponentialDecay(0.1, decay_steps=2, decay_rate=0.5)


def cosine_warmup():
    return S.CosineDecay(0.0, decay_steps=4, warmup_target=0.05, warmup_steps=2)


BAD_GRADS = [dict(g) for g in GRADS]
BAD_GRADS[2] = {k: v.copy() for k, v in GRADS[2].items()}
BAD_GRADS[2]["bias"][1] = np.inf

CASES = [
    ("sgd", lambda: O.SGD(learning_rate=0.1)),
    ("sgd_momentum", lambda: O.SGD(learning_rate=0.1, momentum=0.9)),
    ("sgd_nesterov", lambda: O.SGD(learning_rate=0.1, momentum=0.9, nesterov=True)),
    ("sgd_schedule", lambda: O.SGD(learning_rate=exp_decay())),
    ("sgd_weight_decay", lambda: O.SGD(learning_rate=0.1, weight_decay=0.1)),
    ("sgd_clipnorm", lambda: O.SGD(learning_rate=0.1, clipnorm=0.5)),
    ("sgd_clipvalue", lambda: O.SGD(learning_rate=0.1, clipvalue=0.3)),
    ("sgd_global_clipnorm", lambda: O.SGD(learning_rate=0.1, global_clipnorm=1.0)),
    ("sgd_ema", lambda: O.SGD(learning_rate=0.1, use_ema=True, ema_momentum=0.9, ema_overwrite_frequency=2)),
    ("sgd_accumulation", lambda: O.SGD(learning_rate=0.1, momentum=0.5, gradient_accumulation_steps=2)),
    ("sgd_loss_scale", lambda: O.SGD(learning_rate=0.1, loss_scale_factor=4.0)),
    ("adam", lambda: O.Adam()),
    ("adam_lr", lambda: O.Adam(learning_rate=0.05, beta_1=0.8, beta_2=0.95, epsilon=1e-4)),
    ("adam_amsgrad", lambda: O.Adam(learning_rate=0.05, amsgrad=True)),
    ("adam_weight_decay", lambda: O.Adam(learning_rate=0.05, weight_decay=0.2)),
    ("adam_clipnorm", lambda: O.Adam(learning_rate=0.05, clipnorm=0.7)),
    ("adam_global_clipnorm", lambda: O.Adam(learning_rate=0.05, global_clipnorm=0.7)),
    ("adam_ema", lambda: O.Adam(learning_rate=0.05, use_ema=True)),
    ("adam_ema_overwrite", lambda: O.Adam(learning_rate=0.05, use_ema=True, ema_momentum=0.5, ema_overwrite_frequency=3)),
    ("adam_accumulation", lambda: O.Adam(learning_rate=0.05, gradient_accumulation_steps=2)),
    ("adam_accumulation_ema", lambda: O.Adam(learning_rate=0.05, gradient_accumulation_steps=2, use_ema=True, ema_momentum=0.5, ema_overwrite_frequency=2)),
    ("adam_cosine", lambda: O.Adam(learning_rate=cosine_warmup())),
    ("adamw", lambda: O.AdamW(learning_rate=0.05)),
    ("adamw_exclude", lambda: O.AdamW(learning_rate=0.05, weight_decay=0.3), ["bias"]),
    ("adamw_amsgrad_clipvalue", lambda: O.AdamW(learning_rate=0.05, amsgrad=True, clipvalue=0.5)),
    ("rmsprop", lambda: O.RMSprop(learning_rate=0.01)),
    ("rmsprop_centered", lambda: O.RMSprop(learning_rate=0.01, centered=True)),
    ("rmsprop_momentum", lambda: O.RMSprop(learning_rate=0.01, momentum=0.9)),
    ("rmsprop_centered_momentum", lambda: O.RMSprop(learning_rate=0.01, rho=0.8, momentum=0.5, centered=True, epsilon=1e-3)),
    ("adadelta", lambda: O.Adadelta(learning_rate=1.0)),
    ("adadelta_rho", lambda: O.Adadelta(learning_rate=0.5, rho=0.8, epsilon=1e-4)),
    ("adagrad", lambda: O.Adagrad(learning_rate=0.1)),
    ("adagrad_init", lambda: O.Adagrad(learning_rate=0.1, initial_accumulator_value=0.5, epsilon=1e-3)),
    ("adamax", lambda: O.Adamax(learning_rate=0.05)),
    ("nadam", lambda: O.Nadam(learning_rate=0.05)),
    ("nadam_accumulation", lambda: O.Nadam(learning_rate=0.05, gradient_accumulation_steps=2)),
    ("ftrl", lambda: O.Ftrl(learning_rate=0.1)),
    ("ftrl_reg", lambda: O.Ftrl(learning_rate=0.1, learning_rate_power=-0.7, initial_accumulator_value=0.2, l1_regularization_strength=0.01, l2_regularization_strength=0.02, l2_shrinkage_regularization_strength=0.03, beta=0.1)),
    ("lamb", lambda: O.Lamb(learning_rate=0.05)),
    ("lion", lambda: O.Lion(learning_rate=0.01)),
    ("lion_wd", lambda: O.Lion(learning_rate=0.01, beta_1=0.8, beta_2=0.9, weight_decay=0.1)),
    ("adafactor", lambda: O.Adafactor(learning_rate=0.05)),
    ("adafactor_schedule", lambda: O.Adafactor(learning_rate=exp_decay(), clip_threshold=0.5, relative_step=False)),
    ("muon", lambda: O.Muon(learning_rate=0.05)),
    ("muon_options", lambda: O.Muon(learning_rate=0.05, nesterov=False, ns_steps=3, rms_rate=None, adam_lr_ratio=0.5, weight_decay=0.1, adam_weight_decay=0.05)),
    ("schedule_free_adamw", lambda: O.ScheduleFreeAdamW(learning_rate=0.05)),
    ("schedule_free_adamw_warmup", lambda: O.ScheduleFreeAdamW(learning_rate=0.05, warmup_steps=3, weight_decay=0.1)),
    ("loss_scale", lambda: O.LossScaleOptimizer(O.Adam(learning_rate=0.05), initial_scale=8.0, dynamic_growth_steps=2)),
    ("multi", lambda: O.MultiOptimizer(O.OptimizerMap(O.SGD(learning_rate=0.1, momentum=0.9), {"bias": O.Adam(learning_rate=0.05)}))),
]


def optimizer_cases():
    out = []
    for case in CASES:
        name, make = case[0], case[1]
        exclude = case[2] if len(case) > 2 else None
        grads = BAD_GRADS if name == "loss_scale" else GRADS
        out.append(run_case(name, make, grads, exclude))
    return out


SCHEDULES = [
    ("exponential", S.ExponentialDecay(0.1, decay_steps=3, decay_rate=0.5)),
    ("exponential_staircase", S.ExponentialDecay(0.1, decay_steps=3, decay_rate=0.5, staircase=True)),
    ("piecewise", S.PiecewiseConstantDecay([2, 5], [1.0, 0.5, 0.1])),
    ("polynomial", S.PolynomialDecay(0.1, decay_steps=6, end_learning_rate=0.01, power=0.5)),
    ("polynomial_cycle", S.PolynomialDecay(0.1, decay_steps=4, power=2.0, cycle=True)),
    ("inverse_time", S.InverseTimeDecay(0.1, decay_steps=2, decay_rate=0.5)),
    ("inverse_time_staircase", S.InverseTimeDecay(0.1, decay_steps=2, decay_rate=0.5, staircase=True)),
    ("cosine", S.CosineDecay(0.1, decay_steps=8, alpha=0.1)),
    ("cosine_warmup", S.CosineDecay(0.0, decay_steps=8, warmup_target=0.2, warmup_steps=3)),
    ("cosine_restarts", S.CosineDecayRestarts(0.1, first_decay_steps=3)),
    ("cosine_restarts_tmul1", S.CosineDecayRestarts(0.1, first_decay_steps=3, t_mul=1.0, m_mul=0.5, alpha=0.1)),
    ("cosine_restarts_mmul", S.CosineDecayRestarts(0.1, first_decay_steps=2, t_mul=1.5, m_mul=0.8)),
]
SCHEDULE_STEPS = [0, 1, 2, 3, 4, 5, 6, 7, 9, 12, 20]


def schedule_cases():
    out = []
    for name, sched in SCHEDULES:
        values = [float(np.asarray(sched(np.int32(s)))) for s in SCHEDULE_STEPS]
        assert all(math.isfinite(v) for v in values), name
        out.append({"name": name, "envelope": S.serialize(sched), "steps": SCHEDULE_STEPS, "values": values})
    return out


def main():
    data = {
        "keras_version": keras.__version__,
        "init": {k: flat(v) for k, v in INIT.items()},
        "optimizers": optimizer_cases(),
        "schedules": schedule_cases(),
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(data, f, allow_nan=False)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
