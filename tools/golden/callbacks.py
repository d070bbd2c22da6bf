"""Golden data for @kx/trainers callbacks.

Writes packages/trainers/test/golden/callbacks.json:
- "sequences": the hooks (name, index, log keys in Keras's order) that fit with validation data,
  evaluate and predict call on a recording callback.
- "early_stopping", "reduce_lr", "checkpoint_best", "lr_scheduler": callbacks driven epoch by epoch
  with given logs on a compiled model (what stops, which weights are restored, learning rates).
- "csv": the text CSVLogger writes for given logs.
- "format": Python format specs applied to numbers, and ModelCheckpoint file names.

Run: KERAS_BACKEND=jax .venv/bin/python tools/golden/callbacks.py
"""

import json
import math
import os
import tempfile
import warnings

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import callbacks as C  # noqa: E402

OUT = os.path.join(
    os.path.dirname(__file__), "..", "..", "packages", "trainers", "test", "golden", "callbacks.json"
)
warnings.simplefilter("ignore")

HOOKS = [
    "on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end",
    "on_train_batch_begin", "on_train_batch_end", "on_test_begin", "on_test_end",
    "on_test_batch_begin", "on_test_batch_end", "on_predict_begin", "on_predict_end",
    "on_predict_batch_begin", "on_predict_batch_end",
]


class Recorder(C.Callback):
    def __init__(self):
        super().__init__()
        self.events = []


def _make_hook(name):
    indexed = "epoch" in name or "batch" in name

    def hook(self, *args, **kwargs):
        if indexed:
            index = args[0]
            logs = args[1] if len(args) > 1 else kwargs.get("logs")
        else:
            index = None
            logs = args[0] if args else kwargs.get("logs")
        self.events.append([name, index, None if logs is None else list(logs.keys())])

    return hook


for _h in HOOKS:
    setattr(Recorder, _h, _make_hook(_h))


def small_model(metrics=("mae",)):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse", metrics=list(metrics))
    return model


rng = np.random.default_rng(7)
X = rng.standard_normal((10, 2)).astype("float32")
Y = rng.standard_normal((10, 1)).astype("float32")
XV = rng.standard_normal((6, 2)).astype("float32")
YV = rng.standard_normal((6, 1)).astype("float32")


def sequences():
    out = {}
    model = small_model()
    rec = Recorder()
    model.fit(X, Y, batch_size=4, epochs=2, validation_data=(XV, YV), verbose=0, shuffle=False, callbacks=[rec])
    out["fit"] = {"samples": 10, "val_samples": 6, "batch_size": 4, "epochs": 2, "metrics": ["mae"], "events": rec.events}
    rec = Recorder()
    model.fit(X, Y, batch_size=4, epochs=3, validation_data=(XV, YV), validation_freq=2, verbose=0, shuffle=False, callbacks=[rec])
    out["fit_validation_freq"] = {"samples": 10, "val_samples": 6, "batch_size": 4, "epochs": 3, "validation_freq": 2, "metrics": ["mae"], "events": rec.events}
    rec = Recorder()
    model.evaluate(XV, YV, batch_size=4, verbose=0, callbacks=[rec])
    out["evaluate"] = {"samples": 6, "batch_size": 4, "events": rec.events}
    rec = Recorder()
    model.predict(XV, batch_size=4, verbose=0, callbacks=[rec])
    out["predict"] = {"samples": 6, "batch_size": 4, "events": rec.events}
    model = small_model(metrics=("accuracy", "mae"))
    rec = Recorder()
    model.fit(X, Y, batch_size=5, epochs=1, validation_data=(XV, YV), verbose=0, shuffle=False, callbacks=[rec])
    out["fit_sorted_keys"] = {"samples": 10, "val_samples": 6, "batch_size": 5, "epochs": 1, "metrics": ["accuracy", "mae"], "events": rec.events}
    return out


