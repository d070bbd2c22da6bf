"""Golden data for @kx/layers' preprocessing layers (Keras 3.15 on JAX).

Writes, next to the tests that read them:
- packages/layers/test/golden/layers_pre.json: numeric, image, audio layers: configs, outputs of fixed
  inputs (inference and seeded training calls), adapt results;
- packages/layers/test/golden/layers_pre_text.json: Hashing, HashedCrossing, StringLookup,
  IntegerLookup, TextVectorization on ASCII and Unicode strings. Keras 3 runs these layers with
  TensorFlow even on JAX, so this part needs `tensorflow-cpu` in the interpreter; without it the
  text file is left as it is.

Run: KERAS_BACKEND=jax .venv/bin/python tools/golden/layers_pre.py
     (`--aug-mix-draws-only` adds just the AugMix draw cases to the existing layers_pre.json)
     (`--bbox-only` writes just layers_pre_bbox.json: bounding boxes through the image layers;
     `--clahe-only` adds the padded CLAHE cases to layers_pre.json)
     (text part: a venv with keras==3.15.1, jax[cpu]==0.10.2, tensorflow-cpu==2.21.0)
"""

import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import layers as L  # noqa: E402

HERE = os.path.dirname(__file__)
GOLDEN = os.path.join(HERE, "..", "..", "packages", "layers", "test", "golden")


def arr(a):
    if isinstance(a, (list, tuple)) and a and isinstance(a[0], (str, bytes)):
        return [x.decode() if isinstance(x, bytes) else x for x in a]
    a = np.asarray(a)
    if a.dtype.kind in ("U", "S", "O"):
        return np.vectorize(lambda x: x.decode() if isinstance(x, bytes) else str(x), otypes=[object])(a).tolist()
    if a.dtype == bool:
        return a.tolist()
    if np.issubdtype(a.dtype, np.integer):
        return a.astype(np.int64).tolist()
    if a.dtype == np.float64:
        return a.tolist()
    # float32/float16: the shortest repr that round-trips the value (keeps the file small and exact)
    return a.astype(np.float32).astype(str).astype(np.float64).tolist()


def dtype_of(y):
    return str(keras.backend.standardize_dtype(y.dtype)) if hasattr(y, "dtype") else "list"


def jsonable(c):
    return json.loads(json.dumps(c, default=lambda o: list(o) if isinstance(o, tuple) else str(o)))


def images(shape=(2, 8, 8, 3), seed=0, high=255.0):
    return np.random.RandomState(seed).uniform(0, high, size=shape).astype("float32")


def case(layer, x, call_kwargs=None, training=None, **extra):
    kw = dict(call_kwargs or {})
    if training is not None:
        kw["training"] = training
    y = layer(x, **kw)
    out = {"class_name": layer.__class__.__name__, "config": jsonable(layer.get_config()), "input": arr(x), "output": arr(y), "dtype": dtype_of(y)}
    if hasattr(x, "dtype"):
        out["input_dtype"] = str(np.asarray(x).dtype)
    out.update(extra)
    return out


