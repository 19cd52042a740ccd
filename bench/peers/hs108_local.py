"""Is nnopt's HS108 end point, f = -0.5, a local minimum of the stated problem?

Issue 21: the general method ends HS108 Locally Optimal at f = -0.5 (x3 = x5 = 0,
x9 = 1), where SLSQP from the same start reaches the published -0.8660254038.
This script checks the point on its own terms, with the statement of
bench/peers/hs_scipy.py (Hock and Schittkowski, 1981, problem 108):

1. the active set and the multipliers: an LP over all multiplier vectors of the
   active rows (the rows are degenerate: 10 active in 9 variables) gives each
   multiplier's least and largest value;
2. second order: the least curvature of the Lagrangian's Hessian over the critical
   cone (strongly active rows tangent, weakly active rows - zero multiplier -
   allowed to release), by enumerating the cone's faces;
3. where second order is not decisive (zero curvature), the objective itself:
   SLSQP from random points in balls of radius r around the point, with the ball
   as an extra constraint, and projections onto the feasible set along the
   zero-curvature directions.

Run: /usr/bin/python3 bench/peers/hs108_local.py
"""
import itertools

import numpy as np
from scipy.linalg import null_space
from scipy.optimize import linprog, minimize

# The point nnopt reports (x1 = 1/2, x2 = x8 = 1 + √3/2, x7 = -1/2): three of the
# hexagon's vertices, (x3, x4), (x5, x6) and (0, x9), coincide at (0, 1).
XSTAR = np.array([0.5, 1 + np.sqrt(3) / 2, 0, 1, 0, 1, -0.5, 1 + np.sqrt(3) / 2, 1.0])


def f(x):
    return -0.5 * (x[0] * x[3] - x[1] * x[2] + x[2] * x[8] - x[4] * x[8] + x[4] * x[7] - x[5] * x[6])


G = [lambda x: 1 - x[2] ** 2 - x[3] ** 2, lambda x: 1 - x[8] ** 2, lambda x: 1 - x[4] ** 2 - x[5] ** 2,
     lambda x: 1 - x[0] ** 2 - (x[1] - x[8]) ** 2, lambda x: 1 - (x[0] - x[4]) ** 2 - (x[1] - x[5]) ** 2,
     lambda x: 1 - (x[0] - x[6]) ** 2 - (x[1] - x[7]) ** 2, lambda x: 1 - (x[2] - x[4]) ** 2 - (x[3] - x[5]) ** 2,
     lambda x: 1 - (x[2] - x[6]) ** 2 - (x[3] - x[7]) ** 2, lambda x: 1 - x[6] ** 2 - (x[7] - x[8]) ** 2,
     lambda x: x[0] * x[3] - x[1] * x[2], lambda x: x[2] * x[8], lambda x: -x[4] * x[8],
     lambda x: x[4] * x[7] - x[5] * x[6], lambda x: x[8]]  # the last: the bound x9 >= 0
NAMES = [f"c{i + 1}" for i in range(13)] + ["x9>=0"]


def grad(fn, x, h=1e-6):
    return np.array([(fn(x + h * e) - fn(x - h * e)) / (2 * h) for e in np.eye(len(x))])


def hess(fn, x, h=1e-4):
    return np.array([(grad(fn, x + h * e) - grad(fn, x - h * e)) / (2 * h) for e in np.eye(len(x))])


