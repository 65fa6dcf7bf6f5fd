#!/bin/bash
# results_schemas.sh RNNBENCH WORKDIR
# summary and plot read results files of every schema through the one
# reader (src/harness/results_read.c):
#   schema 1, 2  the committed files of tests/e2e/old (old/make.py: what
#                rnnbench 0.2.0 wrote, schema 2, and a rewrite of it as
#                0.1.0 wrote schema 1): summary prints exactly what 0.2.0
#                printed for them (old/*.summary, *.csv), with the solved
#                count and its Wilson interval that came after (columns
#                added; every other one 0.2.0's to the byte); plot draws their
#                figures (schema 1: no spectrum), each TSV value the file's
#                (plot_check.py)
#   schema 3     a fresh file of one- and two-layer runs: schema_check.py;
#                summary's top-layer, per-layer and depth ratios are numpy's
#                medians over the seeds, and one past float64's range is
#                printed (from dh_log10); plot draws grad_depth_time with every
#                layer of each two-layer run (plot_check.py), its script
#                redraws it alone; --layer 1 and all name their figures _lN;
#                a layer no run has is refused (exit 2, one line)
set -u
bin=$1 dir=$2
here=$(dirname "$0") old="$(dirname "$0")/old"
py=/usr/bin/python3
rm -rf "$dir" && mkdir -p "$dir"
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok: $1"; }
bad() { failed=$((failed + 1)); echo "FAIL: $1"; }
# figures NAME DIR: the stems of the PNGs drawn into DIR, one line
figures() { (cd "$1" && ls *.png 2>/dev/null | sed 's/\.png$//' | tr '\n' ' '); }

# ---- schemas 1 and 2: as rnnbench 0.2.0 summarised them ----
for s in 1 2; do
    f="$old/schema$s.h5"
    "$bin" summary "$f" >"$dir/s$s.txt" 2>&1 && diff "$old/schema$s.summary" "$dir/s$s.txt" >"$dir/s$s.diff" &&
        ok "schema $s: summary as rnnbench 0.2.0 printed it (and the solved interval)" || { bad "schema $s: summary"; cat "$dir/s$s.diff" "$dir/s$s.txt"; }
    "$bin" summary "$f" --csv >"$dir/s$s.csv" 2>&1 && diff "$old/schema$s.csv" "$dir/s$s.csv" >"$dir/s$s.cdiff" &&
        ok "schema $s: summary --csv as rnnbench 0.2.0 printed it" || { bad "schema $s: summary --csv"; cat "$dir/s$s.cdiff"; }
done
"$bin" plot "$old/schema2.h5" -o "$dir/f2" --format png >"$dir/f2.out" 2>&1 &&
    [ "$(figures "$dir/f2")" = "grad_heatmap grad_norm grad_through_time training_curves w_hh_spectrum " ] &&
    "$py" "$here/plot_check.py" "$old/schema2.h5" "$dir/f2" grad_through_time,grad_heatmap,training_curves,grad_norm,w_hh_spectrum >"$dir/f2.check" &&
    ok "schema 2: plot ($(tail -1 "$dir/f2.check"))" || { bad "schema 2: plot"; cat "$dir/f2.out" "$dir/f2.check"; }
"$bin" plot "$old/schema1.h5" -o "$dir/f1" --format png >"$dir/f1.out" 2>&1 &&
    [ "$(figures "$dir/f1")" = "grad_heatmap grad_norm grad_through_time training_curves " ] &&
    grep -q "w_hh_spectrum: skipped (no spectrum in this results file (schema 1))" "$dir/f1.out" &&
    "$py" "$here/plot_check.py" "$old/schema1.h5" "$dir/f1" grad_through_time,grad_heatmap,training_curves,grad_norm >"$dir/f1.check" &&
    ok "schema 1: plot, no spectrum ($(tail -1 "$dir/f1.check"))" || { bad "schema 1: plot"; cat "$dir/f1.out" "$dir/f1.check"; }
"$bin" plot "$old/schema1.h5" -o "$dir/f1all" --format png --layer all --quiet 2>"$dir/f1all.err" &&
    [ "$(figures "$dir/f1all")" = "grad_heatmap_l0 grad_norm grad_through_time_l0 training_curves " ] &&
    ok "schema 1: --layer all is layer 0" || { bad "schema 1: --layer all: $(figures "$dir/f1all")"; cat "$dir/f1all.err"; }