def numeric_cases():
    c = {}
    x = np.random.RandomState(1).uniform(-3, 5, size=(4, 3)).astype("float32")
    c["norm_fixed"] = case(L.Normalization(mean=[1.0, 2.0, 3.0], variance=[1.0, 4.0, 9.0]), x)
    c["norm_fixed_scalar"] = case(L.Normalization(mean=2.0, variance=4.0, axis=None), x)
    c["norm_invert"] = case(L.Normalization(mean=[1.0, 2.0, 3.0], variance=[1.0, 4.0, 9.0], invert=True), x)
    n = L.Normalization()
    n.adapt(x)
    c["norm_adapt"] = case(n, x, weights=[arr(w) for w in n.weights])
    x3 = np.random.RandomState(2).uniform(-1, 2, size=(5, 2, 3)).astype("float32")
    n = L.Normalization(axis=(1, 2))
    n.adapt(x3)
    c["norm_adapt_axes"] = case(n, x3, weights=[arr(w) for w in n.weights])
    batches = [np.random.RandomState(s).normal(s, 1 + s, size=(3, 2)).astype("float32") for s in range(3)]
    n = L.Normalization()
    n.adapt(batches)
    c["norm_adapt_batches"] = case(n, batches[0], weights=[arr(w) for w in n.weights], batches=[arr(b) for b in batches])

    xd = np.array([[-1.5, 0.0, 0.2], [0.5, 1.0, 3.7]], dtype="float32")
    for mode in ["int", "one_hot", "multi_hot", "count"]:
        c[f"disc_{mode}"] = case(L.Discretization(bin_boundaries=[0.0, 0.5, 1.0], output_mode=mode), xd if mode != "one_hot" else xd[:, :1])
    data = np.random.RandomState(3).normal(size=(200,)).astype("float32")
    d = L.Discretization(num_bins=4, epsilon=0.01)
    d.adapt(data)
    c["disc_adapt"] = {"bin_boundaries": arr(d.bin_boundaries), "data": arr(data), "config": jsonable(d.get_config())}
    d = L.Discretization(num_bins=5)
    d.adapt(np.arange(1000, dtype="float32").reshape(100, 10))
    c["disc_adapt_arange"] = {"bin_boundaries": arr(d.bin_boundaries)}

    ids = np.array([[0, 1], [2, 2], [3, 0]], dtype="int32")
    for mode in ["one_hot", "multi_hot", "count"]:
        c[f"catenc_{mode}"] = case(L.CategoryEncoding(num_tokens=4, output_mode=mode), ids if mode != "one_hot" else ids[:, :1])
    c["catenc_count_weights"] = case(L.CategoryEncoding(num_tokens=4, output_mode="count"), ids,
                                     call_kwargs={"count_weights": np.array([[0.5, 1.0], [2.0, 0.25], [1.5, 3.0]], dtype="float32")},
                                     count_weights=[[0.5, 1.0], [2.0, 0.25], [1.5, 3.0]])
    c["catenc_rank1"] = case(L.CategoryEncoding(num_tokens=5, output_mode="multi_hot"), np.array([1, 3, 3], dtype="int32"))
    c["rescaling"] = case(L.Rescaling(1.0 / 255), images((1, 2, 2, 3)))
    c["rescaling_offset"] = case(L.Rescaling(scale=[0.5, 1.0, 2.0], offset=-1.0), images((1, 2, 2, 3)))
    return c


