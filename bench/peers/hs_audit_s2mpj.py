#!/usr/bin/env python3
"""Audits internal/hs's statements and this folder's SLSQP peer against CUTEst's.

The CUTEst statements are S2MPJ's Python translations of the SIF files
(github.com/GrattonToint/S2MPJ: s2mpjlib.py and python_problems/HS<N>.py), read from
a folder given on the command line and only evaluated here, never copied. For every
problem of the Go dump (internal/hs's TestAuditDump) it compares the start point,
the bounds, the objective at the six dumped points and each constraint: a constraint
matches a CUTEst one when its residual is a constant multiple of the CUTEst
constraint's distance to its bound at every point (a positive multiple for an
inequality). It then checks the peer (hs_scipy.py) against the Go statements in the
same way and prints one line per problem: "same" or what differs.

    HS_AUDIT_DUMP=/tmp/hs.json go test -count=1 -run TestAuditDump ./internal/hs
    python3 bench/peers/hs_audit_s2mpj.py /tmp/hs.json S2MPJ_DIR [NUMBER ...]

S2MPJ_DIR holds s2mpjlib.py and the HS<N>.py files (for example from
`git -C S2MPJ show HEAD:python_problems/HS16.py`).
"""

import contextlib
import importlib
import io
import json
import os
import sys

import numpy as np


def decode(v):
    """Undoes TestAuditDump's encoding of ±∞ (±1e300) and NaN (7.77e300)."""
    v = np.array(v, float)
    out = v.copy()
    out[v >= 7e300] = np.nan
    out[(v >= 1e299) & (v < 7e300)] = np.inf
    out[v <= -1e299] = -np.inf
    return out


def cutest(n):
    m = importlib.import_module("HS%d" % n)
    with contextlib.redirect_stdout(io.StringIO()):
        return getattr(m, "HS%d" % n)()


def cutest_eval(p, x):
    x = np.array(x, float).reshape(-1, 1)
    with np.errstate(all="ignore"), contextlib.redirect_stdout(io.StringIO()):
        f = float(np.ravel(p.fx(x))[0])
        c = np.ravel(p.cx(x)) if p.m > 0 else np.array([])
    return f, c


def halfspaces(p, c):
    """CUTEst's constraints as (kind, value): 'E' for value = 0, 'G' for value >= 0."""
    if p.m == 0:
        return []
    lo, up = np.ravel(p.clower), np.ravel(p.cupper)
    out = []
    for j in range(p.m):
        if lo[j] == up[j]:
            out.append(("E", c[j] - lo[j]))
            continue
        if np.isfinite(lo[j]):
            out.append(("G", c[j] - lo[j]))
        if np.isfinite(up[j]):
            out.append(("G", up[j] - c[j]))
    return out


def match(ours, theirs):
    """Pairs constraints given as (kind, values at the points); returns the
    unmatched indices of each side."""
    used, bad = set(), []
    for i, (k, a) in enumerate(ours):
        a = np.array(a, float)
        found = None
        for j, (k2, b) in enumerate(theirs):
            if j in used or k2 != k:
                continue
            b = np.array(b, float)
            ok = np.isfinite(a) & np.isfinite(b)
            if ok.sum() < 2:
                continue
            aa, bb = a[ok], b[ok]
            if np.allclose(aa, 0, atol=1e-12) and np.allclose(bb, 0, atol=1e-12):
                found = j
                break
            m = np.argmax(np.abs(bb))
            if abs(bb[m]) < 1e-14:
                continue
            r = aa[m] / bb[m]
            if r == 0 or (k == "G" and r < 0):
                continue
            if np.allclose(aa, r * bb, rtol=1e-7, atol=1e-9 * max(1, np.abs(aa).max())):
                found = j
                break
        if found is None:
            bad.append(i)
        else:
            used.add(found)
    return bad, [j for j in range(len(theirs)) if j not in used]


def same_bounds(a, b):
    return np.array_equal(np.isinf(a), np.isinf(b)) and np.allclose(a[np.isfinite(a)], b[np.isfinite(b)])


