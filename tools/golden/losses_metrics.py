"""Golden data for @kx/trainers losses and metrics, computed by the real Keras 3 on JAX.

Writes
  packages/trainers/test/golden/losses.json: cases
    {"id", "kind": "class", "class_name", "args" (snake_case constructor arguments, "dtype" included),
     "config" (its get_config()), "serialized" (keras.losses.serialize of it), "y_true", "y_pred", "sample_weight", "mask", "output"}
    and {"id", "kind": "fn", "fn" (Keras name), "kwargs" (snake_case), "y_true", "y_pred", "output"}
  packages/trainers/test/golden/metrics.json: cases
    {"id", "kind": "class", "class_name", "args", "config", "serialized", "updates": [{"y_true", "y_pred",
     "sample_weight"}], "results" (after each update), "after_reset"}
    and {"id", "kind": "fn", "fn", "kwargs", "y_true", "y_pred", "output"}
where an array is {"dtype", "shape", "data"} (flat; non-finite values as strings).
Most cases run in float64 (x64 enabled, objects built with dtype="float64") so kx's float64 reference
backend is checked tightly; cases whose id ends in "/f32" use the float32 default. Inputs are random
(fixed seed); every expected value comes from Keras.

Run: KERAS_BACKEND=jax .venv/bin/python tools/golden/losses_metrics.py
"""

import json
import os

from _common import array_record, enable_x64, golden_path

jax = enable_x64()

import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras.src import backend  # noqa: E402

OUT_DIR = golden_path("trainers")
rng = np.random.default_rng(20240611)


def enc(a):
    """An array record (see _common.array_record); int64 is recorded as int32, kx's integer default."""
    rec = array_record(a)
    if rec is not None and rec["dtype"] == "int64":
        rec["dtype"] = "int32"
    return rec


