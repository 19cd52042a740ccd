#!/usr/bin/env python3
"""Hock-Schittkowski problems of internal/hs solved with scipy's SLSQP.

The same statements, standard starts and published optima as internal/hs/hs.go
(written again here from the problems' mathematical statements), solved with
scipy.optimize.minimize(method="SLSQP") and printed one line per problem, for
comparison with `go test -v -run TestHSSummary ./internal/hs`.

    python3 bench/peers/hs_scipy.py [NUMBER ...]
"""

import math
import sys
import time

import numpy as np
from scipy.optimize import minimize

INF = math.inf
S2, S3 = math.sqrt(2), math.sqrt(3)
P = {}  # number -> (f, x0, bounds, eqs, ineqs (>= 0), published f*)


def prob(n, f, x0, fstar, lo=None, up=None, eq=(), ge=()):
    nv = len(x0)
    lo = lo if lo is not None else [-INF] * nv
    up = up if up is not None else [INF] * nv
    P[n] = (f, np.array(x0, float), list(zip(lo, up)), list(eq), list(ge), fstar)


def rosen(x):
    return 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2


prob(1, rosen, [-2, 1], 0, lo=[-INF, -1.5])
prob(2, rosen, [-2, 1], 0.0504261879, lo=[-INF, 1.5])
prob(3, lambda x: x[1] + 1e-5 * (x[1] - x[0]) ** 2, [10, 1], 0, lo=[-INF, 0])
prob(4, lambda x: (x[0] + 1) ** 3 / 3 + x[1], [1.125, 0.125], 8 / 3, lo=[1, 0])
prob(5, lambda x: math.sin(x[0] + x[1]) + (x[0] - x[1]) ** 2 - 1.5 * x[0] + 2.5 * x[1] + 1, [0, 0],
     -S3 / 2 - math.pi / 3, lo=[-1.5, -3], up=[4, 3])
prob(6, lambda x: (1 - x[0]) ** 2, [-1.2, 1], 0, eq=[lambda x: 10 * (x[1] - x[0] ** 2)])
prob(7, lambda x: math.log(1 + x[0] ** 2) - x[1], [2, 2], -S3, eq=[lambda x: (1 + x[0] ** 2) ** 2 + x[1] ** 2 - 4])
prob(8, lambda x: -1.0, [2, 1], -1, eq=[lambda x: x[0] ** 2 + x[1] ** 2 - 25, lambda x: x[0] * x[1] - 9])
prob(9, lambda x: math.sin(math.pi * x[0] / 12) * math.cos(math.pi * x[1] / 16), [0, 0], -0.5,
     eq=[lambda x: 4 * x[0] - 3 * x[1]])
prob(10, lambda x: x[0] - x[1], [-10, 10], -1, ge=[lambda x: -3 * x[0] ** 2 + 2 * x[0] * x[1] - x[1] ** 2 + 1])
prob(11, lambda x: (x[0] - 5) ** 2 + x[1] ** 2 - 25, [4.9, 0.1], -8.498464223, ge=[lambda x: -x[0] ** 2 + x[1]])
prob(12, lambda x: 0.5 * x[0] ** 2 + x[1] ** 2 - x[0] * x[1] - 7 * x[0] - 7 * x[1], [0, 0], -30,
     ge=[lambda x: 25 - 4 * x[0] ** 2 - x[1] ** 2])
prob(13, lambda x: (x[0] - 2) ** 2 + x[1] ** 2, [-2, -2], 1, lo=[0, 0], ge=[lambda x: (1 - x[0]) ** 3 - x[1]])
prob(14, lambda x: (x[0] - 2) ** 2 + (x[1] - 1) ** 2, [2, 2], 9 - 2.875 * math.sqrt(7),
     eq=[lambda x: x[0] - 2 * x[1] + 1], ge=[lambda x: -x[0] ** 2 / 4 - x[1] ** 2 + 1])
prob(15, rosen, [-2, 1], 306.5, up=[0.5, INF], ge=[lambda x: x[0] * x[1] - 1, lambda x: x[0] + x[1] ** 2])
prob(16, rosen, [-2, 1], 0.25, lo=[-0.5, -INF], up=[0.5, 1], ge=[lambda x: x[0] + x[1] ** 2, lambda x: x[0] ** 2 + x[1]])
prob(17, rosen, [-2, 1], 1, lo=[-0.5, -INF], up=[0.5, 1], ge=[lambda x: x[1] ** 2 - x[0], lambda x: x[0] ** 2 - x[1]])
prob(18, lambda x: 0.01 * x[0] ** 2 + x[1] ** 2, [2, 2], 5, lo=[2, 0], up=[50, 50],
     ge=[lambda x: x[0] * x[1] - 25, lambda x: x[0] ** 2 + x[1] ** 2 - 25])
prob(19, lambda x: (x[0] - 10) ** 3 + (x[1] - 20) ** 3, [20.1, 5.84], -6961.81381, lo=[13, 0], up=[100, 100],
     ge=[lambda x: (x[0] - 5) ** 2 + (x[1] - 5) ** 2 - 100, lambda x: -(x[1] - 5) ** 2 - (x[0] - 6) ** 2 + 82.81])
prob(20, rosen, [-2, 1], 81.5 - 25 * S3, lo=[-0.5, -INF], up=[0.5, INF],
     ge=[lambda x: x[0] + x[1] ** 2, lambda x: x[0] ** 2 + x[1], lambda x: x[0] ** 2 + x[1] ** 2 - 1])
prob(21, lambda x: 0.01 * x[0] ** 2 + x[1] ** 2 - 100, [-1, -1], -99.96, lo=[2, -50], up=[50, 50],
     ge=[lambda x: 10 * x[0] - x[1] - 10])
prob(22, lambda x: (x[0] - 2) ** 2 + (x[1] - 1) ** 2, [2, 2], 1,
     ge=[lambda x: -x[0] - x[1] + 2, lambda x: -x[0] ** 2 + x[1]])
prob(23, lambda x: x[0] ** 2 + x[1] ** 2, [3, 1], 2, lo=[-50] * 2, up=[50] * 2,
     ge=[lambda x: x[0] + x[1] - 1, lambda x: x[0] ** 2 + x[1] ** 2 - 1, lambda x: 9 * x[0] ** 2 + x[1] ** 2 - 9,
         lambda x: x[0] ** 2 - x[1], lambda x: x[1] ** 2 - x[0]])
prob(24, lambda x: ((x[0] - 3) ** 2 - 9) * x[1] ** 3 / (27 * S3), [1, 0.5], -1, lo=[0, 0],
     ge=[lambda x: x[0] / S3 - x[1], lambda x: x[0] + S3 * x[1], lambda x: -x[0] - S3 * x[1] + 6])
_j = np.arange(1, 100)
_u = 25 + (-50 * np.log(0.01 * _j)) ** (2 / 3)
prob(25, lambda x: float(np.sum((-0.01 * _j + np.exp(-(_u - x[1]) ** x[2] / x[0])) ** 2)), [100, 12.5, 3], 0,
     lo=[0.1, 0, 0], up=[100, 25.6, 5])
prob(26, lambda x: (x[0] - x[1]) ** 2 + (x[1] - x[2]) ** 4, [-2.6, 2, 2], 0,
     eq=[lambda x: (1 + x[1] ** 2) * x[0] + x[2] ** 4 - 3])
prob(27, lambda x: 0.01 * (x[0] - 1) ** 2 + (x[1] - x[0] ** 2) ** 2, [2, 2, 2], 0.04, eq=[lambda x: x[0] + x[2] ** 2 + 1])
prob(28, lambda x: (x[0] + x[1]) ** 2 + (x[1] + x[2]) ** 2, [-4, 1, 1], 0, eq=[lambda x: x[0] + 2 * x[1] + 3 * x[2] - 1])
prob(29, lambda x: -x[0] * x[1] * x[2], [1, 1, 1], -16 * S2, ge=[lambda x: -x[0] ** 2 - 2 * x[1] ** 2 - 4 * x[2] ** 2 + 48])
prob(30, lambda x: x[0] ** 2 + x[1] ** 2 + x[2] ** 2, [1, 1, 1], 1, lo=[1, -10, -10], up=[10] * 3,
     ge=[lambda x: x[0] ** 2 + x[1] ** 2 - 1])