def drive(model, cb, epoch_logs, mark_weights=False):
    """Runs the epoch hooks of a training loop by hand with the given logs."""
    cb.set_model(model)
    cb.set_params({"epochs": len(epoch_logs), "steps": 1, "verbose": 0})
    model.stop_training = False
    cb.on_train_begin({})
    ran = 0
    lrs = []
    for epoch, logs in enumerate(epoch_logs):
        cb.on_epoch_begin(epoch, {})
        if mark_weights:
            model.set_weights([np.full(w.shape, float(epoch), "float32") for w in model.get_weights()])
        cb.on_epoch_end(epoch, dict(logs))
        lrs.append(float(np.asarray(model.optimizer.learning_rate)))
        ran += 1
        if model.stop_training:
            break
    cb.on_train_end({})
    return ran, lrs


def trained_model(metrics):
    model = small_model(metrics)
    model.fit(X, Y, batch_size=5, epochs=1, verbose=0)
    return model


LOSSES = [1.0, 0.8, 0.85, 0.9, 0.79, 0.95, 1.0, 1.1, 0.5, 0.6]
ACCS = [0.5, 0.6, 0.6, 0.55, 0.7, 0.7, 0.69, 0.4, 0.9, 0.8]


def early_stopping():
    cases = [
        ("patience0", {"monitor": "val_loss"}, "val_loss", LOSSES),
        ("patience2", {"monitor": "val_loss", "patience": 2}, "val_loss", LOSSES),
        ("min_delta", {"monitor": "val_loss", "patience": 1, "min_delta": 0.05}, "val_loss", LOSSES),
        ("restore", {"monitor": "val_loss", "patience": 3, "restore_best_weights": True}, "val_loss", LOSSES),
        ("baseline", {"monitor": "val_loss", "patience": 3, "baseline": 0.7}, "val_loss", LOSSES),
        ("baseline_restore", {"monitor": "val_loss", "patience": 2, "baseline": 0.7, "restore_best_weights": True}, "val_loss", LOSSES),
        ("start_from_epoch", {"monitor": "val_loss", "patience": 1, "start_from_epoch": 3}, "val_loss", LOSSES),
        ("start_restore", {"monitor": "val_loss", "patience": 2, "start_from_epoch": 2, "restore_best_weights": True}, "val_loss", LOSSES),
        ("auto_accuracy", {"monitor": "val_accuracy", "patience": 2}, "val_accuracy", ACCS),
        ("max_mode", {"monitor": "val_mae", "mode": "max", "patience": 1}, "val_mae", ACCS),
        ("min_mode_accuracy", {"monitor": "val_accuracy", "mode": "min", "patience": 1}, "val_accuracy", ACCS),
        ("missing_monitor", {"monitor": "val_nothing", "mode": "min", "patience": 0}, "val_loss", LOSSES),
    ]
    out = []
    for name, args, key, values in cases:
        model = trained_model(["accuracy", "mae"])
        cb = C.EarlyStopping(**args)
        ran, _ = drive(model, cb, [{key: v, "loss": 1.0} for v in values], mark_weights=True)
        restored = float(model.get_weights()[0].reshape(-1)[0])
        out.append({
            "name": name, "args": args, "key": key, "values": values, "epochs_run": ran,
            "stopped_epoch": cb.stopped_epoch, "best_epoch": cb.best_epoch, "wait": cb.wait,
            "best": None if cb.best is None else float(cb.best), "weights_epoch": restored,
        })
    return out