def main():
    dump, s2dir = sys.argv[1], sys.argv[2]
    wanted = {int(a) for a in sys.argv[3:]}
    sys.path.insert(0, s2dir)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import hs_scipy as peer

    differ = 0
    for r in json.load(open(dump)):
        n = r["N"]
        if wanted and n not in wanted:
            continue
        # The first r["Defs"] constraints define intermediate variables (HS85's y
        # and c), which CUTEst computes inside its elements: left out here.
        ndef = r.get("Defs", 0)
        types = (r["Types"] or [])[ndef:]
        msgs = []
        try:
            p = cutest(n)
        except ImportError as e:
            print("HS%d: no CUTEst statement (%s)" % (n, e))
            continue
        x0, lo, up = decode(r["X0"]), decode(r["Lo"]), decode(r["Up"])
        if len(x0) != p.n:
            print("HS%d: %d variables, CUTEst %d" % (n, len(x0), p.n))
            differ += 1
            continue
        if not np.allclose(x0, np.ravel(p.x0), rtol=1e-8, atol=1e-12):
            msgs.append("start %s, CUTEst %s" % (x0, np.ravel(p.x0)))
        if not same_bounds(lo, np.ravel(p.xlower)):
            msgs.append("lower bounds %s, CUTEst %s" % (lo, np.ravel(p.xlower)))
        if not same_bounds(up, np.ravel(p.xupper)):
            msgs.append("upper bounds %s, CUTEst %s" % (up, np.ravel(p.xupper)))
        fo, fc = [], []
        ours = [[] for _ in types]
        theirs = None
        for q in r["Pts"]:
            f, c = cutest_eval(p, q["X"])
            fo.append(decode([q["F"]])[0])
            fc.append(f)
            for i, t in enumerate(types):
                v = decode(q["R"][ndef + i])[0]
                ours[i].append(-v if t == "L" else v)
            h = halfspaces(p, c)
            if theirs is None:
                theirs = [(k, []) for k, _ in h]
            for i, (_, v) in enumerate(h):
                theirs[i][1].append(v)
        fo, fc = np.array(fo), np.array(fc)
        ok = np.isfinite(fo) & np.isfinite(fc)
        if not np.allclose(fo[ok], fc[ok], rtol=1e-8, atol=1e-10):
            msgs.append("objective %s, CUTEst %s" % (fo[ok][:3], fc[ok][:3]))
        kinds = [("E" if t == "E" else "G", ours[i]) for i, t in enumerate(types)]
        bad, extra = match(kinds, theirs or [])
        if bad or extra:
            msgs.append("constraints %s unmatched, CUTEst's %s unmatched" % ([i + 1 for i in bad], [j + 1 for j in extra]))
        # The peer against the Go statement.
        if n not in peer.P:
            msgs.append("not in hs_scipy.py")
        else:
            f, px0, bounds, eqs, ges, _ = peer.P[n]
            if not np.allclose(px0, x0):
                msgs.append("peer start %s" % px0)
            if not (np.array_equal([b[0] for b in bounds], lo) and np.array_equal([b[1] for b in bounds], up)):
                msgs.append("peer bounds %s" % bounds)
            pv, pc = [], [("E", []) for _ in eqs] + [("G", []) for _ in ges]
            for q in r["Pts"]:
                x = np.array(q["X"], float)
                with np.errstate(all="ignore"):
                    try:
                        pv.append(f(x))
                    except (ValueError, ZeroDivisionError, OverflowError):
                        pv.append(np.nan)
                    for i, g in enumerate(list(eqs) + list(ges)):
                        try:
                            pc[i][1].append(g(x))
                        except (ValueError, ZeroDivisionError, OverflowError):
                            pc[i][1].append(np.nan)
            pv = np.array(pv, float)
            ok = np.isfinite(pv) & np.isfinite(fo)
            if not np.allclose(pv[ok], fo[ok], rtol=1e-8, atol=1e-10):
                msgs.append("peer objective differs")
            b1, b2 = match(pc, kinds)
            if b1 or b2:
                msgs.append("peer constraints %s unmatched, Go's %s unmatched" % ([i + 1 for i in b1], [j + 1 for j in b2]))
        differ += bool(msgs)
        print("HS%d: %s" % (n, "same" if not msgs else "\n    ".join(msgs)))
    print("%d problems differ" % differ)


if __name__ == "__main__":
    main()