prob(31, lambda x: 9 * x[0] ** 2 + x[1] ** 2 + 9 * x[2] ** 2, [1, 1, 1], 6, lo=[-10, 1, -10], up=[10, 10, 1],
     ge=[lambda x: x[0] * x[1] - 1])
prob(32, lambda x: (x[0] + 3 * x[1] + x[2]) ** 2 + 4 * (x[0] - x[1]) ** 2, [0.1, 0.7, 0.2], 1, lo=[0] * 3,
     ge=[lambda x: 6 * x[1] + 4 * x[2] - x[0] ** 3 - 3], eq=[lambda x: 1 - x[0] - x[1] - x[2]])
prob(33, lambda x: (x[0] - 1) * (x[0] - 2) * (x[0] - 3) + x[2], [0, 0, 3], S2 - 6, lo=[0] * 3, up=[INF, INF, 5],
     ge=[lambda x: x[2] ** 2 - x[0] ** 2 - x[1] ** 2, lambda x: x[0] ** 2 + x[1] ** 2 + x[2] ** 2 - 4])
prob(34, lambda x: -x[0], [0, 1.05, 2.9], -math.log(math.log(10)), lo=[0] * 3, up=[100, 100, 10],
     ge=[lambda x: x[1] - math.exp(x[0]), lambda x: x[2] - math.exp(x[1])])
prob(35, lambda x: 9 - 8 * x[0] - 6 * x[1] - 4 * x[2] + 2 * x[0] ** 2 + 2 * x[1] ** 2 + x[2] ** 2 + 2 * x[0] * x[1]
     + 2 * x[0] * x[2], [0.5] * 3, 1 / 9, lo=[0] * 3, ge=[lambda x: 3 - x[0] - x[1] - 2 * x[2]])
prob(36, lambda x: -x[0] * x[1] * x[2], [10] * 3, -3300, lo=[0] * 3, up=[20, 11, 42],
     ge=[lambda x: 72 - x[0] - 2 * x[1] - 2 * x[2]])
prob(37, lambda x: -x[0] * x[1] * x[2], [10] * 3, -3456, lo=[0] * 3, up=[42] * 3,
     ge=[lambda x: 72 - x[0] - 2 * x[1] - 2 * x[2], lambda x: x[0] + 2 * x[1] + 2 * x[2]])
prob(38, lambda x: rosen(x) + 90 * (x[3] - x[2] ** 2) ** 2 + (1 - x[2]) ** 2
     + 10.1 * ((x[1] - 1) ** 2 + (x[3] - 1) ** 2) + 19.8 * (x[1] - 1) * (x[3] - 1), [-3, -1, -3, -1], 0,
     lo=[-10] * 4, up=[10] * 4)
prob(39, lambda x: -x[0], [2] * 4, -1,
     eq=[lambda x: x[1] - x[0] ** 3 - x[2] ** 2, lambda x: x[0] ** 2 - x[1] - x[3] ** 2])
prob(40, lambda x: -x[0] * x[1] * x[2] * x[3], [0.8] * 4, -0.25,
     eq=[lambda x: x[0] ** 3 + x[1] ** 2 - 1, lambda x: x[0] ** 2 * x[3] - x[2], lambda x: x[3] ** 2 - x[1]])
prob(41, lambda x: 2 - x[0] * x[1] * x[2], [2] * 4, 52 / 27, lo=[0] * 4, up=[1, 1, 1, 2],
     eq=[lambda x: x[0] + 2 * x[1] + 2 * x[2] - x[3]])
prob(42, lambda x: (x[0] - 1) ** 2 + (x[1] - 2) ** 2 + (x[2] - 3) ** 2 + (x[3] - 4) ** 2, [1] * 4, 28 - 10 * S2,
     eq=[lambda x: x[0] - 2, lambda x: x[2] ** 2 + x[3] ** 2 - 2])
prob(43, lambda x: x[0] ** 2 + x[1] ** 2 + 2 * x[2] ** 2 + x[3] ** 2 - 5 * x[0] - 5 * x[1] - 21 * x[2] + 7 * x[3],
     [0] * 4, -44,
     ge=[lambda x: 8 - x[0] ** 2 - x[1] ** 2 - x[2] ** 2 - x[3] ** 2 - x[0] + x[1] - x[2] + x[3],
         lambda x: 10 - x[0] ** 2 - 2 * x[1] ** 2 - x[2] ** 2 - 2 * x[3] ** 2 + x[0] + x[3],
         lambda x: 5 - 2 * x[0] ** 2 - x[1] ** 2 - x[2] ** 2 - 2 * x[0] + x[1] + x[3]])
prob(44, lambda x: x[0] - x[1] - x[2] - x[0] * x[2] + x[0] * x[3] + x[1] * x[2] - x[1] * x[3], [0] * 4, -15, lo=[0] * 4,
     ge=[lambda x: 8 - x[0] - 2 * x[1], lambda x: 12 - 4 * x[0] - x[1], lambda x: 12 - 3 * x[0] - 4 * x[1],
         lambda x: 8 - 2 * x[2] - x[3], lambda x: 8 - x[2] - 2 * x[3], lambda x: 5 - x[2] - x[3]])
prob(45, lambda x: 2 - x[0] * x[1] * x[2] * x[3] * x[4] / 120, [2] * 5, 1, lo=[0] * 5, up=[1, 2, 3, 4, 5])
_f46 = lambda x: (x[0] - x[1]) ** 2 + (x[2] - 1) ** 2 + (x[3] - 1) ** 4 + (x[4] - 1) ** 6
prob(46, _f46, [0.5 * S2, 1.75, 0.5, 2, 2], 0,
     eq=[lambda x: x[0] ** 2 * x[3] + math.sin(x[3] - x[4]) - 1, lambda x: x[1] + x[2] ** 4 * x[3] ** 2 - 2])
prob(47, lambda x: (x[0] - x[1]) ** 2 + (x[1] - x[2]) ** 3 + (x[2] - x[3]) ** 4 + (x[3] - x[4]) ** 4,
     [2, S2, -1, 2 - S2, 0.5], 0,
     eq=[lambda x: x[0] + x[1] ** 2 + x[2] ** 3 - 3, lambda x: x[1] - x[2] ** 2 + x[3] - 1, lambda x: x[0] * x[4] - 1])
prob(48, lambda x: (x[0] - 1) ** 2 + (x[1] - x[2]) ** 2 + (x[3] - x[4]) ** 2, [3, 5, -3, 2, -2], 0,
     eq=[lambda x: sum(x) - 5, lambda x: x[2] - 2 * (x[3] + x[4]) + 3])
prob(49, _f46, [10, 7, 2, -3, 0.8], 0,
     eq=[lambda x: x[0] + x[1] + x[2] + 4 * x[3] - 7, lambda x: x[2] + 5 * x[4] - 6])
prob(50, lambda x: (x[0] - x[1]) ** 2 + (x[1] - x[2]) ** 2 + (x[2] - x[3]) ** 4 + (x[3] - x[4]) ** 2,
     [35, -31, 11, 5, -5], 0,
     eq=[lambda x: x[0] + 2 * x[1] + 3 * x[2] - 6, lambda x: x[1] + 2 * x[2] + 3 * x[3] - 6,
         lambda x: x[2] + 2 * x[3] + 3 * x[4] - 6])
_f51 = lambda x: (x[0] - x[1]) ** 2 + (x[1] + x[2] - 2) ** 2 + (x[3] - 1) ** 2 + (x[4] - 1) ** 2
prob(51, _f51, [2.5, 0.5, 2, -1, 0.5], 0,
     eq=[lambda x: x[0] + 3 * x[1] - 4, lambda x: x[2] + x[3] - 2 * x[4], lambda x: x[1] - x[4]])
_c52 = [lambda x: x[0] + 3 * x[1], lambda x: x[2] + x[3] - 2 * x[4], lambda x: x[1] - x[4]]
prob(52, lambda x: (4 * x[0] - x[1]) ** 2 + (x[1] + x[2] - 2) ** 2 + (x[3] - 1) ** 2 + (x[4] - 1) ** 2, [2] * 5,
     1859 / 349, eq=_c52)