def reduce_lr():
    cases = [
        ("default", {"patience": 2}, "val_loss", LOSSES),
        ("factor_cooldown", {"patience": 1, "factor": 0.5, "cooldown": 2}, "val_loss", LOSSES),
        ("min_lr", {"patience": 0, "factor": 0.2, "min_lr": 0.004, "min_delta": 0.0}, "val_loss", LOSSES),
        ("max_mode", {"monitor": "val_accuracy", "patience": 1, "factor": 0.5}, "val_accuracy", ACCS),
        ("min_delta", {"patience": 1, "factor": 0.5, "min_delta": 0.1}, "val_loss", LOSSES),
    ]
    out = []
    for name, args, key, values in cases:
        model = trained_model(["accuracy"])
        cb = C.ReduceLROnPlateau(**args)
        _, lrs = drive(model, cb, [{key: v} for v in values])
        out.append({"name": name, "args": args, "key": key, "values": values, "initial_lr": 0.01, "lrs": lrs})
    # learning_rate is added to the logs other callbacks see.
    model = trained_model(["accuracy"])
    logs = {"val_loss": 1.0}
    cb = C.ReduceLROnPlateau()
    cb.set_model(model)
    cb.on_train_begin()
    cb.on_epoch_end(0, logs)
    out.append({"name": "logs", "logs_after": logs})
    return out


def lr_scheduler():
    model = trained_model([])
    seen = []

    def schedule(epoch, lr):
        seen.append([epoch, lr])
        return lr * 0.5 if epoch >= 2 else lr + 0.1

    cb = C.LearningRateScheduler(schedule)
    logs = []
    cb.set_model(model)
    for epoch in range(5):
        cb.on_epoch_begin(epoch)
        l = {"loss": 1.0}
        cb.on_epoch_end(epoch, l)
        logs.append(l)
    return {"initial_lr": 0.01, "seen": seen, "logs": logs}


def checkpoint_best():
    cases = [
        ("min", {"monitor": "val_loss", "save_best_only": True}, "val_loss", LOSSES),
        ("max_auto", {"monitor": "val_accuracy", "save_best_only": True}, "val_accuracy", ACCS),
        ("threshold", {"monitor": "val_loss", "save_best_only": True, "initial_value_threshold": 0.82}, "val_loss", LOSSES),
        ("all", {"monitor": "val_loss"}, "val_loss", LOSSES),
    ]
    out = []
    for name, args, key, values in cases:
        model = trained_model(["accuracy"])
        with tempfile.TemporaryDirectory() as d:
            cb = C.ModelCheckpoint(os.path.join(d, "m_{epoch:02d}.weights.h5"), save_weights_only=True, **args)
            drive(model, cb, [{key: v} for v in values])
            saved = sorted(os.listdir(d))
        out.append({"name": name, "args": args, "key": key, "values": values, "saved": saved})
    # Saving every 3 batches (file names with {batch}).
    model = trained_model([])
    with tempfile.TemporaryDirectory() as d:
        cb = C.ModelCheckpoint(os.path.join(d, "e{epoch}_b{batch}.weights.h5"), save_weights_only=True, save_freq=3)
        model.fit(X, Y, batch_size=2, epochs=2, verbose=0, shuffle=False, callbacks=[cb])
        saved = sorted(os.listdir(d))
    out.append({"name": "save_freq", "samples": 10, "batch_size": 2, "epochs": 2, "save_freq": 3, "saved": saved})
    return out


def csv_cases():
    out = []
    runs = [
        ("train_val", {}, [[{"loss": 0.5, "accuracy": 0.25, "val_loss": 0.75, "val_accuracy": 1.0}, {"loss": 1 / 3, "accuracy": 0.1, "val_loss": 2.5e-05, "val_accuracy": float("nan")}]]),
        ("train_only", {}, [[{"loss": 0.5, "mae": 1.0}, {"loss": 0.25, "mae": 1e16}]]),
        ("separator", {"separator": ";"}, [[{"loss": 0.5, "val_loss": 1.5}]]),
        ("append", {"append": True}, [[{"loss": 0.5}], [{"loss": 0.25}, {"loss": 0.125}]]),
        ("missing_key", {}, [[{"loss": 0.5, "acc": 0.1}, {"loss": 0.4}]]),
    ]
    for name, args, fits in runs:
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "log.csv")
            cb = C.CSVLogger(path, **args)
            for epochs in fits:
                cb.on_train_begin()
                for e, logs in enumerate(epochs):
                    cb.on_epoch_end(e, dict(logs))
                cb.on_train_end()
            with open(path, "rb") as f:
                text = f.read().decode()
        enc = [[{k: (v if math.isfinite(v) else str(v)) for k, v in logs.items()} for logs in epochs] for epochs in fits]
        out.append({"name": name, "args": args, "fits": enc, "text": text})
    return out