def image_cases():
    c = {}
    img = images()
    small = images((2, 5, 7, 3), seed=4)
    for interp in ["bilinear", "nearest", "bicubic", "lanczos3"]:
        c[f"resizing_{interp}"] = case(L.Resizing(4, 6, interpolation=interp), img)
    c["resizing_crop"] = case(L.Resizing(4, 4, crop_to_aspect_ratio=True), small)
    c["resizing_pad"] = case(L.Resizing(6, 6, pad_to_aspect_ratio=True, fill_value=1.0), small)
    c["resizing_antialias"] = case(L.Resizing(3, 3, antialias=True), img)
    c["resizing_uint8"] = case(L.Resizing(5, 5), np.round(img).astype("uint8"))
    c["resizing_unbatched"] = case(L.Resizing(3, 4), img[0])
    c["center_crop"] = case(L.CenterCrop(4, 5), img)
    c["center_crop_upscale"] = case(L.CenterCrop(10, 6), small)
    c["center_crop_cf"] = case(L.CenterCrop(3, 3, data_format="channels_first"), np.transpose(img, (0, 3, 1, 2)))

    rnd = [
        ("random_flip", lambda: L.RandomFlip(seed=42)),
        ("random_flip_h", lambda: L.RandomFlip("horizontal", seed=3)),
        ("random_rotation", lambda: L.RandomRotation(0.2, seed=42)),
        ("random_rotation_constant", lambda: L.RandomRotation((-0.1, 0.3), fill_mode="constant", fill_value=5.0, interpolation="nearest", seed=7)),
        ("random_zoom", lambda: L.RandomZoom(0.3, seed=42)),
        ("random_zoom_hw", lambda: L.RandomZoom((-0.3, 0.2), (0.1, 0.4), fill_mode="nearest", seed=5)),
        ("random_translation", lambda: L.RandomTranslation(0.2, 0.3, seed=42)),
        ("random_translation_wrap", lambda: L.RandomTranslation((-0.2, 0.1), 0.25, fill_mode="wrap", seed=9)),
        ("random_crop", lambda: L.RandomCrop(5, 6, seed=42)),
        ("random_contrast", lambda: L.RandomContrast(0.5, seed=42)),
        ("random_brightness", lambda: L.RandomBrightness(0.3, seed=42)),
        ("random_grayscale", lambda: L.RandomGrayscale(0.5, seed=42)),
        ("random_hue", lambda: L.RandomHue(0.4, seed=42)),
        ("random_saturation", lambda: L.RandomSaturation(0.7, seed=42)),
        ("random_sharpness", lambda: L.RandomSharpness(0.6, seed=42)),
        ("random_shear", lambda: L.RandomShear(0.3, 0.2, seed=42)),
        ("random_posterization", lambda: L.RandomPosterization((2, 6), seed=42)),
        ("random_invert", lambda: L.RandomInvert(0.5, seed=42)),
        ("random_erasing", lambda: L.RandomErasing(factor=1.0, fill_value=0.0, seed=42)),
        ("random_gaussian_blur", lambda: L.RandomGaussianBlur(factor=1.0, sigma=0.8, seed=42)),
        ("random_perspective", lambda: L.RandomPerspective(factor=1.0, scale=0.5, seed=42)),
        ("random_elastic", lambda: L.RandomElasticTransform(factor=1.0, scale=0.5, seed=42)),
        ("random_color_jitter", lambda: L.RandomColorJitter(brightness_factor=0.2, contrast_factor=0.3, saturation_factor=0.4, hue_factor=0.1, seed=42)),
        ("random_color_degeneration", lambda: L.RandomColorDegeneration(0.6, seed=42)),
        ("solarization", lambda: L.Solarization(addition_factor=0.2, threshold_factor=0.6, seed=42)),
        ("auto_contrast", lambda: L.AutoContrast()),
        ("equalization", lambda: L.Equalization()),
        ("equalization_bins", lambda: L.Equalization(bins=16, value_range=(0, 255))),
        ("clahe", lambda: L.ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=(2, 2), clip_limit=2.0)),
        ("max_num_bounding_boxes", lambda: L.MaxNumBoundingBoxes(max_number=4)),
        ("mix_up", lambda: L.MixUp(alpha=0.4, seed=42)),
        ("cut_mix", lambda: L.CutMix(seed=42)),
        ("rand_augment", lambda: L.RandAugment(num_ops=2, factor=0.5, seed=42)),
        ("aug_mix", lambda: L.AugMix(seed=42)),
    ]
    for name, make in rnd:
        entry = {}
        layer = make()
        entry["class_name"] = layer.__class__.__name__
        entry["seed"] = getattr(layer, "seed", None)
        entry["config"] = jsonable(layer.get_config())
        entry["input"] = arr(img)
        try:
            y = make()(img, training=False)
            entry["inference"] = arr(y)
            entry["inference_dtype"] = dtype_of(y)
        except Exception as e:  # noqa: BLE001
            entry["inference_error"] = str(e)
        y1 = make()(img, training=True)
        entry["training"] = arr(y1)
        entry["training_shape"] = list(y1.shape)
        layer = make()
        entry["training_default"] = arr(layer(img))
        entry["training_second_call"] = arr(layer(img))
        c[name] = entry
    labels = np.eye(2, dtype="float32")
    for name, make in [("mix_up_labels", lambda: L.MixUp(alpha=0.4, seed=42)), ("cut_mix_labels", lambda: L.CutMix(seed=42))]:
        out = make()({"images": img, "labels": labels}, training=True)
        c[name] = {"input": arr(img), "labels": arr(labels), "images_out": arr(out["images"]), "labels_out": arr(out["labels"])}
    c.update(aug_mix_draws())
    c.update(clahe_padded_cases())
    return c


def clahe_padded_cases():
    """CLAHE on images whose sides are not multiples of the tile grid (symmetric padding), channels-first, no clipping."""
    x = images((2, 7, 10, 3), seed=5)
    return {"clahe_padded": case(L.ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=(3, 4), clip_limit=3.0), x),
            "clahe_cf_unclipped": case(L.ContrastLimitedAdaptiveHistogramEqualization(value_range=(0, 1), clip_limit=0.0, tile_grid_size=(2, 3),
                                                                                       data_format="channels_first"), np.transpose(x, (0, 3, 1, 2)) / 255.0)}


def aug_mix_draws():
    """AugMix's seeded draws (Dirichlet chain weights from gamma, the Beta blend weight). Its chains' ops
    come from Python's `random`, so its transformed images are not comparable."""
    c = {}
    for name, kw in [("aug_mix_draws", {"seed": 42}), ("aug_mix_draws_alpha", {"seed": 7, "alpha": 0.4, "num_chains": 4})]:
        t = L.AugMix(**kw).get_random_transformation(images(), training=True)
        c[name] = {"kwargs": kw, "chain_mixing_weights": arr(t["chain_mixing_weights"]), "weight_sample": arr(t["weight_sample"])}
    return c


