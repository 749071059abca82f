# Checks for tests/e2e/stacks_live.sh: coretop's outside view of each stack process
# against what the libraries said from inside it (tests/e2e/lib/stack.py, stack_omp.c).
# Prints "ok: …" and "FAIL: …" lines; the caller counts them.
#
#   python3 stacks_check.py pools CORETOP.json DIR NAME…
#       every pool of DIR/NAME.json is a pool of the process in coretop's last sample
#       (groups[].processes[] with that pid) with the same lib, variant and threads, and
#       expected_threads and live_threads as the inside report has them (the fields
#       must be there: issue 11 names them); coretop shows no pool the process has not.
#       One table line per stack first: "NAME: coretop=(lib,variant,threads,expected,
#       live)… inside=(…)…", `-` for a field coretop does not have, `?` for null.
#   python3 stacks_check.py verdict CORETOP.json NAME PID VAR LIB:VARIANT
#       the group of PID is oversubscribed or spinning, has a LIB pool of that VARIANT
#       (what the advice speaks of), and its advice sets VAR; VAR `-`: it sets no
#       variable (its pools are 1 thread already) but says how many to run at once.
#       Advice on OpenBLAS's OpenMP build never sets OPENBLAS_NUM_THREADS, which it
#       ignores.
import json
import os
import re
import sys

FIELDS = ("threads", "expected_threads", "live_threads")
INSIDE = {"threads": "threads", "expected_threads": "expected", "live_threads": "live"}


def last_sample(path):
    lines = [l for l in open(path) if l.strip()]
    return json.loads(lines[-1])


def process(sample, pid):
    for g in sample["groups"]:
        for p in g.get("processes") or []:
            if p["pid"] == pid:
                return g, p
    return None, None


def show(v):
    return "?" if v is None else str(v)


def row(p, keys):
    return "(" + ",".join([p.get("lib") or "?", show(p.get("variant"))] +
                          [show(p[k]) if k in p else "-" for k in keys]) + ")"


def family(p):
    """Pools that share threads: a library built on OpenMP and its runtime."""
    return "openmp" if p["lib"] == "openmp" or p["variant"] == "openmp" else p["lib"]


def want_counts(w, pools):
    """What coretop's counts of pool W must be, from the inside report of its process:
    `threads` and `expected_threads` are the size by the library's rules (the inside
    `expected`); `live_threads` is the size it runs at now: for OpenBLAS's threaded
    builds the one it says (coretop reads blas_cpu_number from the process, as root),
    else the threads it has alive, counted with a computing caller (numexpr's and
    Blosc's wait, so at least 1) -- and unknown (null) where another pool of the
    process runs threads of its own."""
    out = [("threads", w["expected"], "the library's rules"),
           ("expected_threads", w["expected"], "the library's rules")]
    others = [p for p in pools if family(p) != family(w) and (p["threads"] or 0) > 1]
    if w["lib"] == "openblas" and w["variant"] in ("pthread", "openmp") and os.getuid() == 0:
        out.append(("live_threads", w["threads"], "OpenBLAS's own count"))
    elif others:
        out.append(("live_threads", None, "another pool has threads of its own"))
    elif w["lib"] in ("numexpr", "blosc"):
        out.append(("live_threads", max(w["live"], 1), "its workers"))
    else:
        out.append(("live_threads", w["live"], "its threads alive"))
    return out


def check_pools(sample, d, names):
    fails = []
    for name in names:
        before = len(fails)
        check_stack(sample, d, name, fails)
        for f in fails[before:]:
            print("FAIL: " + f)
        if len(fails) == before:
            print(f"ok: {name}")
    return fails


def check_stack(sample, d, name, fails):
    inside = json.load(open(f"{d}/{name}.json"))
    g, proc = process(sample, inside["pid"])
    want = inside["pools"]
    if proc is None:
        print(f"{name}: coretop=(no process {inside['pid']}) inside={' '.join(row(p, INSIDE.values()) for p in want)}")
        fails.append(f"{name}: pid {inside['pid']} not in coretop's sample")
        return
    got = proc.get("pools")
    got = [] if got is None else got
    print(f"{name}: coretop={' '.join(row(p, FIELDS) for p in got) or '()'}"
          f" inside={' '.join(row(p, INSIDE.values()) for p in want)}"
          f" tasks={inside['tasks']}")
    if proc.get("pools") is None:
        fails.append(f"{name}: coretop could not read the pools of pid {inside['pid']}")
        return
    left, absent = list(got), set()
    for w in want:
        # one runtime of each kind, one BLAS of each: the lib (and, for two of the
        # same lib, the variant) pairs them
        cand = [c for c in left if c.get("lib") == w["lib"]]
        same = [c for c in cand if c.get("variant") == w["variant"]]
        c = (same or cand or [None])[0]
        if c is None:
            fails.append(f"{name}: no {w['lib']} pool (inside: {w['path']})")
            continue
        left.remove(c)
        what = f"{name}: {w['lib']}"
        if c.get("variant") != w["variant"]:
            fails.append(f"{what} variant {c.get('variant')}, inside {w['variant']} ({w['path']})")
        for k in FIELDS:
            if k not in c:
                absent.add(k)
        for k, v, why in want_counts(w, want):
            if k in c and c[k] != v and not (v is None and c[k] is None):
                fails.append(f"{what} {k} {show(c[k])}, inside {show(v)} ({why})")
    for c in left:
        fails.append(f"{name}: coretop shows a {c.get('lib')} {c.get('variant')} pool"
                     f" ({c.get('path')}) the process does not have")
    if absent:
        fails.append(f"{name}: coretop's pools have no {', '.join(k for k in FIELDS if k in absent)}"
                     " field (issue 11)")


def check_verdict(sample, name, pid, var, pool):
    g, _ = process(sample, pid)
    if g is None:
        return [f"{name}: pid {pid} not in coretop's sample"]
    a = g.get("advice") or ""
    print(f"{name}: verdict {g['verdict']} demand {g['demand_cores']:.2f} wait {g['wait_pct']:.0f}%"
          f" pools {' '.join(row(p, FIELDS) for p in g.get('pools') or [])}")
    print(f"  advice: {a}")
    fails = []
    if g["verdict"] not in ("oversubscribed", "spinning"):
        fails.append(f"{name}: verdict {g['verdict']}, expected oversubscribed or spinning")
    lib, variant = pool.split(":")
    if not any(p.get("lib") == lib and p.get("variant") == variant for p in g.get("pools") or []):
        fails.append(f"{name}: the group has no {lib} {variant} pool")
    if var == "-":
        if re.search(r"\b[A-Z_]+_(THREADS|NTHREADS)=\d", a) or "run at most" not in a:
            fails.append(f"{name}: the advice sets a variable or does not say how many to run")
    elif not re.search(rf"\b{var}=\d", a):
        fails.append(f"{name}: the advice does not set {var}")
    if pool == "openblas:openmp" and "OPENBLAS_NUM_THREADS=" in a:
        fails.append(f"{name}: the advice sets OPENBLAS_NUM_THREADS, which the OpenMP build ignores")
    return fails


def main():
    mode, sample = sys.argv[1], last_sample(sys.argv[2])
    if mode == "pools":
        check_pools(sample, sys.argv[3], sys.argv[4:])
        return
    fails = check_verdict(sample, sys.argv[3], int(sys.argv[4]), sys.argv[5], sys.argv[6])
    for f in fails:
        print("FAIL: " + f)
    if not fails:
        print(f"ok: {sys.argv[3]}: verdict and advice ({sys.argv[5]})")


main()
