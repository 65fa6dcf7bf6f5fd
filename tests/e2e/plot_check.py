#!/usr/bin/python3
"""plot_check.py RESULTS.h5 FIGDIR [KINDS] - every value of every TSV that
`rnnbench plot` wrote equals what the results file holds: norms, losses
and steps exactly (the TSV keeps 17 digits), means over seeds to 1e-15;
the per-layer figures draw the layer their name says (STEM_lN: N; else
each run's top), and grad_depth_time draws every layer of each of its runs
at its first and last logged step. KINDS: the figure kinds FIGDIR must
hold, comma-separated (default: the six of a one-layer file with a
spectrum and a length sweep). Files of every schema: the norms of schema
1 and 2 ([n_logged, L]) are one layer."""
import csv
import glob
import math
import os
import re
import sys

import h5py
import numpy as np

h5 = h5py.File(sys.argv[1], "r")
figdir = sys.argv[2]
runs = h5["runs"]
checked = 0
failed = 0


def num(s):
    return float(s.replace("Inf", "inf"))


def same(a, b, rel=0.0):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b or abs(a - b) <= rel * max(abs(a), abs(b))


def wilson(k, n, z=1.959963984540054):
    """The 95% Wilson score interval of k of n, as rnnbench's summary."""
    p, d = k / n, 1 + z * z / n
    c, h = (p + z * z / (2 * n)) / d, z / d * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (0.0 if k == 0 else c - h), (1.0 if k == n else c + h)


def expect(ok, what):
    global checked, failed
    checked += 1
    if not ok:
        failed += 1
        if failed <= 10:
            print("FAIL", what)


def rows(path):
    with open(path) as f:
        return [r for r in csv.DictReader((l for l in f if l.strip()), delimiter="\t")]


def layered(g, name):
    """A per-layer dataset as [n_logged, K, X]: schema 1 and 2 held one layer."""
    a = g[name][()]
    return a[:, None, :] if a.ndim == 2 else a


def layers_of(g):
    return int(g.attrs.get("num_layers", 1))


def split_stem(stem):
    """'grad_heatmap_l1-seq_len=10' -> ('grad_heatmap', 1); no _lN: None (each run's top)."""
    m = re.match(r"(.*?)(?:_l(\d+))?$", stem.split("-")[0])
    return m.group(1), None if m.group(2) is None else int(m.group(2))


def by_cell_clip(cell, clip):
    return [runs[n] for n in sorted(runs) if runs[n].attrs["cell"] == cell and runs[n].attrs["clip"] == clip]


def in_facet(name, stem):
    """The runs whose keys match the figure's KEY=VALUE suffix."""
    g = runs[name]
    for term in stem.split("-")[1:]:
        k, v = term.split("=", 1)
        a = g.attrs[k]
        if isinstance(a, (bytes, str)):
            if str(a) != v:
                return False
        elif float(a) != float(v):
            return False
    return True


stems = {os.path.basename(p)[:-4] for p in glob.glob(os.path.join(figdir, "*.tsv"))}
kinds = {split_stem(s)[0] for s in stems}
want_kinds = set(sys.argv[3].split(",")) if len(sys.argv) > 3 else {
    "grad_through_time", "grad_heatmap", "training_curves", "grad_norm", "w_hh_spectrum", "length_sweep"}
expect(kinds == want_kinds, "figure kinds %s, want %s" % (sorted(kinds), sorted(want_kinds)))


def check_norm(stem, r, g, row, layer):
    """The TSV row's dh_norm and dh_log10 are the file's at (row, layer, t)."""
    j = int(r["t"]) - 1
    want = layered(g, "dh_norm")[row, layer, j]
    expect(same(num(r["dh_norm"]), want), "%s: %s step %s layer %d t %s: %r != %r" % (stem, r["run"], r["step"], layer, r["t"], r["dh_norm"], want))
    # the log10 the figure draws: the file's dh_log10, or log10(dh_norm) for an older file
    if "dh_log10" in g:
        want_log = layered(g, "dh_log10")[row, layer, j]
    else:
        want_log = np.log10(want) if want > 0 else (-np.inf if want == 0 else np.nan)
    expect(same(num(r["dh_log10"]), want_log, 0.0 if "dh_log10" in g else 1e-15), "%s: %s step %s t %s: log10 %r != %r" % (stem, r["run"], r["step"], r["t"], r["dh_log10"], want_log))
    expect(r["cell"] == g.attrs["cell"] and r["clip"] == g.attrs["clip"] and int(r["seed"]) == g.attrs["seed"], stem + ": keys")