prob(53, _f51, [2] * 5, 176 / 43, lo=[-10] * 5, up=[10] * 5, eq=_c52)
prob(55, lambda x: x[0] + 2 * x[1] + 4 * x[4] + math.exp(x[0] * x[3]), [1, 2, 0, 0, 0, 2], 19 / 3, lo=[0] * 6,
     up=[1, INF, INF, 1, INF, INF],
     eq=[lambda x: x[0] + 2 * x[1] + 5 * x[4] - 6, lambda x: x[0] + x[1] + x[2] - 3, lambda x: x[3] + x[4] + x[5] - 2,
         lambda x: x[0] + x[3] - 1, lambda x: x[1] + x[4] - 2, lambda x: x[2] + x[5] - 2])
_a, _c = math.asin(math.sqrt(1 / 4.2)), math.asin(math.sqrt(5 / 7.2))
prob(56, lambda x: -x[0] * x[1] * x[2], [1, 1, 1, _a, _a, _a, _c], -3.456,
     eq=[lambda x: x[0] - 4.2 * math.sin(x[3]) ** 2, lambda x: x[1] - 4.2 * math.sin(x[4]) ** 2,
         lambda x: x[2] - 4.2 * math.sin(x[5]) ** 2,
         lambda x: x[0] + 2 * x[1] + 2 * x[2] - 7.2 * math.sin(x[6]) ** 2])
_a57 = np.array([0.49, 0.49, 0.48, 0.47, 0.48, 0.47, 0.46, 0.46, 0.45, 0.43, 0.45, 0.43, 0.43, 0.44, 0.43, 0.43, 0.46,
                 0.45, 0.42, 0.42, 0.43, 0.41, 0.41, 0.40, 0.42, 0.40, 0.40, 0.41, 0.40, 0.41, 0.41, 0.40, 0.40, 0.40,
                 0.38, 0.41, 0.40, 0.40, 0.41, 0.38, 0.40, 0.40, 0.39, 0.39])
_b57 = np.array([8, 8, 10, 10, 10, 10, 12, 12, 12, 12, 14, 14, 14, 16, 16, 16, 18, 18, 20, 20, 20, 22, 22, 22, 24, 24,
                 24, 26, 26, 26, 28, 28, 30, 30, 30, 32, 32, 34, 36, 36, 38, 38, 40, 42], float)
prob(57, lambda x: float(np.sum((_a57 - x[0] - (0.49 - x[0]) * np.exp(-x[1] * (_b57 - 8))) ** 2)), [0.42, 5],
     0.02845966972, lo=[0.4, -4], ge=[lambda x: 0.49 * x[1] - x[0] * x[1] - 0.09])
prob(60, lambda x: (x[0] - 1) ** 2 + (x[0] - x[1]) ** 2 + (x[1] - x[2]) ** 4, [2] * 3, 0.03256820025, lo=[-10] * 3,
     up=[10] * 3, eq=[lambda x: x[0] * (1 + x[1] ** 2) + x[2] ** 4 - 4 - 3 * S2])
prob(61, lambda x: 4 * x[0] ** 2 + 2 * x[1] ** 2 + 2 * x[2] ** 2 - 33 * x[0] + 16 * x[1] - 24 * x[2], [0] * 3,
     -143.6461422, eq=[lambda x: 3 * x[0] - 2 * x[1] ** 2 - 7, lambda x: 4 * x[0] - x[2] ** 2 - 11])
prob(62, lambda x: -32.174 * (255 * math.log((x[0] + x[1] + x[2] + 0.03) / (0.09 * x[0] + x[1] + x[2] + 0.03))
                              + 280 * math.log((x[1] + x[2] + 0.03) / (0.07 * x[1] + x[2] + 0.03))
                              + 290 * math.log((x[2] + 0.03) / (0.13 * x[2] + 0.03))),
     [0.7, 0.2, 0.1], -26272.51448, lo=[0] * 3, up=[1] * 3, eq=[lambda x: x[0] + x[1] + x[2] - 1])
prob(63, lambda x: 1000 - x[0] ** 2 - 2 * x[1] ** 2 - x[2] ** 2 - x[0] * x[1] - x[0] * x[2], [2] * 3, 961.7151721,
     lo=[0] * 3, eq=[lambda x: 8 * x[0] + 14 * x[1] + 7 * x[2] - 56, lambda x: x[0] ** 2 + x[1] ** 2 + x[2] ** 2 - 25])
prob(64, lambda x: 5 * x[0] + 50000 / x[0] + 20 * x[1] + 72000 / x[1] + 10 * x[2] + 144000 / x[2], [1] * 3,
     6299.842428, lo=[1e-5] * 3, ge=[lambda x: 1 - 4 / x[0] - 32 / x[1] - 120 / x[2]])
prob(65, lambda x: (x[0] - x[1]) ** 2 + (x[0] + x[1] - 10) ** 2 / 9 + (x[2] - 5) ** 2, [-5, 5, 0], 0.9535288567,
     lo=[-4.5, -4.5, -5], up=[4.5, 4.5, 5], ge=[lambda x: 48 - x[0] ** 2 - x[1] ** 2 - x[2] ** 2])
prob(66, lambda x: 0.2 * x[2] - 0.8 * x[0], [0, 1.05, 2.9], 0.5181632741, lo=[0] * 3, up=[100, 100, 10],
     ge=[lambda x: x[1] - math.exp(x[0]), lambda x: x[2] - math.exp(x[1])])
prob(71, lambda x: x[0] * x[3] * (x[0] + x[1] + x[2]) + x[2], [1, 5, 5, 1], 17.0140173, lo=[1] * 4, up=[5] * 4,
     ge=[lambda x: x[0] * x[1] * x[2] * x[3] - 25], eq=[lambda x: float(np.sum(x ** 2)) - 40])
prob(72, lambda x: 1 + float(np.sum(x)), [1] * 4, 727.67937, lo=[0.001] * 4, up=[4e5, 3e5, 2e5, 1e5],
     ge=[lambda x: 0.0401 - 4 / x[0] - 2.25 / x[1] - 1 / x[2] - 0.25 / x[3],
         lambda x: 0.010085 - 0.16 / x[0] - 0.36 / x[1] - 0.64 / x[2] - 0.64 / x[3]])
prob(73, lambda x: 24.55 * x[0] + 26.75 * x[1] + 39 * x[2] + 40.5 * x[3], [1] * 4, 29.894378, lo=[0] * 4,
     ge=[lambda x: 2.3 * x[0] + 5.6 * x[1] + 11.1 * x[2] + 1.3 * x[3] - 5,
         lambda x: 12 * x[0] + 11.9 * x[1] + 41.8 * x[2] + 52.1 * x[3] - 21
         - 1.645 * math.sqrt(0.28 * x[0] ** 2 + 0.19 * x[1] ** 2 + 20.5 * x[2] ** 2 + 0.62 * x[3] ** 2)],
     eq=[lambda x: float(np.sum(x)) - 1])


def hs74(n, a, fstar):
    s = math.sin
    prob(n, lambda x: 3 * x[0] + 1e-6 * x[0] ** 3 + 2 * x[1] + 2e-6 / 3 * x[1] ** 3, [0] * 4, fstar,
         lo=[0, 0, -a, -a], up=[1200, 1200, a, a],
         ge=[lambda x: x[3] - x[2] + a, lambda x: x[2] - x[3] + a],
         eq=[lambda x: 1000 * s(-x[2] - 0.25) + 1000 * s(-x[3] - 0.25) + 894.8 - x[0],
             lambda x: 1000 * s(x[2] - 0.25) + 1000 * s(x[2] - x[3] - 0.25) + 894.8 - x[1],
             lambda x: 1000 * s(x[3] - 0.25) + 1000 * s(x[3] - x[2] - 0.25) + 1294.8])


