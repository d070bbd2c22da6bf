"""Golden data for @kx/layers' box metrics and box encoding (Keras 3.15 on JAX).

`keras.utils.bounding_boxes.compute_iou`, `compute_ciou`, `encode_box_to_deltas` and
`decode_deltas_to_boxes` on seeded boxes, in several formats, ranks and options. Inputs are written in
each case's own format (converted by Keras's `convert_format`), outputs as Keras computes them (float32).
Keras's `compute_ciou` refuses every relative format, so its `rel_` cases are Keras's values on the
same boxes converted to absolute pixels.

Writes packages/layers/test/golden/bounding_box_utils.json.
Run: KERAS_BACKEND=jax .venv/bin/python tools/golden/bounding_box_utils.py
"""

import json
import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import numpy as np  # noqa: E402
from keras.utils import bounding_boxes as B  # noqa: E402

from _common import golden_path, plain  # noqa: E402

HEIGHT, WIDTH = 40, 60
IMAGE_SHAPE = (HEIGHT, WIDTH, 3)


def xyxy_boxes(rng, *shape):
    """Random `xyxy` boxes inside a HEIGHT × WIDTH image (positive width and height), float32."""
    x1 = rng.uniform(0, WIDTH - 10, shape)
    y1 = rng.uniform(0, HEIGHT - 10, shape)
    w = rng.uniform(2, 25, shape)
    h = rng.uniform(2, 20, shape)
    return np.stack([x1, y1, np.minimum(x1 + w, WIDTH), np.minimum(y1 + h, HEIGHT)], axis=-1).astype("float32")


def to_format(xyxy, fmt):
    return np.asarray(B.convert_format(xyxy, source="xyxy", target=fmt, height=HEIGHT, width=WIDTH), dtype="float32")


def iou_cases(rng):
    a = xyxy_boxes(rng, 5)
    b = xyxy_boxes(rng, 4)
    # Overlapping pairs: b's first box is a's first box shifted a little, its second equals a's second.
    b[0] = a[0] + np.array([1.5, -1.0, 1.5, -1.0], "float32")
    b[1] = a[1]
    ba = xyxy_boxes(rng, 2, 5)
    bb = xyxy_boxes(rng, 2, 4)
    bb[:, 0] = ba[:, 0] + 2.0
    masked_a = a.copy()
    masked_a[2] = -1.0
    masked_b = b.copy()
    masked_b[3] = [-4.0, -2.0, -3.0, -1.0]
    cases = []

    def add(name, x, y, fmt, **kw):
        xs, ys = to_format(x, fmt), to_format(y, fmt)
        image_shape = IMAGE_SHAPE if fmt.startswith("rel") else None
        out = B.compute_iou(xs, ys, fmt, image_shape=image_shape, **kw)
        cases.append({"name": name, "boxes1": plain(xs), "boxes2": plain(ys), "format": fmt,
                      "image_shape": list(image_shape) if image_shape else None,
                      "use_masking": kw.get("use_masking", False), "mask_val": kw.get("mask_val", -1), "out": plain(out)})

    for fmt in ["xyxy", "yxyx", "xywh", "center_xywh", "center_yxhw", "rel_xyxy", "rel_yxyx", "rel_xywh", "rel_center_xywh"]:
        add(f"unbatched_{fmt}", a, b, fmt)
    add("batched_xyxy", ba, bb, "xyxy")
    add("batched_vs_unbatched_xywh", ba, b, "xywh")
    add("unbatched_vs_batched_yxyx", a, bb, "yxyx")
    # Masking compares the boxes after conversion to absolute yxyx, so only corner formats keep the
    # all-negative padding boxes all-negative.
    add("masked_xyxy", masked_a, masked_b, "xyxy", use_masking=True)
    add("masked_yxyx_val", masked_a, masked_b, "yxyx", use_masking=True, mask_val=-5)
    bm = ba.copy()
    bm[1, 3] = -2.0
    add("masked_batched_xyxy", bm, bb, "xyxy", use_masking=True)
    return cases


