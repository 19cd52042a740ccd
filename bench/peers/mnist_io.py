"""MNIST IDX files and safetensors weights with numpy alone, shared by the peers."""

import gzip
import json
import math
import os
import struct

import numpy as np

MEAN, STD = 0.1307, 0.3081
PER_CLASS = 50
CLASSES = 10


# ---------------------------------------------------------------- data

def read_idx(directory, name):
    """Read an IDX file of unsigned bytes, gzip-compressed or raw."""
    for candidate, opener in ((name + ".gz", gzip.open), (name, open)):
        path = os.path.join(directory, candidate)
        if os.path.exists(path):
            with opener(path, "rb") as f:
                buf = f.read()
            break
    else:
        raise SystemExit(f"error: {name}(.gz) not found in {directory}")
    if len(buf) < 4 or buf[0:2] != b"\0\0" or buf[2] != 0x08:
        raise SystemExit(f"error: {path}: not an unsigned-byte IDX file")
    ndim = buf[3]
    dims = struct.unpack(">" + "I" * ndim, buf[4:4 + 4 * ndim])
    count = math.prod(dims)
    offset = 4 + 4 * ndim
    if len(buf) - offset < count:
        raise SystemExit(f"error: {path}: truncated ({len(buf) - offset} of {count} bytes)")
    return np.frombuffer(buf, dtype=np.uint8, count=count, offset=offset).reshape(dims)


def load_split(directory, prefix):
    images = read_idx(directory, f"{prefix}-images-idx3-ubyte")
    labels = read_idx(directory, f"{prefix}-labels-idx1-ubyte")
    if images.ndim != 3 or labels.ndim != 1 or images.shape[0] != labels.shape[0]:
        raise SystemExit(f"error: {prefix}: images {images.shape} and labels {labels.shape} do not match")
    return images, labels


def normalise(images):
    x = images.reshape(images.shape[0], -1).astype(np.float64) / 255.0
    return (x - MEAN) / STD


def balanced_indices(labels):
    """First PER_CLASS images of each digit, in ascending index order."""
    counts = [0] * CLASSES
    picked = []
    for i, y in enumerate(labels.tolist()):
        if counts[y] < PER_CLASS:
            counts[y] += 1
            picked.append(i)
            if len(picked) == PER_CLASS * CLASSES:
                return picked
    raise SystemExit(f"error: training set has too few images of some digit: {counts}")


# ---------------------------------------------------------------- weights

SAFETENSORS_DTYPES = {"F64": "<f8", "F32": "<f4"}


def load_safetensors(path):
    """Parse a safetensors file with numpy; returns ({name: float64 array}, metadata).

    Tensors of other dtypes are left out."""
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 8:
        raise SystemExit(f"error: {path}: too short for safetensors")
    (header_len,) = struct.unpack("<Q", raw[:8])
    if 8 + header_len > len(raw):
        raise SystemExit(f"error: {path}: header length {header_len} past end of file")
    header = json.loads(raw[8:8 + header_len].decode("utf-8"))
    data = memoryview(raw)[8 + header_len:]
    metadata = header.pop("__metadata__", None) or {}
    tensors = {}
    for name, info in header.items():
        dtype = SAFETENSORS_DTYPES.get(info.get("dtype"))
        if dtype is None:
            continue  # reported below only if a needed tensor has it
        shape = tuple(info["shape"])
        begin, end = info["data_offsets"]
        need = math.prod(shape) * np.dtype(dtype).itemsize
        if end - begin != need or end > len(data) or begin < 0:
            raise SystemExit(f"error: {path}: tensor {name}: bad data_offsets {begin},{end} for shape {shape}")
        tensors[name] = np.frombuffer(data[begin:end], dtype=dtype).reshape(shape).astype(np.float64)
    return tensors, metadata


def save_safetensors(path, tensors, metadata=None):
    """Write {name: numpy array} as safetensors (float32 arrays as F32, float64 as F64),
    in name order, through a temporary file renamed over path."""
    dtypes = {np.dtype("<f4"): "F32", np.dtype("<f8"): "F64"}
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        a = np.ascontiguousarray(tensors[name])
        a = a.astype(a.dtype.newbyteorder("<"), copy=False)
        if a.dtype not in dtypes:
            raise SystemExit(f"error: tensor {name}: dtype {a.dtype}; want float32 or float64")
        raw = a.tobytes()
        header[name] = {"dtype": dtypes[a.dtype], "shape": list(a.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)  # pad the header so the data start 8-byte aligned
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in blobs:
            f.write(raw)
    os.replace(tmp, path)
