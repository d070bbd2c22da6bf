"""Golden data for @kx/ops-nn's image ops: keras.ops.image evaluated by the real Keras 3 on JAX.

Writes packages/ops-nn/test/golden/ops_image.json in the format of tools/golden/ops_nn.py.
Keras on JAX computes several image ops in float32 even for float64 inputs (its result_type maps
float64 to float32), so those cases use float32 inputs. `resize(interpolation="area")` is not
accepted by Keras 3.15's JAX backend; its case comes from `jax.image.resize(method="area")`, the
function Keras delegates to.

Run: KERAS_BACKEND=jax .venv/bin/python tools/golden/ops_nn_image.py
"""

import functools
import json
import os

from _common import array_record as enc, enable_x64, golden_path, op_case

jax = enable_x64()

import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import ops  # noqa: E402

OUT = golden_path("ops-nn", "ops_image.json")
rng = np.random.default_rng(20240918)
CASES = []
case = functools.partial(op_case, CASES)
img = ops.image


def rnd(*shape, dtype="float64"):
    return rng.random(shape).astype(dtype)


rgb32 = rnd(2, 5, 6, 3, dtype="float32")
case("gray", "rgb_to_grayscale", img.rgb_to_grayscale, [rgb32])
case("gray_cf", "rgb_to_grayscale", img.rgb_to_grayscale, [rnd(3, 4, 5, dtype="float32")], {"data_format": "channels_first"})
case("gray_uint8", "rgb_to_grayscale", img.rgb_to_grayscale, [(rgb32 * 255).astype("uint8")])
hsv_in = rgb32.copy()
hsv_in[0, 0, 0] = [0.5, 0.5, 0.5]
hsv_in[0, 0, 1] = [0.0, 0.0, 0.0]
hsv_in[0, 0, 2] = [1.0, 0.2, 0.2]
case("rgb_to_hsv", "rgb_to_hsv", img.rgb_to_hsv, [hsv_in.astype("float64")])
case("rgb_to_hsv_cf", "rgb_to_hsv", img.rgb_to_hsv, [rnd(3, 4, 4)], {"data_format": "channels_first"})
case("hsv_to_rgb", "hsv_to_rgb", img.hsv_to_rgb, [np.concatenate([rnd(2, 4, 4, 1) * 2 - 0.5, rnd(2, 4, 4, 2)], -1)])

x = rnd(2, 6, 7, 2)
for interp in ["nearest", "bilinear", "bicubic", "lanczos3", "lanczos5"]:
    case(f"resize_{interp}_up", "resize", img.resize, [x], {"size": [9, 11], "interpolation": interp})
    case(f"resize_{interp}_down", "resize", img.resize, [rnd(1, 11, 9, 2)], {"size": [4, 5], "interpolation": interp})
    case(f"resize_{interp}_down_aa", "resize", img.resize, [rnd(1, 11, 9, 2)], {"size": [4, 5], "interpolation": interp, "antialias": True})
case("resize_cf", "resize", img.resize, [rnd(2, 3, 5, 4)], {"size": [7, 3], "data_format": "channels_first"})
case("resize_single", "resize", img.resize, [rnd(5, 4, 3)], {"size": [3, 6]})
case("resize_crop", "resize", img.resize, [rnd(1, 8, 12, 2)], {"size": [4, 4], "crop_to_aspect_ratio": True})
case("resize_pad", "resize", img.resize, [rnd(1, 8, 12, 2)], {"size": [6, 6], "pad_to_aspect_ratio": True, "fill_value": 0.5})
case("resize_pad_w", "resize", img.resize, [rnd(1, 12, 5, 1)], {"size": [6, 6], "pad_to_aspect_ratio": True})
case("resize_uint8", "resize", img.resize, [(rnd(1, 5, 5, 1) * 255).astype("uint8")], {"size": [8, 3]})
area_in = rnd(1, 9, 10, 2)
CASES.append({"id": "resize_area", "op": "resize", "inputs": [enc(area_in)], "kwargs": {"size": [4, 6], "interpolation": "area"},
              "outputs": [enc(np.asarray(jax.image.resize(area_in, (1, 4, 6, 2), method="area", antialias=False)))]})

case("sat_bilinear", "scale_and_translate", lambda im, **k: img.scale_and_translate(im, **k), [rnd(1, 5, 6, 2)],
     {"output_shape": [1, 8, 7, 2], "scale": [1.6, 1.2], "translation": [0.5, -1.0], "spatial_dims": [1, 2], "method": "bilinear"})
case("sat_cubic_noaa", "scale_and_translate", lambda im, **k: img.scale_and_translate(im, **k), [rnd(1, 9, 6, 1)],
     {"output_shape": [1, 4, 6, 1], "scale": [0.45, 1.0], "translation": [0.3, 0.0], "spatial_dims": [1, 2], "method": "bicubic", "antialias": False})
case("sat_lanczos", "scale_and_translate", lambda im, **k: img.scale_and_translate(im, **k), [rnd(2, 7, 3)],
     {"output_shape": [2, 5, 3], "scale": [0.7], "translation": [1.0], "spatial_dims": [1], "method": "lanczos3"})

field = rnd(5, 6) * 10
coords = np.stack([rng.random((3, 4)) * 8 - 1.5, rng.random((3, 4)) * 9 - 1.5])
for mode in ["constant", "nearest", "wrap", "mirror", "reflect"]:
    for order in [0, 1]:
        case(f"map_{mode}_{order}", "map_coordinates", img.map_coordinates, [field, coords], {"order": order, "fill_mode": mode, "fill_value": -1.0})
