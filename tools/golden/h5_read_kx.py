"""Small HDF5 files written by h5py (libhdf5) for kx's own HDF5 reader (packages/layers/src/saving/h5-read-kx.ts).

Keras's own files (tools/golden/saving*.py) use few of HDF5's features; these files hold the rest of what the
reader decodes (compact storage, big-endian and float16 data, data never written, every attribute type h5py
writes, version 2 object headers and superblock 3 from `libver="latest"`) and what it must leave to the next
reader (a non-zero fill value, numpy bool (an HDF5 enum), dense link and attribute storage, a user block).
The test (packages/layers/test/h5-read-kx.test.ts) reads each through kx's reader and through h5wasm (libhdf5)
and expects the same tree, attributes and data, or a fallback for the files listed in `FALLBACK`.

Writes packages/layers/test/golden/h5-read-kx/<case>.h5 and cases.json: which reader each case expects
(`"kx"` or `"fallback"`) and, for every dataset of the `"kx"` cases, its values as h5py reads them.

Run: .venv/bin/python tools/golden/h5_read_kx.py
"""

import json
import os

import h5py
import numpy as np

from _common import flat, golden_path

OUT = golden_path("layers", "h5-read-kx")


def compact(f):
    for name, data in (("f32", np.arange(6, dtype="<f4").reshape(2, 3) / 7), ("i16", np.array([-5, 300], dtype="<i2"))):
        space = h5py.h5s.create_simple(data.shape)
        dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
        dcpl.set_layout(h5py.h5d.COMPACT)
        ds = h5py.h5d.create(f.id, name.encode(), h5py.h5t.py_create(data.dtype), space, dcpl=dcpl)
        ds.write(h5py.h5s.ALL, h5py.h5s.ALL, data)


def endian(f):
    rng = np.random.default_rng(3)
    for dt in (">f4", ">f8", ">i2", ">u4", ">i8", "<f2", "<u1", "|i1", "<u8"):
        data = rng.standard_normal((3, 2)) * 100
        data = (np.abs(data) if dt[1] == "u" else data).astype(dt)
        f.create_dataset(dt.replace(">", "be_").replace("<", "le_").replace("|", ""), data=data)
    f.create_dataset("scalar", data=np.float64(np.pi))
    f.create_dataset("special", data=np.array([np.nan, -0.0, np.inf, -np.inf, 1e-45], dtype="<f4"))


def unwritten(f):
    f.create_dataset("never", shape=(4, 3), dtype="<f4")
    f.create_dataset("never_zero_fill", shape=(5,), dtype="<i4", fillvalue=0)
    f.create_dataset("empty", shape=(0, 3), dtype="<f4")


def attrs(f):
    g = f.create_group("g")
    g.attrs["int64"] = np.int64(-(2**40))
    g.attrs["uint8s"] = np.array([1, 2, 255], dtype="<u1")
    g.attrs["f32_2d"] = np.arange(6, dtype="<f4").reshape(2, 3)
    g.attrs["f64"] = 2.5
    g.attrs["fixed"] = np.array([b"dense", b"kernel", b"b"])
    g.attrs["fixed_scalar"] = np.bytes_(b"tensorflow")
    g.attrs["vlen"] = "h\u00e9llo \u2713"
    g.attrs["vlen_list"] = ["a", "", "long string " * 20]
    g.attrs["empty"] = np.zeros((0,), dtype="<f8")
    g.attrs.create("fixed_utf8", np.array("caf\u00e9".encode(), dtype=h5py.string_dtype("utf-8", 8)))
    g.create_dataset("x", data=np.ones(3, dtype="<f4")).attrs["note"] = "on a dataset"


def latest(f):
    # At most 8 attributes per object: libhdf5 moves more to dense storage (see `dense`).
    g = f.create_group("g")
    g.attrs["int64"] = np.int64(-(2**40))
    g.attrs["f32_2d"] = np.arange(6, dtype="<f4").reshape(2, 3)
    g.attrs["fixed"] = np.array([b"dense", b"kernel", b"b"])
    g.attrs["vlen"] = "h\u00e9llo \u2713"
    g.attrs["vlen_list"] = ["a", "", "long string " * 20]
    g.attrs["empty"] = np.zeros((0,), dtype="<f8")
    g.create_dataset("x", data=np.ones(3, dtype=">f8")).attrs["note"] = "on a dataset"
    f.create_group("b_second")
    f.create_group("a_first").create_dataset("w", data=np.arange(4, dtype="<f4"))


def track_order(f):
    g = f.create_group("ordered", track_order=True)
    for name in ("zeta", "alpha", "mid"):
        g.create_dataset(name, data=np.array([len(name)], dtype="<i4"))


def fill_nonzero(f):
    f.create_dataset("never", shape=(3,), dtype="<f4", fillvalue=1.5)


def bools(f):
    f.create_dataset("mask", data=np.array([True, False, True]))


def dense_links(f):
    g = f.create_group("many")
    for i in range(20):
        g.create_dataset(f"d{i:02d}", data=np.array([i], dtype="<i4"))


def dense_attrs(f):
    g = f.create_group("many")
    for i in range(20):
        g.attrs[f"a{i:02d}"] = i


CASES = {
    "compact": (compact, {}),
    "endian": (endian, {}),
    "unwritten": (unwritten, {}),
    "attrs": (attrs, {}),
    "latest": (latest, {"libver": "latest"}),
    "track_order": (track_order, {"libver": "latest"}),
    "fill_nonzero": (fill_nonzero, {}),
    "bools": (bools, {}),
    "dense_links": (dense_links, {"libver": "latest"}),
    "dense_attrs": (dense_attrs, {"libver": "latest"}),
    "userblock": (endian, {"userblock_size": 512}),
}
FALLBACK = {"fill_nonzero", "bools", "dense_links", "dense_attrs", "userblock"}


def main():
    os.makedirs(OUT, exist_ok=True)
    values = {}
    for name, (write, options) in CASES.items():
        path = os.path.join(OUT, f"{name}.h5")
        with h5py.File(path, "w", **options) as f:
            write(f)
        if name not in FALLBACK:
            with h5py.File(path, "r") as f:
                found = {}
                f.visititems(lambda p, o: found.__setitem__(f"/{p}", flat(o[()])) if isinstance(o, h5py.Dataset) else None)
                values[name] = found
    with open(os.path.join(OUT, "cases.json"), "w") as fh:
        json.dump({"h5py": h5py.__version__, "hdf5": h5py.version.hdf5_version,
                   "cases": {n: ("fallback" if n in FALLBACK else "kx") for n in CASES}, "values": values}, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main()