def audio_cases():
    c = {}
    rs = np.random.RandomState(5)
    audio = rs.normal(size=(2, 256)).astype("float32")
    mel = L.MelSpectrogram(fft_length=64, sequence_stride=16, num_mel_bins=8, sampling_rate=8000)
    c["mel"] = case(mel, audio, weights=arr(mel.linear_to_mel_weight_matrix(8, 33, 8000, 20.0, 4000.0)))
    c["mel_nodb"] = case(L.MelSpectrogram(fft_length=32, sequence_stride=8, sequence_length=24, num_mel_bins=6, sampling_rate=4000, power_to_db=False, window="hamming"), audio)
    sig = rs.normal(size=(2, 64, 2)).astype("float32")
    for mode in ["log", "magnitude", "psd", "real", "imag", "angle", "stft"]:
        c[f"stft_{mode}"] = case(L.STFTSpectrogram(mode=mode, frame_length=16, frame_step=8, fft_length=16), sig)
    c["stft_same_expand"] = case(L.STFTSpectrogram(mode="log", frame_length=15, frame_step=5, padding="same", expand_dims=True, window="hamming", scaling="spectrum"), sig)
    c["stft_cf"] = case(L.STFTSpectrogram(mode="magnitude", frame_length=16, data_format="channels_first"), np.transpose(sig, (0, 2, 1)))
    return c


ASCII = ["The quick brown fox", "jumps over", "the lazy dog!", "A", "B", "", "hello, world.", "x" * 70]
UNICODE = ["héllo wörld", "日本語テキスト", "😀emoji😀", "Ünïcödé ÉTÉ", "naïve café", "tab\there", "nbsp\u00a0space", "ideo\u3000space"]