FLOAT_VALUES = [0.0, -0.0, 1.0, -1.5, 0.1, 1 / 3, 2.5, 0.125, 0.375, 123.456, 1234567.891, 1e16, 1e-5, 2.5e-05, 6.02e23, 0.30000001192092896, 1e-7, 99.995, 0.5, 1.5, 9.9999, float("inf"), float("-inf"), float("nan")]
FLOAT_SPECS = ["", ".2f", ".0f", ".4f", ".3e", "e", "E", "g", ".3g", ".1g", "G", ".2%", "10.3f", "<10.2f", "^10.2f", "*>12.3e", "+.2f", " .1f", "08.2f", ",.2f", "_.1f", ".3", ".12g", "#.3g", "#.0f", "f", "%", ".0e", "z.1f", "=+10.2f"]
INT_VALUES = [0, 1, 7, 42, -3, 123456, 1000000]
INT_SPECS = ["", "d", "02d", "03d", "5d", "<5d", "^6d", "+d", ",d", "_d", "x", "X", "#x", "o", "b", "#b", ".2f", "e", "g", "%", "010,d", "08.3f", "n", "*^9d"]


def fmt_cases():
    floats = []
    for v in FLOAT_VALUES:
        for s in FLOAT_SPECS:
            floats.append([v if math.isfinite(v) else str(v), "neg0" if (v == 0 and math.copysign(1, v) < 0) else None, s, format(v, s)])
    ints = [[v, s, format(v, s)] for v in INT_VALUES for s in INT_SPECS]
    errors = []
    for v, s in [(0.5, "d"), (0.5, "02d"), (3, ".2d"), (0.5, "x"), (3, "s")]:
        try:
            format(v, s)
        except (ValueError, TypeError) as e:
            errors.append([v, s, str(e)])
    files = []
    cb = C.ModelCheckpoint("x.keras")
    for tmpl, epoch, batch, logs in [
        ("model_{epoch:02d}.keras", 0, None, {"loss": 0.5}),
        ("model_{epoch:02d}-{val_loss:.2f}.keras", 4, None, {"loss": 0.5, "val_loss": 0.12345}),
        ("m/{epoch}/{loss}.keras", 9, None, {"loss": 0.30000001192092896}),
        ("m_{epoch:03d}_{batch}.keras", 1, 4, {"loss": 1.0}),
        ("w{{epoch}}_{epoch}.keras", 2, None, {}),
        ("m_{loss:.3e}_{accuracy:.1%}.keras", 0, None, {"loss": 0.000123, "accuracy": 0.875}),
        ("m_{loss!r}.keras", 0, None, {"loss": 1e-05}),
    ]:
        cb.filepath = tmpl
        files.append({"template": tmpl, "epoch": epoch, "batch": batch, "logs": logs, "path": cb._get_file_path(epoch, batch, logs)})
    return {"floats": floats, "ints": ints, "errors": errors, "files": files}


def main():
    keras.utils.set_random_seed(0)
    data = {
        "keras_version": keras.__version__,
        "sequences": sequences(),
        "early_stopping": early_stopping(),
        "reduce_lr": reduce_lr(),
        "lr_scheduler": lr_scheduler(),
        "checkpoint_best": checkpoint_best(),
        "csv": csv_cases(),
        "format": fmt_cases(),
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(data, f, allow_nan=False, indent=None)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