for stem in sorted(stems):
    kind, layer = split_stem(stem)
    tsv = rows(os.path.join(figdir, stem + ".tsv"))
    expect(len(tsv) > 0, stem + ": empty TSV")
    if kind in ("grad_through_time", "grad_heatmap", "w_hh_spectrum"):
        for r in tsv:   # the layer the figure's name says, or each run's top
            want = layers_of(runs[r["run"]]) - 1 if layer is None else layer
            expect(int(r["layer"]) == want, "%s: %s drawn at layer %s, want %d" % (stem, r["run"], r["layer"], want))
    if kind in ("grad_through_time", "grad_heatmap"):
        for r in tsv:
            g = runs[r["run"]]
            expect(in_facet(r["run"], stem), "%s: run %s is not of this figure" % (stem, r["run"]))
            steps = list(g["log_step"][:])
            row = steps.index(int(r["step"]))
            if kind == "grad_through_time":
                expect(row == (0 if r["phase"] == "first" else len(steps) - 1), stem + ": phase row")
            check_norm(stem, r, g, row, int(r["layer"]))
    elif kind == "grad_depth_time":
        drawn = {}
        for r in tsv:
            g = runs[r["run"]]
            expect(in_facet(r["run"], stem), "%s: run %s is not of this figure" % (stem, r["run"]))
            steps = list(g["log_step"][:])
            row = steps.index(int(r["step"]))
            expect(row == (0 if r["phase"] == "first" else len(steps) - 1), stem + ": phase row")
            check_norm(stem, r, g, row, int(r["layer"]))
            drawn.setdefault((r["run"], r["phase"]), set()).add((int(r["layer"]), int(r["t"])))
        # each panel: every layer (K rows, from the bottom) at every timestep
        for (name, phase), cells in sorted(drawn.items()):
            g = runs[name]
            K, L = layers_of(g), int(g.attrs["seq_total"])
            expect(K > 1, "%s: %s has one layer" % (stem, name))
            expect({l for l, _ in cells} == set(range(K)), "%s: %s %s: layers %s, want 0..%d" % (stem, name, phase, sorted({l for l, _ in cells}), K - 1))
            expect(cells == {(l, t) for l in range(K) for t in range(1, L + 1)}, "%s: %s %s: not every layer x timestep" % (stem, name, phase))
        expect({p for _, p in drawn} == {"first", "last"}, stem + ": first and last logged step")
    elif kind == "grad_norm":
        for r in tsv:
            g = runs[r["run"]]
            i = int(r["step"]) - 1
            gn, gc = g["grad_norm"][i], g["grad_norm_clipped"][i]
            expect(same(num(r["grad_norm"]), gn) and same(num(r["grad_norm_clipped"]), gc),
                   "%s: %s step %s" % (stem, r["run"], r["step"]))
            expect(int(r["clipped"]) == int(bool(np.isfinite(gn) and gc != gn)), stem + ": clipped flag")
        # every step of every drawn run is there (the runs are short)
        for name in {r["run"] for r in tsv}:
            expect(sum(1 for r in tsv if r["run"] == name) == len(runs[name]["grad_norm"]), stem + ": steps of " + name)
    elif kind == "w_hh_spectrum":
        for r in tsv:
            g = runs[r["run"]]
            row = list(g["log_step"][:]).index(int(r["step"]))
            l = int(r["layer"])
            expect(same(num(r["radius"]), max(layered(g, "w_hh_radius")[row, l])) and
                   same(num(r["sigma"]), max(layered(g, "w_hh_sigma")[row, l])), "%s: %s step %s" % (stem, r["run"], r["step"]))
    elif kind == "training_curves":
        for r in tsv:
            vals = []
            for g in by_cell_clip(r["cell"], r["clip"]):
                if not in_facet(g.name.split("/")[-1], stem):
                    continue
                steps = list(g["log_step"][:])
                if int(r["step"]) in steps:
                    v = g["eval_loss"][steps.index(int(r["step"]))]
                    if np.isfinite(v):
                        vals.append(v)
            expect(int(r["runs"]) == len(vals), "%s: runs at step %s" % (stem, r["step"]))
            if vals:
                expect(same(num(r["loss_mean"]), sum(vals) / len(vals), 1e-15) and
                       same(num(r["loss_min"]), min(vals)) and same(num(r["loss_max"]), max(vals)),
                       "%s: %s %s step %s" % (stem, r["cell"], r["clip"], r["step"]))
    elif kind == "length_sweep":
        for r in tsv:
            gs = [g for g in by_cell_clip(r["cell"], r["clip"])
                  if g.attrs["seq_len"] == int(r["seq_len"]) and in_facet(g.name.split("/")[-1], stem)]
            loss = [g.attrs["final_loss"] for g in gs if np.isfinite(g.attrs["final_loss"])]
            expect(int(r["runs"]) == len(gs), stem + ": runs")
            expect(same(num(r["baseline"]), gs[0].attrs["baseline"]), stem + ": baseline")
            expect(same(num(r["solved_frac"]), sum(int(g.attrs["solved"]) for g in gs) / len(gs)), stem + ": solved")
            expect(same(num(r["diverged_frac"]), sum(g.attrs["status"] == "diverged" for g in gs) / len(gs)), stem + ": diverged")
            lo, hi = wilson(sum(int(g.attrs["solved"]) for g in gs), len(gs))
            expect(same(num(r["solved_lo"]), lo, 1e-12) and same(num(r["solved_hi"]), hi, 1e-12),
                   stem + ": solved's Wilson interval")
            if loss:
                expect(same(num(r["loss_mean"]), sum(loss) / len(loss), 1e-15) and
                       same(num(r["loss_min"]), min(loss)) and same(num(r["loss_max"]), max(loss)),
                       "%s: %s %s T=%s" % (stem, r["cell"], r["clip"], r["seq_len"]))

print("%d values checked, %d differ" % (checked, failed))
sys.exit(1 if failed or not checked else 0)
