"""The system BLAS under torch: which library is loaded, and its thread count.

Shared by the peers so that they size OpenBLAS's pool the same way.
"""

import ctypes
import os


def loaded_blas_paths():
    """Real paths of the BLAS shared libraries loaded into this process."""
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if "/" in line}
    except OSError:
        return []
    return sorted({os.path.realpath(p) for p in paths if "blas" in os.path.basename(p).lower()})


def set_blas_threads(n):
    """Give OpenBLAS the same thread count as torch; returns its count or None.

    torch's float64 matmuls go to the system BLAS, and OpenBLAS keeps its own
    thread pool (sized to all cores) beside torch's OpenMP pool, so without
    this --threads 1 would still run GEMMs on every core, and --threads N
    oversubscribes the cores.
    """
    for path in loaded_blas_paths():
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        setter = getattr(lib, "openblas_set_num_threads", None)
        getter = getattr(lib, "openblas_get_num_threads", None)
        if setter is not None and getter is not None:
            setter(ctypes.c_int(n))
            return int(getter())
    return None