hs74(74, 0.55, 5126.4981)
hs74(75, 0.48, 5174.4129)
prob(76, lambda x: x[0] ** 2 + 0.5 * x[1] ** 2 + x[2] ** 2 + 0.5 * x[3] ** 2 - x[0] * x[2] + x[2] * x[3] - x[0]
     - 3 * x[1] + x[2] - x[3], [0.5] * 4, -4.681818181, lo=[0] * 4,
     ge=[lambda x: 5 - x[0] - 2 * x[1] - x[2] - x[3], lambda x: 4 - 3 * x[0] - x[1] - 2 * x[2] + x[3],
         lambda x: x[1] + 4 * x[2] - 1.5])
prob(77, lambda x: (x[0] - 1) ** 2 + (x[0] - x[1]) ** 2 + (x[2] - 1) ** 2 + (x[3] - 1) ** 4 + (x[4] - 1) ** 6,
     [2] * 5, 0.24150513,
     eq=[lambda x: x[0] ** 2 * x[3] + math.sin(x[3] - x[4]) - 2 * S2, lambda x: x[1] + x[2] ** 4 * x[3] ** 2 - 8 - S2])
_c78 = [lambda x: float(np.sum(x ** 2)) - 10, lambda x: x[1] * x[2] - 5 * x[3] * x[4], lambda x: x[0] ** 3 + x[1] ** 3 + 1]
prob(78, lambda x: float(np.prod(x)), [-2, 1.5, 2, -1, -1], -2.91970041, eq=_c78)
prob(79, lambda x: (x[0] - 1) ** 2 + (x[0] - x[1]) ** 2 + (x[1] - x[2]) ** 2 + (x[2] - x[3]) ** 4 + (x[3] - x[4]) ** 4,
     [2] * 5, 0.0787768209,
     eq=[lambda x: x[0] + x[1] ** 2 + x[2] ** 3 - 2 - 3 * S2, lambda x: x[1] - x[2] ** 2 + x[3] + 2 - 2 * S2,
         lambda x: x[0] * x[4] - 2])
_b80 = ([-2.3, -2.3, -3.2, -3.2, -3.2], [2.3, 2.3, 3.2, 3.2, 3.2])
prob(80, lambda x: math.exp(float(np.prod(x))), [-2, 2, 2, -1, -1], 0.0539498478, lo=_b80[0], up=_b80[1], eq=_c78)
prob(81, lambda x: math.exp(float(np.prod(x))) - 0.5 * (x[0] ** 3 + x[1] ** 3 + 1) ** 2, [-2, 2, 2, -1, -1],
     0.0539498478, lo=_b80[0], up=_b80[1], eq=_c78)


# Beyond HS81 (internal/hs has them too).
def hs83a(x):
    a1 = 85.334407 + 0.0056858 * x[1] * x[4] + 0.0006262 * x[0] * x[3] - 0.0022053 * x[2] * x[4]
    a2 = 80.51249 + 0.0071317 * x[1] * x[4] + 0.0029955 * x[0] * x[1] + 0.0021813 * x[2] ** 2
    a3 = 9.300961 + 0.0047026 * x[2] * x[4] + 0.0012547 * x[0] * x[2] + 0.0019085 * x[2] * x[3]
    return a1, a2, a3


prob(83, lambda x: 5.3578547 * x[2] ** 2 + 0.8356891 * x[0] * x[4] + 37.293239 * x[0] - 40792.141, [78, 33, 27, 27, 27],
     -30665.53867, lo=[78, 33, 27, 27, 27], up=[102, 45, 45, 45, 45],
     ge=[lambda x: hs83a(x)[0], lambda x: 92 - hs83a(x)[0], lambda x: hs83a(x)[1] - 90, lambda x: 110 - hs83a(x)[1],
         lambda x: hs83a(x)[2] - 20, lambda x: 25 - hs83a(x)[2]])


def hs104f(x):
    return 0.4 * x[0] ** 0.67 * x[6] ** -0.67 + 0.4 * x[1] ** 0.67 * x[7] ** -0.67 + 10 - x[0] - x[1]


prob(104, hs104f, [6, 3, 0.4, 0.2, 6, 6, 1, 0.5], 3.9511634396, lo=[0.1] * 8, up=[10] * 8,
     ge=[lambda x: 1 - 0.0588 * x[4] * x[6] - 0.1 * x[0],
         lambda x: 1 - 0.0588 * x[5] * x[7] - 0.1 * x[0] - 0.1 * x[1],
         lambda x: 1 - 4 * x[2] / x[4] - 2 * x[2] ** -0.71 / x[4] - 0.0588 * x[6] * x[2] ** -1.3,
         lambda x: 1 - 4 * x[3] / x[5] - 2 * x[3] ** -0.71 / x[5] - 0.0588 * x[7] * x[3] ** -1.3,
         lambda x: hs104f(x) - 1, lambda x: 4.2 - hs104f(x)])  # 1 <= f <= 4.2 as CUTEst (was 0.1)
prob(106, lambda x: x[0] + x[1] + x[2], [5000, 5000, 5000, 200, 350, 150, 225, 425], 7049.330923,
     lo=[100, 1000, 1000, 10, 10, 10, 10, 10], up=[10000, 10000, 10000, 1000, 1000, 1000, 1000, 1000],
     ge=[lambda x: 1 - 0.0025 * (x[3] + x[5]), lambda x: 1 - 0.0025 * (x[4] + x[6] - x[3]),
         lambda x: 1 - 0.01 * (x[7] - x[4]), lambda x: x[0] * x[5] - 833.33252 * x[3] - 100 * x[0] + 83333.333,
         lambda x: x[1] * x[6] - 1250 * x[4] - x[1] * x[3] + 1250 * x[3],
         lambda x: x[2] * x[7] - 1250000 - x[2] * x[4] + 2500 * x[4]])
prob(108, lambda x: -0.5 * (x[0] * x[3] - x[1] * x[2] + x[2] * x[8] - x[4] * x[8] + x[4] * x[7] - x[5] * x[6]), [1] * 9,
     -0.8660254038, lo=[-INF] * 8 + [0],
     ge=[lambda x: 1 - x[2] ** 2 - x[3] ** 2, lambda x: 1 - x[8] ** 2, lambda x: 1 - x[4] ** 2 - x[5] ** 2,
         lambda x: 1 - x[0] ** 2 - (x[1] - x[8]) ** 2, lambda x: 1 - (x[0] - x[4]) ** 2 - (x[1] - x[5]) ** 2,
         lambda x: 1 - (x[0] - x[6]) ** 2 - (x[1] - x[7]) ** 2, lambda x: 1 - (x[2] - x[4]) ** 2 - (x[3] - x[5]) ** 2,
         lambda x: 1 - (x[2] - x[6]) ** 2 - (x[3] - x[7]) ** 2, lambda x: 1 - x[6] ** 2 - (x[7] - x[8]) ** 2,
         lambda x: x[0] * x[3] - x[1] * x[2], lambda x: x[2] * x[8], lambda x: -x[4] * x[8],
         lambda x: x[4] * x[7] - x[5] * x[6]])
prob(100, lambda x: (x[0] - 10) ** 2 + 5 * (x[1] - 12) ** 2 + x[2] ** 4 + 3 * (x[3] - 11) ** 2 + 10 * x[4] ** 6
     + 7 * x[5] ** 2 + x[6] ** 4 - 4 * x[5] * x[6] - 10 * x[5] - 8 * x[6], [1, 2, 0, 4, 0, 1, 1], 680.6300573,
     ge=[lambda x: 127 - 2 * x[0] ** 2 - 3 * x[1] ** 4 - x[2] - 4 * x[3] ** 2 - 5 * x[4],
         lambda x: 282 - 7 * x[0] - 3 * x[1] - 10 * x[2] ** 2 - x[3] + x[4],
         lambda x: 196 - 23 * x[0] - x[1] ** 2 - 6 * x[5] ** 2 + 8 * x[6],
         lambda x: -4 * x[0] ** 2 - x[1] ** 2 + 3 * x[0] * x[1] - 2 * x[2] ** 2 - 5 * x[5] + 11 * x[6]])