# ---- schema 3: one and two layers ----
cat >"$dir/layers.ini" <<'INI'
[experiment]
name = layers
description = one- and two-layer runs for results_schemas.sh
[task]
task = adding
seq_len = 6
[model]
cell = rnn_tanh, lstm
hidden = 4
num_layers = 1, 2
[train]
batch = 4
steps = 12
optimizer = sgd
lr = 0.1
seed = 1-2
[log]
log_every = 4
INI
f="$dir/layers.h5"
"$bin" run "$dir/layers.ini" -o "$f" --quiet || { echo "FAIL the sweep"; exit 1; }
"$py" "$here/schema_check.py" "$f" >"$dir/schema.log" && ok "schema 3 ($(tail -1 "$dir/schema.log"))" ||
    { bad "schema 3"; cat "$dir/schema.log"; }

# summary: the ratios numpy computes from dh_log10, medians over the 2 seeds
"$bin" summary "$f" --csv >"$dir/layers.csv" 2>&1 && "$bin" summary "$f" >"$dir/layers.txt" 2>&1 &&
"$py" - "$f" "$dir/layers.csv" "$dir/layers.txt" <<'PY' && ok "schema 3: summary's ratios per layer and through depth" ||
import csv, sys
import h5py, numpy as np
f = h5py.File(sys.argv[1])
table = {r["point"]: r for r in csv.DictReader(open(sys.argv[2]))}
text = open(sys.argv[3]).read()
assert "depth first/last" in text.splitlines()[2], "no depth column in the table"
assert "layer 1 first/last" in text, "no per-layer section"
def point(name):
    return ",".join(t for t in name.split(",") if not t.startswith("seed="))
def vanish(row):    # a row of log10 norms: log10 ||dL/dh_1|| / ||dL/dh_L||
    return row[0] - row[-1]
def close(got, want_lg, what):
    want = 10.0 ** np.median(want_lg) if len(want_lg) % 2 else np.mean(10.0 ** np.asarray(want_lg))
    assert abs(float(got) - want) <= 1e-8 * abs(want), (what, got, want)
points = {}
for name, g in f["runs"].items():
    points.setdefault(point(name), []).append(g["dh_log10"][()])
assert len(points) == 4 and all(len(v) == 2 for v in points.values()), sorted(points)
for p, lgs in points.items():
    r, K = table[p], lgs[0].shape[1]
    assert int(r["num_layers"]) == K, (p, r["num_layers"])
    for i, phase in ((0, "first"), (-1, "last")):
        close(r["vanish_" + phase], [vanish(lg[i, K - 1]) for lg in lgs], (p, "top", phase))
        for l in range(2):
            if l < K:
                close(r["vanish_%s_l%d" % (phase, l)], [vanish(lg[i, l]) for lg in lgs], (p, l, phase))
            else:
                assert r["vanish_%s_l%d" % (phase, l)] == "", (p, l, "a layer the point lacks is empty")
        if K > 1:
            close(r["depth_" + phase], [lg[i, 0, -1] - lg[i, K - 1, -1] for lg in lgs], (p, "depth", phase))
        else:
            assert r["depth_" + phase] == "nan", (p, "depth of one layer")
# the solved count and its Wilson interval, computed here from each run's
# solved attribute
solved = {}
for name, g in f["runs"].items():
    solved.setdefault(point(name), []).append(int(g.attrs["solved"]))
def wilson(k, n, z=1.959963984540054):
    p, d = k / n, 1 + z * z / n
    c, h = (p + z * z / (2 * n)) / d, z / d * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (0.0 if k == 0 else c - h), (1.0 if k == n else c + h)
for p, v in solved.items():
    lo, hi = wilson(sum(v), len(v))
    r = table[p]
    assert int(r["solved"]) == sum(v) and abs(float(r["solved_lo"]) - lo) < 1e-8 and \
        abs(float(r["solved_hi"]) - hi) < 1e-8, (p, r["solved"], r["solved_lo"], r["solved_hi"], lo, hi)
PY
    { bad "schema 3: summary"; cat "$dir/layers.txt" "$dir/layers.csv"; }

# a ratio past float64's range, from dh_log10 (dh_norm is 0 there): both
# seeds' ||dL/dh_1|| of the top layer 10^-400.3 of ||dL/dh_L||
cp "$f" "$dir/deep.h5"
"$py" - "$dir/deep.h5" <<'PY'
import sys
import h5py
f = h5py.File(sys.argv[1], "r+")
for seed in (1, 2):
    g = f["runs/cell=lstm,num_layers=2,seed=%d" % seed]
    lg, dh = g["dh_log10"], g["dh_norm"]
    lg[0, 1, 0] = lg[0, 1, -1] - 400.3
    dh[0, 1, 0] = 0.0
