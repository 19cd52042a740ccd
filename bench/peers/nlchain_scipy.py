#!/usr/bin/env python3
"""The nonlinear optimal-control chain of internal/testmodels.NonlinearChain, solved
with scipy's trust-constr (sparse Jacobian, exact Hessian-vector products) and, for
small n, SLSQP: the peer of bench's BenchmarkNonlinearChain (issue 21).

Over n time points of a horizon of 10 (h = 10/(n-1)):

    x(t) = x(t-1) + h*(sin(x(t-1))/2 + u(t-1)) for t > 1, x(1) = 2,
    -1 <= u(t) <= 1, u(n) = 0,   min h*sum_t (x(t)^2 + u(t)^2).

Written again here from that statement. Prints one line per solve: n, method,
status, objective, iterations and the time around minimize.

    /usr/bin/python3 bench/peers/nlchain_scipy.py [N ...]     (default 100 1000)
"""

import sys
import time
import warnings

import numpy as np
from scipy.optimize import Bounds, NonlinearConstraint, minimize
from scipy.sparse import csr_matrix, diags

warnings.filterwarnings("ignore")


def solve(n, method):
    h = 10.0 / (n - 1)
    # z = (x(1..n), u(1..n)); x(1) and u(n) fixed by their bounds.
    lo = np.concatenate([np.full(n, -np.inf), -np.ones(n)])
    up = np.concatenate([np.full(n, np.inf), np.ones(n)])
    lo[0] = up[0] = 2.0
    lo[2 * n - 1] = up[2 * n - 1] = 0.0
    z0 = np.zeros(2 * n)
    z0[0] = 2.0

    def f(z):
        return h * np.dot(z, z)

    def g(z):
        return 2 * h * z

    def c(z):
        x, u = z[:n], z[n:]
        return x[1:] - x[:-1] - h * (0.5 * np.sin(x[:-1]) + u[:-1])

    rows = np.arange(n - 1)

    def jac(z):
        x = z[:n]
        r = np.concatenate([rows, rows, rows])
        cols = np.concatenate([rows + 1, rows, n + rows])
        vals = np.concatenate([np.ones(n - 1), -1 - 0.5 * h * np.cos(x[:-1]), -h * np.ones(n - 1)])
        return csr_matrix((vals, (r, cols)), shape=(n - 1, 2 * n))

    def chess(z, v):
        x = z[:n]
        d = np.zeros(2 * n)
        d[: n - 1] = v * 0.5 * h * np.sin(x[:-1])
        return diags(d)

    t0 = time.time()
    if method == "trust-constr":
        r = minimize(f, z0, jac=g, hess=lambda z: diags(np.full(2 * n, 2 * h)), method=method,
                     bounds=Bounds(lo, up), constraints=[NonlinearConstraint(c, 0, 0, jac=jac, hess=chess)],
                     options={"maxiter": 100000, "gtol": 1e-8, "xtol": 1e-12})
    else:
        r = minimize(f, z0, jac=g, method=method, bounds=list(zip(lo, up)),
                     constraints=[{"type": "eq", "fun": c, "jac": lambda z: jac(z).toarray()}],
                     options={"maxiter": 10000, "ftol": 1e-12})
    el = time.time() - t0
    viol = np.abs(c(r.x)).max()
    print(f"n={n} {method} status={r.status} objective={r.fun!r} iterations={r.nit} time={el:.3f}s max|c|={viol:.2g}")


if __name__ == "__main__":
    sizes = [int(a) for a in sys.argv[1:]] or [100, 1000]
    for n in sizes:
        for method in ("trust-constr", "SLSQP"):
            if method == "SLSQP" and n > 200:
                continue  # dense: its memory and time grow with n^2 and n^3
            solve(n, method)