def text_cases():
    import tensorflow as tf  # noqa: F401  (the text layers need it)

    c = {}
    strings = ASCII + UNICODE
    col = [[s] for s in strings]
    c["hashing_fast"] = case(L.Hashing(num_bins=7), col)
    c["hashing_big"] = case(L.Hashing(num_bins=2**30), col)
    c["hashing_salt"] = case(L.Hashing(num_bins=11, salt=[133, 137]), col)
    c["hashing_salt1"] = case(L.Hashing(num_bins=3, salt=133), col)
    c["hashing_mask"] = case(L.Hashing(num_bins=5, mask_value=""), col)
    c["hashing_int"] = case(L.Hashing(num_bins=9), np.array([[1, -2, 300], [0, 2**40, 7]], dtype="int64"))
    c["hashing_float"] = case(L.Hashing(num_bins=9), np.array([[1.7, -2.5, 3.0]], dtype="float32"))
    c["hashing_multi_hot"] = case(L.Hashing(num_bins=6, output_mode="multi_hot"), [["a", "b", "c"], ["d", "é", "a"]])
    c["hashing_one_hot"] = case(L.Hashing(num_bins=4, output_mode="one_hot"), [["a"], ["b"], ["ü"]])
    c["hashing_count"] = case(L.Hashing(num_bins=4, output_mode="count"), [["a", "a", "b"], ["c", "d", "d"]])
    a = np.array([["A"], ["B"], ["é"], ["日本"]])
    b = np.array([[1], [2], [3], [4]], dtype="int64")
    c["hashed_crossing"] = {"a": arr(a), "b": arr(b), "output": arr(L.HashedCrossing(num_bins=10)((a, b))),
                            "config": jsonable(L.HashedCrossing(num_bins=10).get_config())}
    c["hashed_crossing_str"] = {"a": arr(a), "b": arr(a[::-1]), "output": arr(L.HashedCrossing(num_bins=1000)((a, a[::-1])))}
    c["hashed_crossing_one_hot"] = {"a": arr(b[:, 0]), "b": arr(b[::-1, 0]), "output": arr(L.HashedCrossing(num_bins=5, output_mode="one_hot")((b[:, 0], b[::-1, 0])))}

    vocab = ["a", "b", "c", "d", "é", "日本"]
    data = [["a", "c", "d"], ["d", "z", "b"], ["é", "日本", "?"]]
    c["sl_int"] = case(L.StringLookup(vocabulary=vocab), data)
    c["sl_mask"] = case(L.StringLookup(vocabulary=vocab, mask_token="[MASK]"), [["a", "[MASK]", "x"]])
    c["sl_oov2"] = case(L.StringLookup(vocabulary=vocab, num_oov_indices=3), data)
    c["sl_oov2_salt"] = case(L.StringLookup(vocabulary=vocab, num_oov_indices=3, salt=[7, 9]), data)
    for mode in ["one_hot", "multi_hot", "count"]:
        c[f"sl_{mode}"] = case(L.StringLookup(vocabulary=vocab, output_mode=mode), data if mode != "one_hot" else [["a"], ["é"], ["q"]])
    c["sl_tfidf"] = case(L.StringLookup(vocabulary=vocab, output_mode="tf_idf", idf_weights=[0.1, 0.2, 0.3, 0.4, 0.5, 0.6]), data)
    # NOTE: an inverted StringLookup fails under Keras 3.15 on JAX (string outputs); its config is still checked.
    c["sl_invert"] = {"config": jsonable(L.StringLookup(vocabulary=vocab, invert=True).get_config())}
    corpus = [["the", "cat", "sat"], ["the", "dog", "sat"], ["a", "cat", "é"], ["the", "é", "日本"]]
    s = L.StringLookup()
    s.adapt(corpus)
    c["sl_adapt"] = {"corpus": corpus, "vocab": s.get_vocabulary(), "output": arr(s(corpus)), "config": jsonable(s.get_config())}
    s = L.StringLookup(max_tokens=4, output_mode="tf_idf")
    s.adapt(corpus)
    c["sl_adapt_tfidf"] = {"corpus": corpus, "vocab": s.get_vocabulary(), "output": arr(s(corpus)), "idf": arr(s.idf_weights)}
    s = L.StringLookup(output_mode="multi_hot", pad_to_max_tokens=True, max_tokens=10, mask_token="")
    s.adapt(corpus)
    c["sl_adapt_padded"] = {"corpus": corpus, "vocab": s.get_vocabulary(), "output": arr(s(corpus))}

    ints = np.array([[12, 1138, 42], [42, 1000, 36]], dtype="int64")
    c["il_int"] = case(L.IntegerLookup(vocabulary=[12, 36, 1138, 42]), ints)
    c["il_mask"] = case(L.IntegerLookup(vocabulary=[12, 36, 1138, 42], mask_token=0), np.array([[12, 0, 5]], dtype="int64"))
    c["il_oov"] = case(L.IntegerLookup(vocabulary=[12, 36], num_oov_indices=3), np.array([[12, 7, 8, -3, 1000]], dtype="int64"))
    c["il_oov_farmhash"] = case(L.IntegerLookup(vocabulary=[12, 36], num_oov_indices=3, oov_method="farmhash"), np.array([[12, 7, 8, -3, 1000]], dtype="int64"))
    c["il_multi_hot"] = case(L.IntegerLookup(vocabulary=[12, 36, 1138, 42], output_mode="multi_hot"), ints)
    c["il_invert"] = case(L.IntegerLookup(vocabulary=[12, 36, 1138, 42], invert=True), np.array([[1, 2, 0, 5]], dtype="int64"))
    il = L.IntegerLookup()
    il.adapt(np.array([[3, 3, 1], [2, 3, 2], [7, 7, 7]], dtype="int64"))
    c["il_adapt"] = {"vocab": arr(il.get_vocabulary()), "output": arr(il(np.array([[3, 1, 9]], dtype="int64")))}

    texts = ["The Cat sat, on the MAT!", "the dog ran... far away", "Ünïcödé ÉTÉ café, naïve", "tab\tsep and\u00a0nbsp", "日本語 テキスト"]
    tv = L.TextVectorization(output_sequence_length=8)
    tv.adapt(texts)
    c["tv_int"] = {"texts": texts, "vocab": tv.get_vocabulary(), "output": arr(tv(texts)), "config": jsonable(tv.get_config())}
    tv = L.TextVectorization()
    tv.adapt(texts)
    c["tv_int_ragged_pad"] = {"texts": texts, "output": arr(tv(texts))}
    for std in ["lower", "strip_punctuation", None]:
        tv = L.TextVectorization(standardize=std, max_tokens=12, output_sequence_length=6)
        tv.adapt(texts)
        c[f"tv_std_{std}"] = {"texts": texts, "vocab": tv.get_vocabulary(), "output": arr(tv(texts))}
    tv = L.TextVectorization(split="character", output_sequence_length=10)
    tv.adapt(texts)
    c["tv_char"] = {"texts": texts, "vocab": tv.get_vocabulary(), "output": arr(tv(texts))}
    tv = L.TextVectorization(ngrams=2, output_mode="count")
    tv.adapt(texts)
    c["tv_ngrams_count"] = {"texts": texts, "vocab": tv.get_vocabulary(), "output": arr(tv(texts)), "dtype": dtype_of(tv(texts))}
    tv = L.TextVectorization(ngrams=(1, 3), output_mode="multi_hot", max_tokens=20)
    tv.adapt(texts)
    c["tv_ngrams_multi_hot"] = {"texts": texts, "vocab": tv.get_vocabulary(), "output": arr(tv(texts)), "dtype": dtype_of(tv(texts))}
    tv = L.TextVectorization(output_mode="tf_idf", max_tokens=15, pad_to_max_tokens=True)
    tv.adapt(texts)
    c["tv_tfidf"] = {"texts": texts, "vocab": tv.get_vocabulary(), "output": arr(tv(texts)), "dtype": dtype_of(tv(texts))}
    tv = L.TextVectorization(vocabulary=["cat", "the", "dog"], output_sequence_length=4)
    c["tv_vocab"] = {"texts": texts, "output": arr(tv(texts)), "config": jsonable(tv.get_config())}
    tv = L.TextVectorization(split=None, output_mode="int")
    tv.adapt(["a b", "c", "a b"])
    c["tv_nosplit"] = {"texts": ["a b", "c", "d"], "vocab": tv.get_vocabulary(), "output": arr(tv(np.array([["a b"], ["c"], ["d"]])))}
    return c