f["runs/cell=lstm,num_layers=2,seed=1"].attrs["solved"] = 1   # 1 of 2: Wilson 0.0945-0.9055
PY
"$bin" summary "$dir/deep.h5" >"$dir/deep.txt" 2>&1 && "$bin" summary "$dir/deep.h5" --csv >"$dir/deep.csv" 2>&1 &&
    grep -q "^cell=lstm,num_layers=2 .* 5.0e-401/" "$dir/deep.txt" &&
    grep -q "^cell=lstm,num_layers=2 .*  1/2 0.09-0.91 " "$dir/deep.txt" &&
    grep -q '^"cell=lstm,num_layers=2",\([^,]*,\)\{6\}0.5,1,0.0945' "$dir/deep.csv" &&
    grep -q '^"cell=lstm,num_layers=2",.*,5.01187234e-401,' "$dir/deep.csv" &&
    ok "a vanishing ratio past float64's range: 5.0e-401" || { bad "a ratio past float64's range"; cat "$dir/deep.txt" "$dir/deep.csv"; }

# plot: grad_depth_time for the two-layer runs only, K rows each
"$bin" plot "$f" -o "$dir/f3" --format png,svg >"$dir/f3.out" 2>&1 &&
    [ -s "$dir/f3/grad_depth_time-num_layers=2.png" ] && [ ! -e "$dir/f3/grad_depth_time-num_layers=1.png" ] &&
    grep -q "grad_depth_time-num_layers=1: skipped (no run with two or more layers)" "$dir/f3.out" &&
    "$py" "$here/plot_check.py" "$f" "$dir/f3" grad_through_time,grad_heatmap,grad_depth_time,training_curves,grad_norm,w_hh_spectrum >"$dir/f3.check" &&
    ok "schema 3: plot, grad_depth_time with every layer ($(tail -1 "$dir/f3.check"))" ||
    { bad "schema 3: plot"; cat "$dir/f3.out" "$dir/f3.check"; }
s=grad_depth_time-num_layers=2
rm -f "$dir/f3/$s.png" "$dir/f3/$s.svg"
(cd "$dir/f3" && gnuplot "$s.gp") && [ -s "$dir/f3/$s.png" ] && [ -s "$dir/f3/$s.svg" ] && ok "gnuplot $s.gp redraws it" ||
    bad "gnuplot $s.gp did not redraw it"
"$bin" plot "$f" -o "$dir/f3all" --format png --layer all --quiet 2>"$dir/f3all.err" &&
    [ "$(figures "$dir/f3all" | tr ' ' '\n' | grep -c '_l1-num_layers=2')" -eq 3 ] &&
    [ "$(figures "$dir/f3all" | tr ' ' '\n' | grep -c '_l0-num_layers=')" -eq 6 ] &&
    [ "$(figures "$dir/f3all" | tr ' ' '\n' | grep -c '_l1-num_layers=1')" -eq 0 ] &&
    "$py" "$here/plot_check.py" "$f" "$dir/f3all" grad_through_time,grad_heatmap,grad_depth_time,training_curves,grad_norm,w_hh_spectrum >"$dir/f3all.check" &&
    ok "--layer all: a figure per layer of each run" || { bad "--layer all: $(figures "$dir/f3all")"; cat "$dir/f3all.err" "$dir/f3all.check"; }
"$bin" plot "$f" -o "$dir/f3l1" --format png --layer 1 >"$dir/f3l1.out" 2>&1 &&
    [ -s "$dir/f3l1/grad_through_time_l1-num_layers=2.png" ] && [ ! -e "$dir/f3l1/grad_through_time_l1-num_layers=1.png" ] &&
    grep -q "grad_through_time_l1-num_layers=1: skipped (no run with a layer 1)" "$dir/f3l1.out" &&
    "$py" "$here/plot_check.py" "$f" "$dir/f3l1" grad_through_time,grad_heatmap,grad_depth_time,training_curves,grad_norm,w_hh_spectrum >"$dir/f3l1.check" &&
    ok "--layer 1: the two-layer runs' top layer, as _l1" || { bad "--layer 1"; cat "$dir/f3l1.out" "$dir/f3l1.check"; }
"$bin" plot "$f" -o "$dir/f3l2" --format png --layer 2 >"$dir/f3l2.out" 2>"$dir/f3l2.err"
rc=$?
[ $rc -eq 2 ] && [ "$(wc -l <"$dir/f3l2.err")" -eq 1 ] && grep -q -- "--layer 2: the runs have at most 2 layers" "$dir/f3l2.err" &&
    [ ! -e "$dir/f3l2" ] && ok "--layer 2: refused ($(cat "$dir/f3l2.err"))" || { bad "--layer 2: exit $rc"; cat "$dir/f3l2.err"; }

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
