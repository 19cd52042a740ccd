#!/usr/bin/env python3
"""The network-projection model of internal/testmodels.CoupledMLP solved with scipy's SLSQP.

min sum_i (x_i - x0_i)^2  s.t.  y_k(x) <= cap_k (k = 1..K),  -3 <= x <= 3,
y(x) = W2 tanh(W1 x + b1) + b2, with the same formula weights as the Go model
(written again here from its statement). It prints the objective, x, the caps
that bind and the KKT residual over them (non-negative least squares for the
multipliers), and the time. Usage: coupled_mlp.py [K] (default 1200); needs numpy
and scipy (/usr/bin/python3 here).
"""
import sys
import time

import numpy as np
from scipy.optimize import minimize, nnls

K = int(sys.argv[1]) if len(sys.argv) > 1 else 1200
I, H = 10, 16
h, i = np.arange(H)[:, None], np.arange(I)[None, :]
W1 = 0.8 * np.sin(1.7 * h + 0.9 * i + 0.3)
b1 = 0.3 * np.cos(2.1 * np.arange(H))
k, hh = np.arange(K)[:, None], np.arange(H)[None, :]
W2 = 0.5 * np.sin(0.37 * (k + 1) * (hh + 1) + 0.5 * hh)
b2 = 0.1 * np.cos(0.13 * np.arange(K))
x0 = 1.5 * np.cos(0.7 * np.arange(I) + 0.2)
cap = W2 @ np.tanh(b1) + b2 + 0.3 + 0.2 * np.sin(0.29 * np.arange(K))


def y(x):
    return W2 @ np.tanh(W1 @ x + b1) + b2


def dy(x):
    t = np.tanh(W1 @ x + b1)
    return (W2 * (1 - t * t)) @ W1


t0 = time.time()
r = minimize(lambda x: ((x - x0) ** 2).sum(), np.zeros(I), jac=lambda x: 2 * (x - x0), method="SLSQP",
             constraints=[{"type": "ineq", "fun": lambda x: cap - y(x), "jac": lambda x: -dy(x)}],
             bounds=[(-3, 3)] * I, options={"ftol": 1e-12, "maxiter": 500})
elapsed = time.time() - t0
xs = r.x
act = np.where(cap - y(xs) < 1e-6)[0]
lam, res = nnls(dy(xs)[act].T, -2 * (xs - x0))
np.set_printoptions(precision=17)
print(f"K={K} status={r.status} ({r.message}) iterations={r.nit} time={elapsed:.3f}s")
print(f"objective {r.fun!r}")
print("x", repr(xs.tolist()))
print(f"max violation {(y(xs) - cap).max():.3g}, binding caps {act.tolist()}, multipliers {lam.tolist()}, KKT residual {res:.3g}")