def add_image_cases(cases):
    """Adds `cases` to the image part of the existing layers_pre.json (the full run needs tensorflow for `adapt`)."""
    path = os.path.join(GOLDEN, "layers_pre.json")
    with open(path) as f:
        out = json.load(f)
    out["image"].update(cases)
    with open(path, "w") as f:
        json.dump(out, f)


def main():
    if "--bbox-only" in sys.argv:
        write_bbox()
        return
    for flag, cases in [("--clahe-only", clahe_padded_cases), ("--aug-mix-draws-only", aug_mix_draws)]:
        if flag in sys.argv:
            add_image_cases(cases())
            return
    out = {"numeric": numeric_cases(), "image": image_cases(), "audio": audio_cases()}
    with open(os.path.join(GOLDEN, "layers_pre.json"), "w") as f:
        json.dump(out, f)
    write_bbox()
    try:
        import tensorflow  # noqa: F401
    except ImportError:
        print("tensorflow not installed: layers_pre_text.json left as it is")
        return
    with open(os.path.join(GOLDEN, "layers_pre_text.json"), "w", encoding="utf-8") as f:
        json.dump(text_cases(), f, ensure_ascii=False)


# ---- H9: bounding boxes through the image preprocessing layers (written to layers_pre_bbox.json) ----