def main():
    x = XSTAR
    print(f"f = {f(x):.12g}, least row value {min(g(x) for g in G):.3g}")
    act = [i for i, g in enumerate(G) if abs(g(x)) < 1e-9]
    A = np.array([grad(G[i], x) for i in act])
    gf = grad(f, x)
    print(f"active: {[NAMES[i] for i in act]} ({len(act)} rows, rank {np.linalg.matrix_rank(A, 1e-8)})")
    # 1. Multipliers: ∇f = Σ λ_i ∇g_i, λ ≥ 0; the range of each.
    lo, hi = [], []
    for k in range(len(act)):
        c = np.zeros(len(act))
        c[k] = 1
        rmin = linprog(c, A_eq=A.T, b_eq=gf, bounds=[(0, None)] * len(act))
        rmax = linprog(-c, A_eq=A.T, b_eq=gf, bounds=[(0, None)] * len(act))
        assert rmin.status == 0 and rmax.status == 0, "no multiplier vector: not a KKT point"
        lo.append(rmin.fun)
        hi.append(-rmax.fun)
    print("multipliers [least, largest]:", {NAMES[i]: (round(a, 9), round(b, 9)) for i, a, b in zip(act, lo, hi)})
    lam = np.array(lo)
    strong = [i for i, l in zip(act, lam) if l > 1e-7]
    weak = [i for i, l in zip(act, lam) if l <= 1e-7]
    print(f"strongly active: {[NAMES[i] for i in strong]}; weakly active (zero multiplier): {[NAMES[i] for i in weak]}")
    # 2. Second order over the critical cone.
    H = hess(f, x) - sum(l * hess(G[i], x) for i, l in zip(act, lam))
    As = np.array([grad(G[i], x) for i in strong])
    Aw = np.array([grad(G[i], x) for i in weak])
    Z = null_space(As)
    print(f"tangent space of the strongly active rows: dimension {Z.shape[1]}; "
          f"eigenvalues of the reduced Hessian there: {np.round(np.linalg.eigvalsh(Z.T @ H @ Z), 12)}")
    least = np.inf
    for k in range(len(weak) + 1):
        for face in itertools.combinations(range(len(weak)), k):
            Zf = Z @ null_space(Aw[list(face)] @ Z) if face else Z
            if Zf.shape[1] == 0:
                continue
            w, V = np.linalg.eigh(Zf.T @ H @ Zf)
            for j in range(len(w)):
                for s in (1, -1):
                    d = s * Zf @ V[:, j]
                    if np.all(Aw @ d >= -1e-9):
                        least = min(least, w[j])
    print(f"least curvature over the critical cone (weak rows may release): {least:.3g}")
    # 3. The objective near the point.
    rng = np.random.default_rng(1)
    cons = [{'type': 'ineq', 'fun': g} for g in G]
    for r in (1.5, 0.7, 0.3, 0.1, 0.01, 0.001):
        best = np.inf
        for _ in range(100):
            x0 = x + rng.normal(size=9) * r / 3
            ball = {'type': 'ineq', 'fun': lambda y, r=r: r * r - np.sum((y - x) ** 2)}
            res = minimize(f, x0, method='SLSQP', constraints=cons + [ball], options={'ftol': 1e-14, 'maxiter': 500})
            if res.success and min(g(res.x) for g in G) > -1e-9:
                best = min(best, res.fun)
        print(f"SLSQP from 100 random starts within {r:g}: least feasible f - (-0.5) = {best + 0.5:.3g}")
    w, V = np.linalg.eigh(Z.T @ H @ Z)
    flat = [Z @ V[:, j] for j in range(len(w)) if abs(w[j]) < 1e-8]
    dirs = flat + [sum(c * d for c, d in zip(rng.normal(size=len(flat)), flat)) for _ in range(30)]
    least = np.inf
    for d in dirs:
        d = d / np.linalg.norm(d)
        for t in (1e-1, -1e-1, 3e-2, -3e-2, 1e-2, -1e-2, 1e-3, -1e-3):
            target = x + t * d
            res = minimize(lambda y: np.sum((y - target) ** 2), target, method='SLSQP', constraints=cons,
                           options={'ftol': 1e-16, 'maxiter': 300})
            if min(g(res.x) for g in G) >= -1e-10:
                least = min(least, f(res.x) + 0.5)
    print(f"projections onto the feasible set along {len(dirs)} zero-curvature directions: least f - (-0.5) = {least:.3g}")


if __name__ == '__main__':
    main()