def ciou_cases(rng):
    a = xyxy_boxes(rng, 6)
    b = a + rng.uniform(-4, 4, (6, 4)).astype("float32")
    b[:, 2:] = np.maximum(b[:, 2:], b[:, :2] + 1)
    b[5] = a[5]
    ba = xyxy_boxes(rng, 2, 3)
    bb = xyxy_boxes(rng, 2, 3)
    cases = []
    for fmt in ["xyxy", "yxyx", "xywh", "center_xywh", "center_yxhw"]:
        out = B.compute_ciou(to_format(a, fmt), to_format(b, fmt), fmt)
        cases.append({"name": f"pairs_{fmt}", "boxes1": plain(to_format(a, fmt)), "boxes2": plain(to_format(b, fmt)),
                      "format": fmt, "image_shape": None, "out": plain(out)})
    out = B.compute_ciou(ba, bb, "xyxy")
    cases.append({"name": "batched_xyxy", "boxes1": plain(ba), "boxes2": plain(bb), "format": "xyxy", "image_shape": None, "out": plain(out)})
    out = B.compute_ciou(ba, a[:1], "xyxy")
    cases.append({"name": "broadcast_xyxy", "boxes1": plain(ba), "boxes2": plain(a[:1]), "format": "xyxy", "image_shape": None, "out": plain(out)})
    for fmt in ["rel_xyxy", "rel_center_xywh"]:
        out = B.compute_ciou(a, b, "xyxy")
        cases.append({"name": f"pairs_{fmt}_via_absolute", "boxes1": plain(to_format(a, fmt)), "boxes2": plain(to_format(b, fmt)),
                      "format": fmt, "image_shape": list(IMAGE_SHAPE), "out": plain(out)})
    return cases


def delta_cases(rng):
    anchors = xyxy_boxes(rng, 5)
    boxes = xyxy_boxes(rng, 5)
    batched = xyxy_boxes(rng, 2, 5)
    cases = []
    specs = [
        ("xyxy_default", "xyxy", "xyxy", boxes, {}),
        ("xywh_center_xywh", "xywh", "xyxy", boxes, {"encoding_format": "center_xywh"}),
        ("variance", "xyxy", "center_yxhw", boxes, {"variance": [0.1, 0.1, 0.2, 0.2]}),
        ("batched_yxyx", "yxyx", "yxyx", batched, {"variance": [0.5, 0.25, 1.0, 2.0], "encoding_format": "center_xywh"}),
        ("rel_formats", "rel_xyxy", "rel_center_xywh", boxes, {"image_shape": IMAGE_SHAPE}),
    ]
    for name, anchor_format, box_format, bx, kw in specs:
        a = to_format(anchors, anchor_format)
        x = to_format(bx, box_format)
        enc_kw = dict(kw)
        deltas = np.asarray(B.encode_box_to_deltas(a, x, anchor_format, box_format, **enc_kw))
        dec_kw = dict(kw)
        if "encoding_format" in dec_kw:
            dec_kw["encoded_format"] = dec_kw.pop("encoding_format")
        decoded = B.decode_deltas_to_boxes(a, deltas, anchor_format, box_format, **dec_kw)
        cases.append({
            "name": name, "anchors": plain(a), "boxes": plain(x), "anchor_format": anchor_format, "box_format": box_format,
            "encoding_format": kw.get("encoding_format", "center_yxhw"), "variance": kw.get("variance"),
            "image_shape": list(kw["image_shape"]) if "image_shape" in kw else None,
            "deltas": plain(deltas), "decoded": plain(decoded),
        })
    # Decoding a dict of levels (as detection heads produce them).
    a1, a2 = anchors[:3], anchors[3:]
    d1 = rng.uniform(-0.5, 0.5, (3, 4)).astype("float32")
    d2 = rng.uniform(-0.5, 0.5, (2, 2, 4)).astype("float32")
    out = B.decode_deltas_to_boxes({"p3": a1, "p4": a2}, {"p3": d1, "p4": d2}, "xyxy", "xywh")
    levels = {"anchors": {"p3": plain(a1), "p4": plain(a2)}, "deltas": {"p3": plain(d1), "p4": plain(d2)},
              "out": {k: plain(v) for k, v in out.items()}}
    return cases, levels


def main():
    rng = np.random.default_rng(20261125)
    deltas, levels = delta_cases(rng)
    data = {"height": HEIGHT, "width": WIDTH, "iou": iou_cases(rng), "ciou": ciou_cases(rng), "deltas": deltas, "levels": levels}
    with open(golden_path("layers", "bounding_box_utils.json"), "w") as f:
        json.dump(data, f)
    print(f"iou: {len(data['iou'])}, ciou: {len(data['ciou'])}, deltas: {len(deltas)} cases")


if __name__ == "__main__":
    main()
