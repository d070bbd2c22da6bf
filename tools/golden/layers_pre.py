"""Golden data for @kx/layers' preprocessing layers (Keras 3.15 on JAX).

Writes, next to the tests that read them:
- packages/layers/test/golden/layers_pre.json: numeric, image, audio layers: configs, outputs of fixed
  inputs (inference and seeded training calls), adapt results;
- packages/layers/test/golden/layers_pre_text.json: Hashing, HashedCrossing, StringLookup,
  IntegerLookup, TextVectorization on ASCII and Unicode strings. Keras 3 runs these layers with
  TensorFlow even on JAX, so this part needs `tensorflow-cpu` in the interpreter; without it the
  text file is left as it is.

Run: KERAS_BACKEND=jax .venv/bin/python tools/golden/layers_pre.py
     (text part: a venv with keras==3.15.1, jax[cpu]==0.10.2, tensorflow-cpu==2.21.0)
"""

import json
import os

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


def main():
    out = {"numeric": numeric_cases(), "image": image_cases(), "audio": audio_cases()}
    with open(os.path.join(GOLDEN, "layers_pre.json"), "w") as f:
        json.dump(out, f)
    try:
        import tensorflow  # noqa: F401
    except ImportError:
        print("tensorflow not installed: layers_pre_text.json left as it is")
        return
    with open(os.path.join(GOLDEN, "layers_pre_text.json"), "w", encoding="utf-8") as f:
        json.dump(text_cases(), f, ensure_ascii=False)


if __name__ == "__main__":
    main()