def bbox_cases():
    """Seeded image layers on `{"images", "bounding_boxes"}` dicts: boxes and labels out, in several formats."""
    img = images((2, 8, 10, 3), seed=11)
    xyxy = np.array([[[1.0, 2.0, 6.0, 7.0], [0.0, 0.0, 0.0, 0.0], [7.5, 1.0, 12.0, 5.0]],
                     [[2.0, 3.0, 4.0, 4.5], [-1.0, 5.0, 3.0, 9.0], [4.0, 1.0, 9.0, 6.0]]], dtype="float32")
    labels = np.array([[1, -1, 2], [0, 3, 1]], dtype="int32")
    from keras.utils import bounding_boxes as B

    def boxes_in(fmt_, h=8, w=10):
        return np.asarray(B.convert_format(xyxy.copy(), source="xyxy", target=fmt_, height=h, width=w))

    c = {}
    specs = [
        ("flip_xyxy", lambda f: L.RandomFlip(seed=42, bounding_box_format=f), "xyxy", True),
        ("flip_h_rel_xyxy", lambda f: L.RandomFlip("horizontal", seed=3, bounding_box_format=f), "rel_xyxy", True),
        ("flip_v_center_xywh", lambda f: L.RandomFlip("vertical", seed=5, bounding_box_format=f), "center_xywh", True),
        ("flip_inference", lambda f: L.RandomFlip(seed=42, bounding_box_format=f), "xyxy", False),
        ("translation_xyxy", lambda f: L.RandomTranslation(0.2, 0.3, seed=42, bounding_box_format=f), "xyxy", True),
        ("translation_rel_center_xywh", lambda f: L.RandomTranslation((-0.3, 0.1), 0.25, seed=9, bounding_box_format=f), "rel_center_xywh", True),
        ("rotation_xyxy", lambda f: L.RandomRotation(0.2, seed=42, bounding_box_format=f), "xyxy", True),
        ("rotation_yxyx", lambda f: L.RandomRotation((-0.1, 0.3), seed=7, bounding_box_format=f), "yxyx", True),
        ("zoom_xyxy", lambda f: L.RandomZoom(0.3, seed=42, bounding_box_format=f), "xyxy", True),
        ("zoom_hw_rel_xywh", lambda f: L.RandomZoom((-0.3, 0.2), (0.1, 0.4), seed=5, bounding_box_format=f), "rel_xywh", True),
        ("resizing_xyxy", lambda f: L.Resizing(4, 6, bounding_box_format=f), "xyxy", True),
        ("resizing_crop_rel_yxyx", lambda f: L.Resizing(6, 6, crop_to_aspect_ratio=True, bounding_box_format=f), "rel_yxyx", False),
        ("resizing_pad_center_yxhw", lambda f: L.Resizing(9, 5, pad_to_aspect_ratio=True, bounding_box_format=f), "center_yxhw", False),
        ("center_crop_xywh", lambda f: L.CenterCrop(4, 5, bounding_box_format=f), "xywh", False),
        ("center_crop_upscale_xyxy", lambda f: L.CenterCrop(12, 6, bounding_box_format=f), "xyxy", True),
        ("random_crop_xyxy", lambda f: L.RandomCrop(5, 6, seed=42, bounding_box_format=f), "xyxy", True),
        ("shear_xyxy", lambda f: L.RandomShear(x_factor=0.3, y_factor=0.2, seed=42, bounding_box_format=f), "xyxy", True),
        ("shear_x_rel_yxyx", lambda f: L.RandomShear(x_factor=0.4, seed=3, bounding_box_format=f), "rel_yxyx", True),
        ("perspective_xyxy", lambda f: L.RandomPerspective(factor=(1.0, 1.0), scale=0.4, seed=42, bounding_box_format=f), "xyxy", True),
        ("perspective_half_xywh", lambda f: L.RandomPerspective(factor=0.5, scale=0.6, seed=2, bounding_box_format=f), "xywh", True),
        ("max_num_2", lambda f: L.MaxNumBoundingBoxes(max_number=2, bounding_box_format=f), "xyxy", True),
        ("max_num_5", lambda f: L.MaxNumBoundingBoxes(max_number=5, fill_value=-7, bounding_box_format=f), "xyxy", True),
        ("contrast_pass_through", lambda f: L.RandomContrast(0.3, seed=1, bounding_box_format=f), "rel_xyxy", True),
        # MixUp appends each image's partner boxes (seed 3 swaps the pair); Keras concatenates the labels on axis 0.
        ("mix_up_xyxy", lambda f: L.MixUp(seed=3, bounding_box_format=f), "xyxy", True),
        ("mix_up_rel_xywh", lambda f: L.MixUp(alpha=0.4, seed=1, bounding_box_format=f), "rel_xywh", True),
        ("mix_up_inference", lambda f: L.MixUp(seed=3, bounding_box_format=f), "xyxy", False),
        # RandAugment draws op indices [8, 1] (solarization, translation), [2, 10] (rotation, equalization),
        # [8, 0] (solarization, shear), [9, 9] (auto-contrast twice: boxes unchanged).
        ("rand_augment_translation_xyxy", lambda f: L.RandAugment(seed=2, bounding_box_format=f), "xyxy", True),
        ("rand_augment_rotation_center_xywh", lambda f: L.RandAugment(factor=0.3, seed=7, bounding_box_format=f), "center_xywh", True),
        ("rand_augment_shear_rel_xyxy", lambda f: L.RandAugment(num_ops=2, seed=0, bounding_box_format=f), "rel_xyxy", True),
        ("rand_augment_pass_through", lambda f: L.RandAugment(seed=11, bounding_box_format=f), "xyxy", True),
        # [1, 0]: images get translation then shear, boxes (Keras loops the ops in order) shear then translation;
        # [0, 0]: images are sheared twice, boxes once.
        ("rand_augment_two_geometric_xyxy", lambda f: L.RandAugment(seed=15, bounding_box_format=f), "xyxy", True),
        ("rand_augment_repeated_op_yxyx", lambda f: L.RandAugment(seed=17, bounding_box_format=f), "yxyx", True),
    ]
    for name, make, fmt_, training in specs:
        layer = make(fmt_)
        bx = boxes_in(fmt_)
        out = layer({"images": img, "bounding_boxes": {"boxes": bx, "labels": labels}}, training=training)
        c[name] = {"class_name": layer.__class__.__name__, "config": jsonable(layer.get_config()), "training": training, "boxes": arr(bx), "labels": arr(labels), "images_out": arr(out["images"]),
                   "boxes_out": arr(out["bounding_boxes"]["boxes"]), "labels_out": arr(out["bounding_boxes"]["labels"])}
    img_cf = np.transpose(img, (0, 3, 1, 2))
    for name, layer in [("zoom_cf", L.RandomZoom(0.3, seed=42, bounding_box_format="xyxy", data_format="channels_first")),
                        ("center_crop_cf", L.CenterCrop(4, 5, bounding_box_format="xyxy", data_format="channels_first"))]:
        out = layer({"images": img_cf, "bounding_boxes": {"boxes": xyxy, "labels": labels}}, training=True)
        c[name] = {"class_name": layer.__class__.__name__, "config": jsonable(layer.get_config()), "training": True, "images": arr(img_cf),
                   "boxes": arr(xyxy), "labels": arr(labels), "images_out": arr(out["images"]),
                   "boxes_out": arr(out["bounding_boxes"]["boxes"]), "labels_out": arr(out["bounding_boxes"]["labels"])}
    # Keras's MaxNumBoundingBoxes leaves `fill_value` out of its config: record the argument it was built with.
    c["max_num_5"]["extra_config"] = {"fill_value": -7}
    layer = L.RandomFlip(seed=1, bounding_box_format="xyxy")  # seed 1 flips this image
    out = layer({"images": img[0], "bounding_boxes": {"boxes": xyxy[0], "labels": labels[0]}}, training=True)
    c["flip_unbatched"] = {"class_name": "RandomFlip", "config": jsonable(layer.get_config()), "training": True, "images": arr(img[0]),
                           "boxes": arr(xyxy[0]), "labels": arr(labels[0]), "images_out": arr(out["images"]),
                           "boxes_out": arr(out["bounding_boxes"]["boxes"]), "labels_out": arr(out["bounding_boxes"]["labels"])}
    conv = {}
    for tgt in ["yxyx", "xywh", "center_xywh", "center_yxhw", "rel_xyxy", "rel_yxyx", "rel_xywh", "rel_center_xywh"]:
        conv[tgt] = arr(boxes_in(tgt))
        conv[f"{tgt}_to_rel_center_xywh"] = arr(B.convert_format(boxes_in(tgt), source=tgt, target="rel_center_xywh", height=8, width=10))
    clipped = B.clip_to_image_size({"boxes": xyxy.copy(), "labels": labels.copy()}, height=6, width=5)
    aff = {"angle": [20.0, -35.0], "translate_x": [0.1, -0.2], "translate_y": [-0.05, 0.15], "scale": [1.2, 0.8], "shear_x": [5.0, -10.0], "shear_y": [0.0, 7.0]}
    affine = B.affine_transform(xyxy.copy(), *[np.array(v, "float32") for v in aff.values()], height=8, width=10, center_x=0.4, center_y=0.6)
    helpers = {"affine_args": aff, "affine": arr(affine), "crop": arr(B.crop(xyxy.copy(), top=1, left=2, height=5, width=6)),
               "pad": arr(B.pad(xyxy.copy(), top=1, left=2))}
    return {"images": arr(img), "cases": c, "helpers": helpers, "convert": {"xyxy": arr(xyxy), "height": 8, "width": 10, **conv},
            "clip": {"height": 6, "width": 5, "boxes": arr(clipped["boxes"]), "labels": arr(clipped["labels"])}}


def write_bbox():
    with open(os.path.join(GOLDEN, "layers_pre_bbox.json"), "w") as f:
        json.dump(bbox_cases(), f)


if __name__ == "__main__":
    main()