prob(113, lambda x: x[0] ** 2 + x[1] ** 2 + x[0] * x[1] - 14 * x[0] - 16 * x[1] + (x[2] - 10) ** 2 + 4 * (x[3] - 5) ** 2
     + (x[4] - 3) ** 2 + 2 * (x[5] - 1) ** 2 + 5 * x[6] ** 2 + 7 * (x[7] - 11) ** 2 + 2 * (x[8] - 10) ** 2
     + (x[9] - 7) ** 2 + 45, [2, 3, 5, 5, 1, 2, 7, 3, 6, 10], 24.3062091,
     ge=[lambda x: 105 - 4 * x[0] - 5 * x[1] + 3 * x[6] - 9 * x[7], lambda x: -10 * x[0] + 8 * x[1] + 17 * x[6] - 2 * x[7],
         lambda x: 8 * x[0] - 2 * x[1] - 5 * x[8] + 2 * x[9] + 12,
         lambda x: -3 * (x[0] - 2) ** 2 - 4 * (x[1] - 3) ** 2 - 2 * x[2] ** 2 + 7 * x[3] + 120,
         lambda x: -5 * x[0] ** 2 - 8 * x[1] - (x[2] - 6) ** 2 + 2 * x[3] + 40,
         lambda x: -0.5 * (x[0] - 8) ** 2 - 2 * (x[1] - 4) ** 2 - 3 * x[4] ** 2 + x[5] + 30,
         lambda x: -x[0] ** 2 - 2 * (x[1] - 2) ** 2 + 2 * x[0] * x[1] - 14 * x[4] + 6 * x[5],
         lambda x: 3 * x[0] - 6 * x[1] - 12 * (x[8] - 8) ** 2 + 7 * x[9]])


# Added by the audit against CUTEst (issue 21): the rest of HS1-HS119 that the
# algebra can express, from S2MPJ's translations of the CUTEst SIF files
# (GrattonToint/S2MPJ, python_problems/HS<N>.py). Published values: the SIF
# files' SOLTN lines, or the book's where the SIF file has none or a wrong one.
from scipy.special import erf as _erf


def _phi(t):
    return 0.5 + 0.5 * _erf(t / S2)


def hs54f(x):
    h = ((x[0] - 1e4) ** 2 / 6.4e7 + (x[0] - 1e4) * (x[1] - 1) / 2e4 + (x[1] - 1) ** 2) / 0.96 \
        + (x[2] - 2e6) ** 2 / 4.9e13 + (x[3] - 10) ** 2 / 2500 + (x[4] - 1e-3) ** 2 / 2.5e-3 + (x[5] - 1e8) ** 2 / 2.5e17
    return -math.exp(-h / 2)


prob(54, hs54f, [6e3, 1.5, 4e6, 2, 3e-3, 5e7], -0.90807482, lo=[0, -10, 0, 0, -1, 0], up=[2e4, 10, 1e7, 20, 1, 2e8],
     eq=[lambda x: x[0] + 4e3 * x[1] - 1.76e4])


def hs59f(x):
    a, b = x[0], x[1]
    return (-75.196 + 3.8112 * a + 0.0020567 * a ** 3 - 1.0345e-5 * a ** 4 + 6.8306 * b - 0.030234 * a * b
            + 1.28134e-3 * b * a ** 2 + 2.266e-7 * a ** 4 * b - 0.25645 * b ** 2 + 0.0034604 * b ** 3 - 1.3514e-5 * b ** 4
            + 28.106 / (b + 1) + 5.2375e-6 * a ** 2 * b ** 2 + 6.3e-8 * a ** 3 * b ** 2 - 7e-10 * a ** 3 * b ** 3
            - 3.405e-4 * a * b ** 2 + 1.6638e-6 * a * b ** 3 + 2.8673 * math.exp(0.0005 * a * b) - 3.5256e-5 * a ** 3 * b
            - 0.12694 * a ** 2)


prob(59, hs59f, [90, 10], -7.8027894, lo=[0, 0], up=[75, 65],
     ge=[lambda x: x[0] * x[1] - 700, lambda x: x[1] - x[0] ** 2 / 125, lambda x: (x[1] - 50) ** 2 - 5 * (x[0] - 55)])


def hs68f(a, b):
    def f(x):
        e = math.exp(x[0]) - 1
        return a / x[0] - x[3] * (b * e - x[2]) / ((e + x[3]) * x[0])
    return f


prob(68, hs68f(0.0024, 1), [1, 1, 1, 1], -0.920425026, lo=[1e-4, 0, 0, 0], up=[100, 100, 2, 2],
     eq=[lambda x: x[2] - 2 * _phi(-x[1]), lambda x: x[3] - _phi(math.sqrt(24) - x[1]) - _phi(-math.sqrt(24) - x[1])])
prob(69, hs68f(0.4, 1000), [1, 1, 1, 1], -956.71288, lo=[1e-4, 0, 0, 0], up=[100, 100, 2, 2],
     eq=[lambda x: x[2] - 2 * _phi(-x[1]), lambda x: x[3] - _phi(2 - x[1]) - _phi(-2 - x[1])])

_HS70C = [0.1] + list(range(1, 19))
_HS70Y = [0.00189, 0.1038, 0.268, 0.506, 0.577, 0.604, 0.725, 0.898, 0.947, 0.845, 0.702, 0.528, 0.385, 0.257,
          0.159, 0.0869, 0.0453, 0.01509, 0.00189]


def hs70f(x):
    s = 0.0
    b = x[2] + x[3] * (1 - x[2])
    for c, y in zip(_HS70C, _HS70Y):
        ci = c / 7.658
        y1 = (1 / (1 + 1 / (12 * x[1]))) * x[2] * b ** x[1] * math.sqrt(x[1] / 6.2832) * ci ** (x[1] - 1) \
            * math.exp(x[1] * (1 - ci * b))
        y2 = (1 / (1 + 1 / (12 * x[0]))) * (1 - x[2]) * (b / x[3]) ** x[0] * math.sqrt(x[0] / 6.2832) \
            * ci ** (x[0] - 1) * math.exp(x[0] * (1 - ci * b / x[3]))
        s += (y1 + y2 - y) ** 2
    return s


prob(70, hs70f, [2, 4, 0.04, 2], 0.007498464, lo=[1e-5] * 4, up=[100, 100, 1, 100],
     ge=[lambda x: x[2] + x[3] - x[2] * x[3]])


def hs84f(x):
    return (24345 + 8720288.849 * x[0] - 150512.5253 * x[0] * x[1] + 156.6950325 * x[0] * x[2]
            - 476470.3222 * x[0] * x[3] - 729482.8271 * x[0] * x[4])


def _hs84c(a):
    return lambda x: a[0] * x[0] + a[1] * x[0] * x[1] + a[2] * x[0] * x[2] + a[3] * x[0] * x[3] + a[4] * x[0] * x[4]


_hs84k = [(_hs84c([-145421.402, 2931.1506, -40.427932, 5106.192, 15711.36]), 294000),
          (_hs84c([-155011.1084, 4360.53352, 12.9492344, 10236.884, 13176.786]), 294000),
          (_hs84c([-326669.5104, 7390.68412, -27.8986976, 16643.076, 30988.146]), 277200)]
prob(84, hs84f, [2.52, 2, 37.5, 9.25, 6.8], -5280335.133, lo=[0, 1.2, 20, 9, 6.5], up=[1000, 2.4, 60, 9.3, 7],
     ge=[g for c, u in _hs84k for g in (c, (lambda c, u: lambda x: u - c(x))(c, u))])

_HS86C = np.array([[30, -20, -10, 32, -10], [-20, 39, -6, -31, 32], [-10, -6, 10, -6, -10], [32, -31, -6, 39, -20],
                   [-10, 32, -10, -20, 30]], float)
_HS86D = np.array([4, 8, 10, 6, 2], float)
_HS86A = np.array([[-16, 2, 0, 1, 0], [0, -2, 0, 4, 2], [-3.5, 0, 2, 0, 0], [0, -2, 0, -4, -1], [0, -9, -2, 1, -2.8],
                   [2, 0, -4, 0, 0], [-1, -1, -1, -1, -1], [-1, -2, -3, -2, -1], [1, 2, 3, 4, 5], [1, 1, 1, 1, 1]], float)
