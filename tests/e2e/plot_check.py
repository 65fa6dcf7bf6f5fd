#!/usr/bin/python3
"""plot_check.py RESULTS.h5 FIGDIR - every value of every TSV that
`rnnbench plot` wrote equals what the results file holds: norms, losses
and steps exactly (the TSV keeps 17 digits), means over seeds to 1e-15."""
import csv
import glob
import math
import os
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
kinds = {s.split("-")[0] for s in stems}
expect(kinds == {"grad_through_time", "grad_heatmap", "training_curves", "grad_norm", "w_hh_spectrum",
                 "length_sweep"},
       "figure kinds %s" % sorted(kinds))

for stem in sorted(stems):
    kind = stem.split("-")[0]
    tsv = rows(os.path.join(figdir, stem + ".tsv"))
    expect(len(tsv) > 0, stem + ": empty TSV")
    if kind in ("grad_through_time", "grad_heatmap"):
        for r in tsv:
            g = runs[r["run"]]
            expect(in_facet(r["run"], stem), "%s: run %s is not of this figure" % (stem, r["run"]))
            steps = list(g["log_step"][:])
            row = steps.index(int(r["step"]))
            if kind == "grad_through_time":
                expect(row == (0 if r["phase"] == "first" else len(steps) - 1), stem + ": phase row")
            want = g["dh_norm"][row, int(r["t"]) - 1]
            expect(same(num(r["dh_norm"]), want), "%s: %s step %s t %s: %r != %r" % (stem, r["run"], r["step"], r["t"], r["dh_norm"], want))
            # the log10 the figure draws: the file's dh_log10, or log10(dh_norm) for an older file
            if "dh_log10" in g:
                want_log = g["dh_log10"][row, int(r["t"]) - 1]
            else:
                want_log = np.log10(want) if want > 0 else (-np.inf if want == 0 else np.nan)
            expect(same(num(r["dh_log10"]), want_log, 0.0 if "dh_log10" in g else 1e-15), "%s: %s step %s t %s: log10 %r != %r" % (stem, r["run"], r["step"], r["t"], r["dh_log10"], want_log))
            expect(r["cell"] == g.attrs["cell"] and r["clip"] == g.attrs["clip"] and int(r["seed"]) == g.attrs["seed"], stem + ": keys")
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
            expect(same(num(r["radius"]), max(g["w_hh_radius"][row])) and
                   same(num(r["sigma"]), max(g["w_hh_sigma"][row])), "%s: %s step %s" % (stem, r["run"], r["step"]))
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
            if loss:
                expect(same(num(r["loss_mean"]), sum(loss) / len(loss), 1e-15) and
                       same(num(r["loss_min"]), min(loss)) and same(num(r["loss_max"]), max(loss)),
                       "%s: %s %s T=%s" % (stem, r["cell"], r["clip"], r["seq_len"]))

print("%d values checked, %d differ" % (checked, failed))
sys.exit(1 if failed or not checked else 0)