case("map_3d", "map_coordinates", img.map_coordinates, [rnd(3, 4, 5), np.stack([rng.random(6) * 3, rng.random(6) * 4, rng.random(6) * 5])], {"order": 1})

im = rnd(2, 6, 7, 2)
tr = np.array([[1.1, 0.2, -0.5, -0.1, 0.9, 1.0, 0.0, 0.0], [0.8, -0.3, 2.0, 0.25, 1.2, -1.0, 0.0, 0.0]])
for interp in ["nearest", "bilinear"]:
    for mode in ["constant", "nearest", "wrap", "mirror", "reflect"]:
        case(f"affine_{interp}_{mode}", "affine_transform", img.affine_transform, [im, tr], {"interpolation": interp, "fill_mode": mode, "fill_value": 0.25})
case("affine_single_cf", "affine_transform", img.affine_transform, [rnd(2, 5, 6), tr[0]], {"data_format": "channels_first"})

sp = np.array([[0, 0], [6, 0], [0, 5], [6, 5]], "float64")
ep = np.array([[1, 0.5], [5.5, 0], [0, 4.5], [6, 5]], "float64")
case("perspective", "perspective_transform", img.perspective_transform, [rnd(1, 6, 7, 2, dtype="float32"), sp, ep], {})
case("perspective_nearest", "perspective_transform", img.perspective_transform, [rnd(1, 6, 7, 2, dtype="float32"), sp, ep], {"interpolation": "nearest", "fill_value": 0.5})

# NOTE: Keras 3.15's eager gaussian_blur does not standardize data_format=None, and its JAX backend
# then treats channels_last images as channels_first; kx follows the documented default, so these
# cases pass data_format explicitly.
case("blur", "gaussian_blur", img.gaussian_blur, [rnd(2, 7, 8, 2)], {"data_format": "channels_last"})
case("blur_rect", "gaussian_blur", img.gaussian_blur, [rnd(1, 9, 8, 2)], {"kernel_size": [5, 3], "sigma": [1.5, 0.7], "data_format": "channels_last"})
case("blur_cf", "gaussian_blur", img.gaussian_blur, [rnd(2, 6, 7)], {"kernel_size": [3, 3], "sigma": [2.0, 2.0], "data_format": "channels_first"})
case("sobel", "sobel_edges", img.sobel_edges, [rnd(2, 5, 6, 2)], {})
case("sobel_cf", "sobel_edges", img.sobel_edges, [rnd(1, 2, 5, 4)], {"data_format": "channels_first"})
a = rnd(2, 16, 16, 3, dtype="float32")
case("ssim", "ssim", img.ssim, [a, np.clip(a + rnd(2, 16, 16, 3, dtype="float32") * 0.2 - 0.1, 0, 1)], {})
case("ssim_args", "ssim", img.ssim, [a[0], a[0] * 0.8], {"max_val": 2.0, "filter_size": 7, "filter_sigma": 1.0, "k1": 0.02, "k2": 0.05})

pim = rnd(2, 9, 10, 2)
case("patches", "extract_patches", img.extract_patches, [pim], {"size": [3, 3]})
case("patches_s1_same", "extract_patches", img.extract_patches, [pim], {"size": 2, "strides": 1, "padding": "same"})
case("patches_dil", "extract_patches", img.extract_patches, [pim[0]], {"size": [2, 3], "strides": [2, 1], "dilation_rate": 2})
case("patches_cf", "extract_patches", img.extract_patches, [rnd(1, 2, 6, 6)], {"size": 3, "data_format": "channels_first"})
case("patches_3d", "extract_patches_3d", img.extract_patches_3d, [rnd(1, 4, 4, 6, 2)], {"size": [2, 2, 3]})
case("patches_3d_same", "extract_patches_3d", img.extract_patches_3d, [rnd(4, 5, 3, 1)], {"size": 2, "strides": [1, 2, 2], "padding": "same"})
case("pad", "pad_images", img.pad_images, [rnd(2, 3, 4, 2)], {"top_padding": 1, "left_padding": 2, "bottom_padding": 0, "right_padding": 1})
case("pad_target", "pad_images", img.pad_images, [rnd(3, 4, 2)], {"top_padding": 1, "target_height": 6, "right_padding": 2, "target_width": 7})
case("pad_cf", "pad_images", img.pad_images, [rnd(1, 2, 3, 4)], {"bottom_padding": 2, "target_height": 6, "left_padding": 0, "target_width": 5, "data_format": "channels_first"})
case("crop", "crop_images", img.crop_images, [rnd(2, 6, 7, 2)], {"top_cropping": 1, "left_cropping": 2, "target_height": 3, "target_width": 4})
case("crop_bottom", "crop_images", img.crop_images, [rnd(6, 7, 2)], {"bottom_cropping": 2, "target_height": 3, "right_cropping": 1, "target_width": 5})
case("crop_cf", "crop_images", img.crop_images, [rnd(1, 2, 6, 7)], {"top_cropping": 1, "bottom_cropping": 2, "left_cropping": 1, "right_cropping": 3, "data_format": "channels_first"})

el = rnd(1, 6, 7, 2)
case("elastic_alpha0", "elastic_transform", img.elastic_transform, [el], {"alpha": 0.0, "sigma": 1.0, "seed": 3})
case("elastic", "elastic_transform", img.elastic_transform, [el.astype("float32")], {"alpha": 2.0, "sigma": 1.0, "seed": 3})

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump({"keras": keras.__version__, "jax": jax.__version__, "cases": CASES}, f, separators=(",", ":"))
print(f"wrote {len(CASES)} cases to {OUT}")