_HS86B = np.array([-40, -2, -0.25, -4, -4, -1, -40, -60, 5, 1], float)
prob(86, lambda x: float(np.dot([-15, -27, -36, -18, -12], x) + x @ _HS86C @ x + np.dot(_HS86D, np.asarray(x) ** 3)),
     [0, 0, 0, 0, 1], -32.34867897, lo=[0] * 5,
     ge=[(lambda k: lambda x: float(_HS86A[k] @ x - _HS86B[k]))(k) for k in range(10)])


def _oe1(x): return x[0] * x[3] * (x[0] + x[1] + x[2])
def _oe2(x): return x[1] * x[2] * (x[0] + 1.57 * x[1] + x[3])


prob(93, lambda x: 0.0204 * _oe1(x) + 0.0187 * _oe2(x) + 0.0607 * _oe1(x) * x[4] ** 2 + 0.0437 * _oe2(x) * x[5] ** 2,
     [5.54, 4.4, 12.02, 11.82, 0.702, 0.852], 135.075961, lo=[0] * 6,
     ge=[lambda x: 0.001 * x[0] * x[1] * x[2] * x[3] * x[4] * x[5] - 2.07,
         lambda x: 1 - 0.00062 * _oe1(x) * x[4] ** 2 - 0.00058 * _oe2(x) * x[5] ** 2])


def hs95(n, b, fstar):
    prob(n, lambda x: 4.3 * x[0] + 31.8 * x[1] + 63.3 * x[2] + 15.8 * x[3] + 68.5 * x[4] + 4.7 * x[5], [0] * 6, fstar,
         lo=[0] * 6, up=[0.31, 0.046, 0.068, 0.042, 0.028, 0.0134],
         ge=[lambda x: 17.1 * x[0] + 38.2 * x[1] + 204.2 * x[2] + 212.3 * x[3] + 623.4 * x[4] + 1495.5 * x[5]
             - 169 * x[0] * x[2] - 3580 * x[2] * x[4] - 3810 * x[3] * x[4] - 18500 * x[3] * x[5] - 24300 * x[4] * x[5] - b[0],
             lambda x: 17.9 * x[0] + 36.8 * x[1] + 113.9 * x[2] + 169.7 * x[3] + 337.8 * x[4] + 1385.2 * x[5]
             - 139 * x[0] * x[2] - 2450 * x[3] * x[4] - 16600 * x[3] * x[5] - 17200 * x[4] * x[5] - b[1],
             lambda x: -273 * x[1] - 70 * x[3] - 819 * x[4] + 26000 * x[3] * x[4] - b[2],
             lambda x: 159.9 * x[0] - 311 * x[1] + 587 * x[3] + 391 * x[4] + 2198 * x[5] - 14000 * x[0] * x[5] - b[3]])


hs95(95, [4.97, -1.88, -29.08, -78.02], 0.015619514)
hs95(96, [4.97, -1.88, -69.08, -118.02], 0.015619514)
hs95(97, [32.97, 25.12, -29.08, -78.02], 3.1358091)
hs95(98, [32.97, 25.12, -124.08, -173.02], 3.1358091)

_HS99A = [50, 50, 75, 75, 75, 100, 100]
_HS99T = [25, 25, 50, 50, 50, 90, 90]


def _hs99(x):
    r = s = q = 0.0
    for i in range(7):
        r += _HS99A[i] * _HS99T[i] * math.cos(x[i])
        u = _HS99A[i] * math.sin(x[i]) - 32
        q += 0.5 * _HS99T[i] ** 2 * u + _HS99T[i] * s
        s += _HS99T[i] * u
    return r, s, q


prob(99, lambda x: -_hs99(x)[0] ** 2, [0.5] * 7, -831079892.0, lo=[0] * 7, up=[1.58] * 7,
     eq=[lambda x: _hs99(x)[2] - 1e5, lambda x: _hs99(x)[1] - 1000])


def _mono(c, pw):
    return lambda x: c * math.prod(x[i - 1] ** p for i, p in pw)


def hs101(n, a, fstar):
    f = [_mono(10, [(1, 1), (2, -1), (4, 2), (6, -3), (7, a)]), _mono(15, [(1, -1), (2, -2), (3, 1), (4, 1), (5, -1), (7, -0.5)]),
         _mono(20, [(1, -2), (2, 1), (4, -1), (5, -2), (6, 1)]), _mono(25, [(1, 2), (2, 2), (3, -1), (5, 0.5), (6, -2), (7, 1)])]
    fx = lambda x: sum(t(x) for t in f)
    c1 = [_mono(0.5, [(1, 0.5), (3, -1), (6, -2), (7, 1)]), _mono(0.7, [(1, 3), (2, 1), (3, -2), (6, 1), (7, 0.5)]),
          _mono(0.2, [(2, -1), (3, 1), (4, -0.5), (6, 2 / 3), (7, 0.25)])]
    c2 = [_mono(1.3, [(1, -0.5), (2, 1), (3, -1), (5, -1), (6, 1)]), _mono(0.8, [(3, 1), (4, -1), (5, -1), (6, 2)]),
          _mono(3.1, [(1, -1), (2, 0.5), (4, -2), (5, -1), (6, 1 / 3)])]
    c3 = [_mono(2, [(1, 1), (3, -1.5), (5, 1), (6, -1), (7, 1 / 3)]), _mono(0.1, [(2, 1), (3, -0.5), (5, 1), (6, -1), (7, -0.5)]),
          _mono(1, [(1, -1), (2, 1), (3, 0.5), (5, 1)]), _mono(0.65, [(2, -2), (3, 1), (5, 1), (6, -1), (7, 1)])]
    c4 = [_mono(0.2, [(1, -2), (2, 1), (4, -1), (5, 0.5), (7, 1 / 3)]),
          _mono(0.3, [(1, 0.5), (2, 2), (3, 1), (4, 1 / 3), (5, -2 / 3), (7, 0.25)]),
          _mono(0.4, [(1, -3), (2, -2), (3, 1), (5, 1), (7, 0.75)]), _mono(0.5, [(3, -2), (4, 1), (7, 0.5)])]
    prob(n, fx, [6] * 7, fstar, lo=[0.1] * 6 + [0.01], up=[10] * 7,
         ge=[(lambda c: lambda x: 1 - sum(t(x) for t in c))(c) for c in (c1, c2, c3, c4)] + [lambda x: 3000 - fx(x)])


hs101(101, -0.25, 1809.76476)
hs101(102, 0.125, 911.880571)
hs101(103, 0.5, 543.667958)

_HS105Y = [y for y, c in [(95, 1), (105, 1), (110, 4), (115, 4), (120, 15), (125, 15), (130, 15), (135, 13), (140, 21),
                         (145, 12), (150, 17), (155, 4), (160, 20), (165, 8), (170, 17), (175, 8), (180, 6), (185, 6),
                         (190, 7), (195, 4), (200, 3), (205, 3), (210, 8), (215, 1), (220, 6), (230, 5), (235, 1),
                         (240, 7), (245, 1), (250, 2)] for _ in range(c)]


def hs105f(x):
    s = 0.0
    for y in _HS105Y:
        a = x[0] / x[5] * math.exp(-(y - x[2]) ** 2 / (2 * x[5] ** 2))
        b = x[1] / x[6] * math.exp(-(y - x[3]) ** 2 / (2 * x[6] ** 2))
        c = (1 - x[0] - x[1]) / x[7] * math.exp(-(y - x[4]) ** 2 / (2 * x[7] ** 2))
        s -= math.log((a + b + c) / math.sqrt(2 * math.pi))
    return s


prob(105, hs105f, [0.1, 0.2, 100, 125, 175, 11.2, 13.2, 15.8], 1138.416240, lo=[0.001, 0.001, 100, 130, 170, 5, 5, 5],
     up=[0.499, 0.499, 180, 210, 240, 25, 25, 25], ge=[lambda x: 1 - x[0] - x[1]])

_C107, _D107 = 48.4 / 50.176 * math.sin(0.25), 48.4 / 50.176 * math.cos(0.25)