def jsonable(x):
    if isinstance(x, dict):
        return {k: jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [jsonable(v) for v in x]
    if hasattr(x, "shape") and hasattr(x, "dtype"):
        return np.asarray(x).tolist()
    if isinstance(x, (np.floating,)):
        return float(x)
    if isinstance(x, (np.integer,)):
        return int(x)
    return x


def probs(*shape):
    p = rng.uniform(0.05, 1.0, size=shape)
    return p / p.sum(axis=-1, keepdims=True)


def onehot(n, c):
    return np.eye(c)[rng.integers(0, c, size=n)]


def f64(x):
    return np.asarray(x, dtype=np.float64)


# ---------------------------------------------------------------------------------------------- losses
LOSS_CASES = []


def loss_case(id_, class_name, config, y_true, y_pred, sample_weight=None, mask=None, dtype="float64"):
    keras.backend.clear_session()
    cls = getattr(keras.losses, class_name)
    obj = cls(**config, dtype=dtype) if dtype != "float32" else cls(**config)
    yp = keras.ops.convert_to_tensor(np.asarray(y_pred, dtype=dtype))
    if mask is not None:
        backend.set_keras_mask(yp, keras.ops.convert_to_tensor(np.asarray(mask, dtype=bool)))
    sw = None if sample_weight is None else np.asarray(sample_weight, dtype=dtype)
    out = obj(np.asarray(y_true), yp, sample_weight=sw)
    LOSS_CASES.append({
        "id": id_, "kind": "class", "class_name": class_name, "args": jsonable({**config, "dtype": dtype}),
        "config": jsonable(obj.get_config()),
        "serialized": jsonable(keras.losses.serialize(obj)),
        "y_true": enc(y_true), "y_pred": enc(np.asarray(y_pred, dtype=dtype)), "sample_weight": enc(sw),
        "mask": enc(None if mask is None else np.asarray(mask, dtype=bool)), "output": enc(np.asarray(out)),
    })


def loss_fn_case(id_, fn, y_true, y_pred, **kwargs):
    out = getattr(keras.losses, fn)(f64(y_true), f64(y_pred), **kwargs)
    LOSS_CASES.append({
        "id": id_, "kind": "fn", "fn": fn, "kwargs": jsonable(kwargs),
        "y_true": enc(f64(y_true)), "y_pred": enc(f64(y_pred)), "output": enc(np.asarray(out)),
    })


def build_losses():
    reg_t = rng.normal(size=(4, 3))
    reg_p = rng.normal(size=(4, 3))
    pos_t = rng.uniform(0.1, 3.0, size=(4, 3))
    pos_p = rng.uniform(0.1, 3.0, size=(4, 3))
    sw4 = rng.uniform(0.0, 2.0, size=(4,))
    bin_t = rng.integers(0, 2, size=(4, 3)).astype(np.float64)
    bin_p = rng.uniform(0.02, 0.98, size=(4, 3))
    logits = rng.normal(size=(4, 3)) * 2
    cat_t = onehot(4, 3)
    cat_p = probs(4, 3)
    sparse_t = rng.integers(0, 3, size=(4,))
    pm1 = np.where(bin_t > 0, 1.0, -1.0)

    reductions = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None]
    for r in reductions:
        loss_case(f"MeanSquaredError/reduction={r}", "MeanSquaredError", {"reduction": r}, reg_t, reg_p)
        loss_case(f"MeanSquaredError/reduction={r}/sw", "MeanSquaredError", {"reduction": r}, reg_t, reg_p, sample_weight=sw4)
    loss_case("MeanSquaredError/sw_col", "MeanSquaredError", {}, reg_t, reg_p, sample_weight=sw4[:, None])
    loss_case("MeanSquaredError/rank1_vs_col", "MeanSquaredError", {"reduction": "none"}, reg_t[:, 0], reg_p[:, :1])
    loss_case("MeanSquaredError/name", "MeanSquaredError", {"name": "my_mse"}, reg_t, reg_p)
    loss_case("MeanSquaredError/f32", "MeanSquaredError", {}, reg_t, reg_p, dtype="float32")
    seq_t = rng.normal(size=(3, 5, 2))
    seq_p = rng.normal(size=(3, 5, 2))
    seq_mask = rng.uniform(size=(3, 5)) > 0.35
    for r in ["sum_over_batch_size", "sum", "mean_with_sample_weight", "none"]:
        loss_case(f"MeanSquaredError/mask/reduction={r}", "MeanSquaredError", {"reduction": r}, seq_t, seq_p, mask=seq_mask)
        loss_case(f"MeanSquaredError/mask+sw/reduction={r}", "MeanSquaredError", {"reduction": r}, seq_t, seq_p,
                  mask=seq_mask, sample_weight=rng.uniform(size=(3, 1)))

    loss_case("MeanAbsoluteError", "MeanAbsoluteError", {}, reg_t, reg_p)
    loss_case("MeanAbsoluteError/sw", "MeanAbsoluteError", {"reduction": "sum"}, reg_t, reg_p, sample_weight=sw4)
    loss_case("MeanAbsolutePercentageError", "MeanAbsolutePercentageError", {}, reg_t, reg_p)
    loss_case("MeanSquaredLogarithmicError", "MeanSquaredLogarithmicError", {}, pos_t, pos_p)
    loss_case("CosineSimilarity", "CosineSimilarity", {}, reg_t, reg_p)
    loss_case("CosineSimilarity/axis=0", "CosineSimilarity", {"axis": 0, "reduction": "none"}, reg_t, reg_p)
    loss_case("Huber", "Huber", {}, reg_t * 2, reg_p * 2)
    loss_case("Huber/delta=0.5", "Huber", {"delta": 0.5}, reg_t * 2, reg_p * 2, sample_weight=sw4)
    loss_case("LogCosh", "LogCosh", {}, reg_t, reg_p)
    loss_case("Hinge/binary", "Hinge", {}, bin_t, reg_p)
    loss_case("Hinge/pm1", "Hinge", {"reduction": "none"}, pm1, reg_p)
    loss_case("SquaredHinge/binary", "SquaredHinge", {}, bin_t, reg_p)
    loss_case("SquaredHinge/pm1", "SquaredHinge", {}, pm1, reg_p)
    loss_case("CategoricalHinge", "CategoricalHinge", {}, cat_t, reg_p)
    loss_case("KLDivergence", "KLDivergence", {}, cat_p[::-1].copy(), cat_p)
    loss_case("Poisson", "Poisson", {}, pos_t, pos_p)

    loss_case("BinaryCrossentropy", "BinaryCrossentropy", {}, bin_t, bin_p)
    loss_case("BinaryCrossentropy/f32", "BinaryCrossentropy", {}, bin_t, bin_p, dtype="float32")
    loss_case("BinaryCrossentropy/logits", "BinaryCrossentropy", {"from_logits": True}, bin_t, logits)
    loss_case("BinaryCrossentropy/smoothing", "BinaryCrossentropy", {"label_smoothing": 0.2}, bin_t, bin_p, sample_weight=sw4)
    loss_case("BinaryCrossentropy/logits+smoothing", "BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, bin_t, logits)
    loss_case("BinaryCrossentropy/axis=0", "BinaryCrossentropy", {"axis": 0, "reduction": "none"}, bin_t, bin_p)
    loss_case("BinaryCrossentropy/col", "BinaryCrossentropy", {"reduction": "none"}, bin_t[:, :1], bin_p[:, :1])
    loss_case("BinaryCrossentropy/rank1_true", "BinaryCrossentropy", {"reduction": "none"}, bin_t[:, 0], bin_p[:, :1])
    loss_case("BinaryFocalCrossentropy", "BinaryFocalCrossentropy", {}, bin_t, bin_p)
    loss_case("BinaryFocalCrossentropy/balanced", "BinaryFocalCrossentropy",
              {"apply_class_balancing": True, "alpha": 0.3, "gamma": 1.5}, bin_t, bin_p)
    loss_case("BinaryFocalCrossentropy/logits+smoothing", "BinaryFocalCrossentropy",
              {"from_logits": True, "label_smoothing": 0.1, "gamma": 3.0}, bin_t, logits, sample_weight=sw4)

    loss_case("CategoricalCrossentropy", "CategoricalCrossentropy", {}, cat_t, cat_p)
    loss_case("CategoricalCrossentropy/f32", "CategoricalCrossentropy", {}, cat_t, cat_p, dtype="float32")
    loss_case("CategoricalCrossentropy/logits", "CategoricalCrossentropy", {"from_logits": True}, cat_t, logits)
    loss_case("CategoricalCrossentropy/smoothing", "CategoricalCrossentropy", {"label_smoothing": 0.1}, cat_t, cat_p)
    loss_case("CategoricalCrossentropy/unnormalised", "CategoricalCrossentropy", {}, cat_t, cat_p * 3.0)
    ax_t = np.transpose(np.stack([onehot(2, 3) for _ in range(4)]), (1, 2, 0))  # (2, 3, 4): classes on axis 1
    ax_p = np.transpose(probs(2, 4, 3), (0, 2, 1))
    loss_case("CategoricalCrossentropy/axis=1", "CategoricalCrossentropy", {"axis": 1, "reduction": "none"}, ax_t, ax_p)
    loss_case("CategoricalCrossentropy/sw", "CategoricalCrossentropy", {"reduction": "sum"}, cat_t, cat_p, sample_weight=sw4)
    loss_case("CategoricalFocalCrossentropy", "CategoricalFocalCrossentropy", {}, cat_t, cat_p)
    loss_case("CategoricalFocalCrossentropy/logits+smoothing", "CategoricalFocalCrossentropy",
              {"from_logits": True, "label_smoothing": 0.1, "alpha": 0.5, "gamma": 1.0}, cat_t, logits)
    loss_case("CategoricalGeneralizedCrossEntropy", "CategoricalGeneralizedCrossEntropy", {}, sparse_t, cat_p)
    loss_case("CategoricalGeneralizedCrossEntropy/q=0.7", "CategoricalGeneralizedCrossEntropy", {"q": 0.7}, sparse_t, cat_p)

    loss_case("SparseCategoricalCrossentropy", "SparseCategoricalCrossentropy", {}, sparse_t, cat_p)
    loss_case("SparseCategoricalCrossentropy/f32", "SparseCategoricalCrossentropy", {}, sparse_t, cat_p, dtype="float32")
    loss_case("SparseCategoricalCrossentropy/col", "SparseCategoricalCrossentropy", {"reduction": "none"}, sparse_t[:, None], cat_p)
    loss_case("SparseCategoricalCrossentropy/logits", "SparseCategoricalCrossentropy", {"from_logits": True}, sparse_t, logits)
    loss_case("SparseCategoricalCrossentropy/sw", "SparseCategoricalCrossentropy", {"from_logits": True}, sparse_t, logits, sample_weight=sw4)
    seq_sparse = rng.integers(0, 4, size=(3, 5))
    seq_logits = rng.normal(size=(3, 5, 4))
    for r in ["sum_over_batch_size", "sum", "none"]:
        loss_case(f"SparseCategoricalCrossentropy/ignore_class/reduction={r}", "SparseCategoricalCrossentropy",
                  {"from_logits": True, "ignore_class": 2, "reduction": r}, seq_sparse, seq_logits)
    loss_case("SparseCategoricalCrossentropy/ignore_class+mask", "SparseCategoricalCrossentropy",
              {"from_logits": True, "ignore_class": 0}, seq_sparse, seq_logits, mask=seq_mask)
    loss_case("SparseCategoricalCrossentropy/mask", "SparseCategoricalCrossentropy",
              {"from_logits": True}, seq_sparse, seq_logits, mask=seq_mask, sample_weight=rng.uniform(size=(3, 5)))

    ctc_t = np.array([[1, 2, 2, 0], [3, 1, 0, 0]])
    ctc_p = rng.normal(size=(2, 7, 5))
    loss_case("CTC", "CTC", {}, ctc_t, ctc_p)
    loss_case("CTC/none", "CTC", {"reduction": "none"}, ctc_t, ctc_p)
    seg_t = (rng.uniform(size=(2, 4, 4, 1)) > 0.5).astype(np.float64)
    seg_p = rng.uniform(size=(2, 4, 4, 1))
    loss_case("Dice", "Dice", {}, seg_t, seg_p)
    loss_case("Dice/axis", "Dice", {"axis": [1, 2, 3], "reduction": "none"}, seg_t, seg_p)
    loss_case("Tversky", "Tversky", {}, seg_t, seg_p)
    loss_case("Tversky/alpha", "Tversky", {"alpha": 0.3, "beta": 0.7, "axis": [1, 2, 3], "reduction": "none"}, seg_t, seg_p)
    emb = rng.normal(size=(6, 4))
    emb = emb / np.linalg.norm(emb, axis=1, keepdims=True)
    emb_labels = np.array([0, 1, 0, 2, 1, 0])
    loss_case("Circle", "Circle", {}, emb_labels, emb)
    loss_case("Circle/opts", "Circle", {"gamma": 10.0, "margin": 0.25, "remove_diagonal": False, "reduction": "none"}, emb_labels, emb)

    loss_fn_case("fn/mean_squared_error", "mean_squared_error", reg_t, reg_p)
    loss_fn_case("fn/mean_absolute_error", "mean_absolute_error", reg_t, reg_p)
    loss_fn_case("fn/mean_absolute_percentage_error", "mean_absolute_percentage_error", reg_t, reg_p)
    loss_fn_case("fn/mean_squared_logarithmic_error", "mean_squared_logarithmic_error", pos_t, pos_p)
    loss_fn_case("fn/cosine_similarity", "cosine_similarity", reg_t, reg_p, axis=-1)
    loss_fn_case("fn/huber", "huber", reg_t, reg_p, delta=0.7)
    loss_fn_case("fn/log_cosh", "log_cosh", reg_t, reg_p)
    loss_fn_case("fn/hinge", "hinge", bin_t, reg_p)
    loss_fn_case("fn/squared_hinge", "squared_hinge", pm1, reg_p)
    loss_fn_case("fn/categorical_hinge", "categorical_hinge", cat_t, reg_p)
    loss_fn_case("fn/kl_divergence", "kl_divergence", cat_p[::-1].copy(), cat_p)
    loss_fn_case("fn/poisson", "poisson", pos_t, pos_p)
    loss_fn_case("fn/binary_crossentropy", "binary_crossentropy", bin_t, logits, from_logits=True, label_smoothing=0.1)
    loss_fn_case("fn/binary_focal_crossentropy", "binary_focal_crossentropy", bin_t, bin_p, apply_class_balancing=True)
    loss_fn_case("fn/categorical_crossentropy", "categorical_crossentropy", cat_t, cat_p, label_smoothing=0.2)
    loss_fn_case("fn/categorical_focal_crossentropy", "categorical_focal_crossentropy", cat_t, logits, from_logits=True)
    loss_fn_case("fn/sparse_categorical_crossentropy", "sparse_categorical_crossentropy", sparse_t, logits, from_logits=True)
    loss_fn_case("fn/dice", "dice", seg_t, seg_p)
    loss_fn_case("fn/tversky", "tversky", seg_t, seg_p, alpha=0.4, beta=0.6)


# --------------------------------------------------------------------------------------------- metrics
METRIC_CASES = []


def metric_case(id_, class_name, config, updates, dtype="float64"):
    keras.backend.clear_session()
    cls = getattr(keras.metrics, class_name)
    kw = dict(config)
    if dtype is not None:
        kw["dtype"] = dtype
    m = cls(**kw)
    results = []
    enc_updates = []
    for u in updates:
        if class_name in ("Mean", "Sum"):  # update_state(values, sample_weight): values travel as y_true
            yt, yp = u[0], None
            sw = u[1] if len(u) > 1 else None
            m.update_state(yt, sample_weight=sw)
        else:
            yt, yp = u[0], u[1]
            sw = u[2] if len(u) > 2 else None
            m.update_state(yt, yp, sample_weight=sw)
        results.append(enc(np.asarray(m.result())))
        enc_updates.append({"y_true": enc(np.asarray(yt)), "y_pred": enc(None if yp is None else np.asarray(yp)), "sample_weight": enc(sw)})
    m.reset_state()
    METRIC_CASES.append({
        "id": id_, "kind": "class", "class_name": class_name, "args": jsonable(kw), "config": jsonable(m.get_config()),
        "serialized": jsonable(keras.metrics.serialize(m)), "updates": enc_updates, "results": results,
        "after_reset": enc(np.asarray(m.result())),
    })


def metric_fn_case(id_, fn, y_true, y_pred, **kwargs):
    out = getattr(keras.metrics, fn)(y_true, y_pred, **kwargs)
    METRIC_CASES.append({
        "id": id_, "kind": "fn", "fn": fn, "kwargs": jsonable(kwargs),
        "y_true": enc(np.asarray(y_true)), "y_pred": enc(np.asarray(y_pred)), "output": enc(np.asarray(out)),
    })


def three(make, full_sw=False):
    """Three updates: plain, sample-weighted (per sample, or per entry of y_true), plain."""
    a, b, c = make(), make(), make()
    shape = np.asarray(b[0]).shape if full_sw else np.asarray(b[0]).shape[:1]
    return [a, (b[0], b[1], rng.uniform(0.0, 2.0, size=shape)), c]


def build_metrics():
    def reg():
        return rng.normal(size=(5, 3)), rng.normal(size=(5, 3))

    def pos():
        return rng.uniform(0.1, 3, size=(5, 3)), rng.uniform(0.1, 3, size=(5, 3))

    def binary():
        return rng.integers(0, 2, size=(6, 1)).astype(np.float64), rng.uniform(size=(6, 1))

    def multilabel():
        return rng.integers(0, 2, size=(6, 3)).astype(np.float64), rng.uniform(size=(6, 3))

    def cat():
        return onehot(6, 4), probs(6, 4)

    def sparse():
        return rng.integers(0, 4, size=(6,)), probs(6, 4)

    def logits():
        return rng.integers(0, 2, size=(6, 1)).astype(np.float64), rng.normal(size=(6, 1)) * 2

    metric_case("Mean", "Mean", {}, [(rng.normal(size=(4,)),), (rng.normal(size=(4, 2)), rng.uniform(size=(4,))),
                                      (rng.normal(size=(3,)),)])
    metric_case("Sum", "Sum", {}, [(rng.normal(size=(4,)),), (rng.normal(size=(4, 2)), rng.uniform(size=(4,)))])

    metric_case("Accuracy", "Accuracy", {}, three(lambda: (rng.integers(0, 3, size=(6, 1)), rng.integers(0, 3, size=(6, 1)))))
    metric_case("BinaryAccuracy", "BinaryAccuracy", {}, three(binary))
    metric_case("BinaryAccuracy/threshold", "BinaryAccuracy", {"threshold": 0.7}, three(multilabel))
    metric_case("BinaryAccuracy/f32", "BinaryAccuracy", {}, three(binary), dtype=None)
    metric_case("CategoricalAccuracy", "CategoricalAccuracy", {}, three(cat))
    metric_case("SparseCategoricalAccuracy", "SparseCategoricalAccuracy", {}, three(sparse))
    metric_case("SparseCategoricalAccuracy/col", "SparseCategoricalAccuracy", {},
                three(lambda: (rng.integers(0, 4, size=(6, 1)), probs(6, 4))))
    metric_case("TopKCategoricalAccuracy", "TopKCategoricalAccuracy", {"k": 2}, three(cat))
    metric_case("TopKCategoricalAccuracy/default", "TopKCategoricalAccuracy", {}, three(lambda: (onehot(6, 7), probs(6, 7))))
    metric_case("SparseTopKCategoricalAccuracy", "SparseTopKCategoricalAccuracy", {"k": 2}, three(sparse))
    metric_case("SparseTopKCategoricalAccuracy/sorted_ids", "SparseTopKCategoricalAccuracy", {"k": 2, "from_sorted_ids": True},
                three(lambda: (rng.integers(0, 6, size=(5,)), np.argsort(-rng.uniform(size=(5, 6)), axis=1).astype(np.float64))))

    for t in [None, 0.3, [0.2, 0.5, 0.8], [0.0, 0.5, 1.0]]:
        for name in ["TruePositives", "FalsePositives", "TrueNegatives", "FalseNegatives"]:
            metric_case(f"{name}/thresholds={t}", name, {"thresholds": t}, three(multilabel))
    for cfg in [{}, {"thresholds": [0.3, 0.6]}, {"top_k": 2}, {"class_id": 1}, {"top_k": 2, "class_id": 2},
                {"thresholds": 0.4, "class_id": 0}, {"thresholds": [0.0, 0.5, 1.0]}]:
        metric_case(f"Precision/{cfg}", "Precision", cfg, three(multilabel))
        metric_case(f"Recall/{cfg}", "Recall", cfg, three(multilabel))
    for name, key in [("SensitivityAtSpecificity", "specificity"), ("SpecificityAtSensitivity", "sensitivity"),
                      ("PrecisionAtRecall", "recall"), ("RecallAtPrecision", "precision")]:
        metric_case(f"{name}", name, {key: 0.6}, three(binary))
        metric_case(f"{name}/nt", name, {key: 0.4, "num_thresholds": 7, "class_id": 1}, three(multilabel))
        metric_case(f"{name}/nt1", name, {key: 0.5, "num_thresholds": 1}, three(binary))
    for curve in ["ROC", "PR", "PRGAIN"]:
        for summation in ["interpolation", "majoring", "minoring"]:
            metric_case(f"AUC/{curve}/{summation}", "AUC", {"curve": curve, "summation_method": summation}, three(binary))
            metric_case(f"AUC/{curve}/{summation}/multi_label", "AUC",
                        {"curve": curve, "summation_method": summation, "multi_label": True, "num_thresholds": 20}, three(multilabel))
    metric_case("AUC/num_thresholds", "AUC", {"num_thresholds": 7}, three(multilabel))
    metric_case("AUC/thresholds", "AUC", {"thresholds": [0.7, 0.1, 0.4]}, three(binary))
    metric_case("AUC/multi_label/num_labels", "AUC", {"multi_label": True, "num_labels": 3}, three(multilabel))
    metric_case("AUC/multi_label/label_weights", "AUC", {"multi_label": True, "label_weights": [0.2, 0.5, 1.0]}, three(multilabel))
    metric_case("AUC/PR/multi_label/label_weights", "AUC", {"curve": "PR", "multi_label": True, "label_weights": [0.2, 0.5, 1.0]},
                three(multilabel))
    metric_case("AUC/label_weights", "AUC", {"label_weights": [0.2, 0.5, 1.0]}, three(multilabel))
    metric_case("AUC/from_logits", "AUC", {"from_logits": True}, three(logits))

    for avg in [None, "micro", "macro", "weighted"]:
        for thr in [None, 0.5]:
            metric_case(f"F1Score/{avg}/{thr}", "F1Score", {"average": avg, "threshold": thr}, three(multilabel))
        metric_case(f"FBetaScore/{avg}", "FBetaScore", {"average": avg, "beta": 2.0, "threshold": 0.4}, three(multilabel))

    metric_case("Hinge", "Hinge", {}, three(lambda: (rng.integers(0, 2, size=(5, 3)).astype(np.float64), rng.normal(size=(5, 3)))))
    metric_case("SquaredHinge", "SquaredHinge", {}, three(lambda: (np.where(rng.uniform(size=(5, 3)) > 0.5, 1.0, -1.0), rng.normal(size=(5, 3)))))
    metric_case("CategoricalHinge", "CategoricalHinge", {}, three(lambda: (onehot(5, 3), rng.normal(size=(5, 3)))))

    def seg():
        return rng.integers(0, 3, size=(2, 4)), rng.integers(0, 3, size=(2, 4))

    metric_case("IoU", "IoU", {"num_classes": 3, "target_class_ids": [0, 2]}, three(seg, full_sw=True), dtype=None)
    metric_case("IoU/ignore", "IoU", {"num_classes": 3, "target_class_ids": [1], "ignore_class": 0}, three(seg, full_sw=True), dtype=None)
    metric_case("IoU/float", "IoU", {"num_classes": 3, "target_class_ids": [0, 1, 2]}, three(seg, full_sw=True), dtype="float64")
    metric_case("IoU/dense", "IoU", {"num_classes": 3, "target_class_ids": [0, 1], "sparse_y_true": False, "sparse_y_pred": False},
                three(lambda: (onehot(6, 3), probs(6, 3))), dtype=None)
    metric_case("BinaryIoU", "BinaryIoU", {}, three(lambda: (rng.integers(0, 2, size=(6,)), rng.uniform(size=(6,)))), dtype=None)
    metric_case("BinaryIoU/opts", "BinaryIoU", {"target_class_ids": [1], "threshold": 0.3},
                three(lambda: (rng.integers(0, 2, size=(6,)), rng.uniform(size=(6,)))), dtype="float64")
    metric_case("MeanIoU", "MeanIoU", {"num_classes": 3}, three(seg, full_sw=True), dtype=None)
    metric_case("MeanIoU/ignore", "MeanIoU", {"num_classes": 3, "ignore_class": 1}, three(seg, full_sw=True), dtype=None)
    metric_case("OneHotIoU", "OneHotIoU", {"num_classes": 3, "target_class_ids": [0, 2]}, three(lambda: (onehot(6, 3), probs(6, 3))), dtype=None)
    metric_case("OneHotMeanIoU", "OneHotMeanIoU", {"num_classes": 3}, three(lambda: (onehot(6, 3), probs(6, 3))), dtype=None)

    metric_case("BinaryCrossentropy", "BinaryCrossentropy", {}, three(multilabel))
    metric_case("BinaryCrossentropy/logits", "BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1},
                three(lambda: (rng.integers(0, 2, size=(6, 3)).astype(np.float64), rng.normal(size=(6, 3)))))
    metric_case("CategoricalCrossentropy", "CategoricalCrossentropy", {}, three(cat))
    metric_case("CategoricalCrossentropy/logits", "CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.2},
                three(lambda: (onehot(6, 4), rng.normal(size=(6, 4)))))
    metric_case("SparseCategoricalCrossentropy", "SparseCategoricalCrossentropy", {}, three(sparse))
    metric_case("SparseCategoricalCrossentropy/logits", "SparseCategoricalCrossentropy", {"from_logits": True},
                three(lambda: (rng.integers(0, 4, size=(6,)), rng.normal(size=(6, 4)))))
    metric_case("SparseCategoricalCrossentropy/ignore_class", "SparseCategoricalCrossentropy", {"from_logits": True, "ignore_class": 1},
                three(lambda: (rng.integers(0, 4, size=(6,)), rng.normal(size=(6, 4)))))
    metric_case("KLDivergence", "KLDivergence", {}, three(lambda: (probs(5, 3), probs(5, 3))))
    metric_case("Poisson", "Poisson", {}, three(pos))

    metric_case("MeanSquaredError", "MeanSquaredError", {}, three(reg))
    metric_case("MeanAbsoluteError", "MeanAbsoluteError", {}, three(reg))
    metric_case("MeanAbsolutePercentageError", "MeanAbsolutePercentageError", {}, three(reg))
    metric_case("MeanSquaredLogarithmicError", "MeanSquaredLogarithmicError", {}, three(pos))
    metric_case("RootMeanSquaredError", "RootMeanSquaredError", {}, three(reg))
    metric_case("CosineSimilarity", "CosineSimilarity", {}, three(reg))
    metric_case("CosineSimilarity/axis0", "CosineSimilarity", {"axis": 0}, [reg(), reg()])
    metric_case("LogCoshError", "LogCoshError", {}, three(reg))
    for agg in ["uniform_average", "variance_weighted_average", None]:
        metric_case(f"R2Score/{agg}", "R2Score", {"class_aggregation": agg}, three(reg))
    metric_case("R2Score/num_regressors", "R2Score", {"num_regressors": 2}, three(reg))
    metric_case("R2Score/num_regressors_fallback", "R2Score", {"num_regressors": 40}, three(reg))
    metric_case("PearsonCorrelation", "PearsonCorrelation", {}, three(reg))
    metric_case("PearsonCorrelation/axis0", "PearsonCorrelation", {"axis": 0}, [reg(), reg()])
    metric_case("ConcordanceCorrelation", "ConcordanceCorrelation", {}, three(reg))

    yt, yp = reg()
    b_t, b_p = multilabel()
    c_t, c_p = cat()
    s_t, s_p = sparse()
    for fn in ["mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error", "log_cosh", "huber",
               "pearson_correlation", "concordance_correlation", "hinge", "squared_hinge", "categorical_hinge"]:
        metric_fn_case(f"fn/{fn}", fn, yt, yp)
    p_t, p_p = pos()
    metric_fn_case("fn/mean_squared_logarithmic_error", "mean_squared_logarithmic_error", p_t, p_p)
    metric_fn_case("fn/poisson", "poisson", p_t, p_p)
    metric_fn_case("fn/kl_divergence", "kl_divergence", c_p[::-1].copy(), c_p)
    metric_fn_case("fn/binary_accuracy", "binary_accuracy", b_t, b_p, threshold=0.6)
    metric_fn_case("fn/binary_crossentropy", "binary_crossentropy", b_t, b_p)
    metric_fn_case("fn/binary_focal_crossentropy", "binary_focal_crossentropy", b_t, b_p, gamma=3.0)
    metric_fn_case("fn/categorical_accuracy", "categorical_accuracy", c_t, c_p)
    metric_fn_case("fn/categorical_crossentropy", "categorical_crossentropy", c_t, c_p)
    metric_fn_case("fn/categorical_focal_crossentropy", "categorical_focal_crossentropy", c_t, c_p)
    metric_fn_case("fn/top_k_categorical_accuracy", "top_k_categorical_accuracy", c_t, c_p, k=2)
    metric_fn_case("fn/sparse_categorical_accuracy", "sparse_categorical_accuracy", s_t, s_p)
    metric_fn_case("fn/sparse_categorical_crossentropy", "sparse_categorical_crossentropy", s_t, s_p)
    metric_fn_case("fn/sparse_top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy", s_t, s_p, k=3)


def main():
    build_losses()
    build_metrics()
    os.makedirs(OUT_DIR, exist_ok=True)
    for name, cases in [("losses.json", LOSS_CASES), ("metrics.json", METRIC_CASES)]:
        with open(os.path.join(OUT_DIR, name), "w") as f:
            json.dump({"keras": keras.__version__, "cases": cases}, f, separators=(",", ":"))
        print(f"wrote {len(cases)} cases to {name}")


if __name__ == "__main__":
    main()