def _hs107(x):
    s8, c8, s9, c9 = math.sin(x[7]), math.cos(x[7]), math.sin(x[8]), math.cos(x[8])
    s89, c89 = math.sin(x[7] - x[8]), math.cos(x[7] - x[8])
    v5, v6, v7 = x[4], x[5], x[6]
    return [-x[0] + 2 * _C107 * v5 ** 2 - v5 * v6 * (_D107 * s8 + _C107 * c8) - v5 * v7 * (_D107 * s9 + _C107 * c9) + 0.4,
            -x[1] + 2 * _C107 * v6 ** 2 + v5 * v6 * (_D107 * s8 - _C107 * c8) + v6 * v7 * (_D107 * s89 - _C107 * c89) + 0.4,
            2 * _C107 * v7 ** 2 + v5 * v7 * (_D107 * s9 - _C107 * c9) - v6 * v7 * (_D107 * s89 + _C107 * c89) + 0.8,
            -x[2] + 2 * _D107 * v5 ** 2 + v5 * v6 * (_C107 * s8 - _D107 * c8) + v5 * v7 * (_C107 * s9 - _D107 * c9) + 0.2,
            -x[3] + 2 * _D107 * v6 ** 2 - v5 * v6 * (_C107 * s8 + _D107 * c8) - v6 * v7 * (_C107 * s89 + _D107 * c89) + 0.2,
            2 * _D107 * v7 ** 2 - v5 * v7 * (_C107 * s9 + _D107 * c9) + v6 * v7 * (_C107 * s89 - _D107 * c89) - 0.337]


prob(107, lambda x: 3000 * x[0] + 1000 * x[0] ** 3 + 2000 * x[1] + 666.667 * x[1] ** 3,
     [0.8, 0.8, 0.2, 0.2, 1.0454, 1.0454, 1.0454, 0, 0], 5055.011803,
     lo=[0, 0, -INF, -INF, 0.90909, 0.90909, 0.90909, -INF, -INF], up=[INF, INF, INF, INF, 1.0909, 1.0909, 1.0909, INF, INF],
     eq=[(lambda k: lambda x: _hs107(x)[k])(k) for k in range(6)])


def _hs109(x):
    a, b = 0.4948079185, -1.937824843 + 0.0377975808
    v5, v6, v7 = x[4], x[5], x[6]
    return [v5 * v6 * math.sin(-x[2] - 0.25) + v5 * v7 * math.sin(-x[3] - 0.25) + a * v5 ** 2 - 50.176 * x[0] + 20070.4,
            v5 * v6 * math.sin(x[2] - 0.25) + v6 * v7 * math.sin(x[2] - x[3] - 0.25) + a * v6 ** 2 - 50.176 * x[1] + 20070.4,
            v5 * v7 * math.sin(x[3] - 0.25) + v6 * v7 * math.sin(x[3] - x[2] - 0.25) + a * v7 ** 2 + 44244.1431,
            50.176 * x[7] + v5 * v6 * math.cos(-x[2] - 0.25) + v5 * v7 * math.cos(-x[3] - 0.25) + b * v5 ** 2 - 10035.2,
            50.176 * x[8] + v5 * v6 * math.cos(x[2] - 0.25) + v6 * v7 * math.cos(x[2] - x[3] - 0.25) + b * v6 ** 2 - 10035.2,
            v5 * v7 * math.cos(x[3] - 0.25) + v6 * v7 * math.cos(x[3] - x[2] - 0.25) + b * v7 ** 2 - 1150.937088]


prob(109, lambda x: 3 * x[0] + 1e-6 * x[0] ** 3 + 2 * x[1] + 5.22074e-7 * x[1] ** 3, [0] * 9, 5362.06928,
     lo=[0, 0, -0.55, -0.55, 196, 196, 196, -400, -400], up=[INF, INF, 0.55, 0.55, 252, 252, 252, 800, 800],
     ge=[lambda x: x[3] - x[2] + 0.55, lambda x: x[2] - x[3] + 0.55, lambda x: 2250000 - x[0] ** 2 - x[7] ** 2,
         lambda x: 2250000 - x[1] ** 2 - x[8] ** 2],
     eq=[(lambda k: lambda x: _hs109(x)[k])(k) for k in range(6)])

_HS111C = [-6.089, -17.164, -34.054, -5.914, -24.721, -14.986, -24.1, -10.708, -26.662, -22.179]
_HS111A = [[1, 2, 2, 0, 0, 1, 0, 0, 0, 1], [0, 0, 0, 1, 2, 1, 1, 0, 0, 0], [0, 0, 1, 0, 0, 0, 1, 1, 2, 1]]
_HS111B = [2, 1, 1]


def hs111f(x):
    e = [math.exp(v) for v in x]
    ls = math.log(sum(e))
    return sum(e[j] * (_HS111C[j] + x[j] - ls) for j in range(10))


prob(111, hs111f, [-2.3] * 10, -47.707579, lo=[-100] * 10, up=[100] * 10,
     eq=[(lambda k: lambda x: sum(a * math.exp(v) for a, v in zip(_HS111A[k], x)) - _HS111B[k])(k) for k in range(3)])


def hs112f(x):
    s = sum(x)
    return sum(x[j] * (_HS111C[j] + math.log(x[j] / s)) for j in range(10))


prob(112, hs112f, [0.1] * 10, -47.707579, lo=[1e-6] * 10,
     eq=[(lambda k: lambda x: sum(a * v for a, v in zip(_HS111A[k], x)) - _HS111B[k])(k) for k in range(3)])


def _hs114g(x):
    return 1.12 * x[0] + 0.13167 * x[0] * x[7] - 0.00667 * x[0] * x[7] ** 2


def _hs114h(x):
    return 1.098 * x[7] - 0.038 * x[7] ** 2 + 0.325 * x[5] + 57.425


prob(114, lambda x: 5.04 * x[0] + 0.035 * x[1] + 10 * x[2] + 3.36 * x[4] - 0.063 * x[3] * x[6],
     [1745, 12000, 110, 3048, 1974, 89.2, 92.8, 8, 3.6, 145], -1768.80696,
     lo=[1e-5] * 5 + [85, 90, 3, 1.2, 145], up=[2000, 16000, 120, 5000, 2000, 93, 95, 12, 4, 162],
     ge=[lambda x: 35.82 - 0.222 * x[9] - 0.9 * x[8], lambda x: -133 + 3 * x[6] - 0.99 * x[9],
         lambda x: -35.82 + 0.222 * x[9] + x[8] / 0.9, lambda x: 133 - 3 * x[6] + x[9] / 0.99,
         lambda x: _hs114g(x) - 0.99 * x[3], lambda x: _hs114h(x) - 0.99 * x[6],
         lambda x: -_hs114g(x) + x[3] / 0.99, lambda x: -_hs114h(x) + x[6] / 0.99],
     eq=[lambda x: 1.22 * x[3] - x[0] - x[4], lambda x: 98000 * x[2] / (x[3] * x[8] + 1000 * x[2]) - x[5],
         lambda x: (x[1] + x[4]) / x[0] - x[7]])

prob(116, lambda x: x[10] + x[11] + x[12], [0.5, 0.8, 0.9, 0.1, 0.14, 0.5, 489, 80, 650, 450, 150, 150, 150], 97.588409,
     lo=[0.1, 0.1, 0.1, 1e-4, 0.1, 0.1, 0.1, 0.1, 500, 0.1, 1, 1e-4, 1e-4],
     up=[1, 1, 1, 0.1, 0.9, 0.9, 1000, 1000, 1000, 500, 150, 150, 150],
     ge=[lambda x: x[2] - x[1], lambda x: x[1] - x[0], lambda x: 1 - 0.002 * x[6] + 0.002 * x[7],
         lambda x: x[10] + x[11] + x[12] - 50, lambda x: 250 - x[10] - x[11] - x[12],
         lambda x: x[12] - 1.262626 * x[9] + 1.231059 * x[2] * x[9],
         lambda x: x[4] - 0.03475 * x[1] - 0.975 * x[1] * x[4] + 0.00975 * x[1] ** 2,
         lambda x: x[5] - 0.03475 * x[2] - 0.975 * x[2] * x[5] + 0.00975 * x[2] ** 2,
         lambda x: x[4] * x[6] - x[0] * x[7] - x[3] * x[6] + x[3] * x[7],
         lambda x: 1 - 0.002 * (x[1] * x[8] + x[4] * x[7] - x[0] * x[7] - x[5] * x[8]) - x[4] - x[5],
         lambda x: x[1] * x[8] - x[2] * x[9] - x[5] * x[8] - 500 * x[1] + 500 * x[5] + x[1] * x[9],
         lambda x: x[1] - 0.9 - 0.002 * (x[1] * x[9] - x[2] * x[9]),
         lambda x: x[3] - 0.03475 * x[0] - 0.975 * x[0] * x[3] + 0.00975 * x[0] ** 2,
         lambda x: x[10] - 1.262626 * x[7] + 1.231059 * x[0] * x[7],
         lambda x: x[11] - 1.262626 * x[8] + 1.231059 * x[1] * x[8]])

_HS117B = np.array([40, 2, 0.25, 4, 4, 1, 40, 60, -5, -1], float)
_HS117A = np.array([[16, 0, 3.5, 0, 0, -2, 1, 1, -1, -1], [-2, 2, 0, 2, 9, 0, 1, 2, -2, -1], [0, 0, -2, 0, 2, 4, 1, 3, -3, -1],
                    [-1, -4, 0, 4, -1, 0, 1, 2, -4, -1], [0, -2, 0, 1, 2.8, 0, 1, 1, -5, -1]], float)
_HS117E = np.array([15, 27, 36, 18, 12], float)


def hs117f(x):
    x = np.asarray(x)
    y = x[10:]
    return float(_HS117B @ x[:10] + y @ _HS86C @ y + 2 * _HS86D @ y ** 3)


prob(117, hs117f, [0.001] * 6 + [60] + [0.001] * 8, 32.34867897, lo=[0] * 15,
     ge=[(lambda k: lambda x: float(_HS117A[k] @ np.asarray(x)[:10] + 2 * _HS86C[k] @ np.asarray(x)[10:]
                                    + 3 * _HS86D[k] * x[10 + k] ** 2 - _HS117E[k]))(k) for k in range(5)])


def hs118f(x):
    s = 0.0
    for k in range(5):
        a, b, c = x[3 * k], x[3 * k + 1], x[3 * k + 2]
        s += 2.3 * a + 1e-4 * a ** 2 + 1.7 * b + 1e-4 * b ** 2 + 2.2 * c + 1.5e-4 * c ** 2
    return s


def _hs118ge():
    g = []
    for j in range(1, 5):
        for off, top in ((0, 13), (2, 13), (1, 14)):
            d = (lambda j, off: lambda x: x[3 * j + off] - x[3 * j - 3 + off] + 7)(j, off)
            g += [d, (lambda d, top: lambda x: top - d(x))(d, top)]
    for k, r in enumerate([60, 50, 70, 85, 100]):
        g.append((lambda k, r: lambda x: x[3 * k] + x[3 * k + 1] + x[3 * k + 2] - r)(k, r))
    return g


prob(118, hs118f, [20, 55, 15, 20, 60, 20, 20, 60, 20, 20, 60, 20, 20, 60, 20], 664.82045,
     lo=[8, 43, 3] + [0] * 12, up=[21, 57, 16] + [90, 120, 60] * 4, ge=_hs118ge())

_HS119A = [(1, 1), (1, 4), (1, 7), (1, 8), (1, 16), (2, 2), (2, 3), (2, 7), (2, 10), (3, 3), (3, 7), (3, 9), (3, 10),
           (3, 14), (4, 4), (4, 7), (4, 11), (4, 15), (5, 5), (5, 6), (5, 10), (5, 12), (5, 16), (6, 6), (6, 8), (6, 15),
           (7, 7), (7, 11), (7, 13), (8, 8), (8, 10), (8, 15), (9, 9), (9, 12), (9, 16), (10, 10), (10, 14), (11, 11),
           (11, 13), (12, 12), (12, 14), (13, 13), (13, 14), (14, 14), (15, 15), (16, 16)]
_HS119B = np.array([[0.22, 0.20, 0.19, 0.25, 0.15, 0.11, 0.12, 0.13], [-1.46, 0, -1.30, 1.82, -1.15, 0, 0.80, 0],
                    [1.29, -0.89, 0, 0, -1.16, -0.96, 0, -0.49], [-1.10, -1.06, 0.95, -0.54, 0, -1.78, -0.41, 0],
                    [0, 0, 0, -1.43, 1.51, 0.59, -0.33, -0.43], [0, -1.72, -0.33, 0, 1.62, 1.24, 0.21, -0.26],
                    [1.12, 0, 0, 0.31, 0, 0, 1.12, 0], [0, 0.45, 0.26, -1.10, 0.58, 0, -1.03, 0.10]])
_HS119B2 = [0, 0, 0, 0, 0, 0, -0.36, 0]  # x9's coefficient in row 7
_HS119C = [2.5, 1.1, -3.1, -3.5, 1.3, 2.1, 2.3, -1.5]


def hs119f(x):
    q = [v * v + v + 1 for v in x]
    return sum(q[i - 1] * q[j - 1] for i, j in _HS119A)


prob(119, hs119f, [10] * 16, 244.899698, lo=[0] * 16, up=[5] * 16,
     eq=[(lambda k: lambda x: float(_HS119B[k] @ np.asarray(x)[:8]) + _HS119B2[k] * x[8] + x[8 + k] - _HS119C[k])(k)
         for k in range(8)])


# Published values of other local minima (internal/hs's Problem.LocalOptima: CUTEst's
# SIF files list them); a solve that ends at one is counted as "local".
LOCAL = {2: [4.941229], 20: [40.199], 44: [-13], 55: [6.66666666], 57: [0.03063791]}


def violation(x, bounds, eqs, ges):
    v = 0.0
    for xi, (lo, up) in zip(x, bounds):
        v = max(v, lo - xi, xi - up)
    for g in eqs:
        v = max(v, abs(g(x)))
    for g in ges:
        v = max(v, -g(x))
    return v


def main():
    wanted = [int(a) for a in sys.argv[1:]] or sorted(P)
    print(f"{'prob':5} {'slsqp f':>18} {'published':>18} {'rel.err':>9} {'infeas':>9} {'nit':>5} {'time':>8}  message")
    npass = nlocal = 0
    for n in wanted:
        f, x0, bounds, eqs, ges, fstar = P[n]
        cons = [{"type": "eq", "fun": g} for g in eqs] + [{"type": "ineq", "fun": g} for g in ges]
        b = [(None if math.isinf(lo) else lo, None if math.isinf(up) else up) for lo, up in bounds]
        t = time.perf_counter()
        try:
            r = minimize(f, x0, method="SLSQP", bounds=b, constraints=cons,
                         options={"maxiter": 1000, "ftol": 1e-12})
            x, fx, nit, msg, ok = r.x, float(r.fun), r.nit, r.message, r.success
        except (ValueError, OverflowError, ZeroDivisionError) as e:
            x, fx, nit, msg, ok = x0, math.nan, 0, str(e), False
        dt = time.perf_counter() - t
        rel = abs(fx - fstar) / max(1, abs(fstar))
        viol = violation(x, bounds, eqs, ges) if not math.isnan(fx) else math.nan
        # As TestHS: a feasible point below the published optimum is a better
        # local minimum (HS47, HS106), not a failure.
        good = ok and (rel <= 1e-6 or fx < fstar) and viol <= 1e-6
        local = (not good and ok and viol <= 1e-6
                 and any(abs(fx - v) <= 1e-5 * max(1, abs(v)) for v in LOCAL.get(n, [])))
        npass += good
        nlocal += local
        print(f"HS{n:<3} {fx:18.10g} {fstar:18.10g} {rel:9.2g} {viol:9.2g} {nit:5d} {dt*1e3:6.0f}ms  "
              f"{'ok' if good else 'local' if local else 'FAIL'}: {msg}")
    print(f"{len(wanted)} problems: {npass} within 1e-6 of (or below) the published optimum, feasible and reported "
          f"successful; {nlocal} at a published local minimum; {len(wanted) - npass - nlocal} fail")


if __name__ == "__main__":
    main()
