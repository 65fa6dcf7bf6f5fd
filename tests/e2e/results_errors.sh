#!/bin/bash
# results_errors.sh RNNBENCH EXPERIMENTS_DIR WORKDIR
# The one reader of the results schema (src/harness/results_read.c):
#   defects    copies of a small results file, each with one defect made by
#              h5py (results_break.py); `summary` and `plot` both refuse it
#              with exit 2 and one line naming the file, the run and the
#              dataset or attribute; plot leaves its folder as it was
#              (among them schema 3's: a dh_norm without its layer axis,
#              num_layers missing, grad_norm_tensor's shape or names off)
#   varlen     with variable_length, summary's vanishing ratio is a number
#              (the first finite column of a row that begins with NaN)
#   gnuplot    gnuplot failing on the third figure: exit 1, and the output
#              folder as it was before (no figure of the run, no temporary
#              folder; a folder plot made is gone)
set -u
bin=$1 exps=$2 dir=$3
here=$(dirname "$0")
py=/usr/bin/python3
rm -rf "$dir" && mkdir -p "$dir"
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok: $1"; }
bad() { failed=$((failed + 1)); echo "FAIL: $1"; }

"$bin" run "$exps/results_small.ini" -o "$dir/good.h5" --quiet || { echo "FAIL the sweep"; exit 1; }
"$bin" summary "$dir/good.h5" >/dev/null && ok "the good file's summary" || bad "the good file's summary"

# refused CMD LOG PATTERN: exit 2 and one line on stderr holding PATTERN
refused() {
    local cmd=$1 log=$2 pattern=$3 rc=$4
    if [ "$rc" -eq 2 ] && [ "$(wc -l <"$log")" -eq 1 ] && grep -qF -- "$pattern" "$log"; then
        return 0
    fi
    echo "  $cmd: exit $rc, want 2 and one line with: $pattern"
    sed 's/^/  | /' "$log" | head -5
    return 1
}

# defect NAME PATTERN: the copy with defect NAME (in run cell=lstm) is
# refused by summary and plot; plot's folder, there before, stays empty
defect() {
    local name=$1 pattern="$dir/bad_$1.h5: $2" f="$dir/bad_$1.h5" out="$dir/figs_$1" good=1 rc
    "$py" "$here/results_break.py" "$dir/good.h5" "$f" "$name" cell=lstm || { bad "$name: results_break.py"; return; }
    "$bin" summary "$f" >/dev/null 2>"$dir/$name.sum.err"
    rc=$?
    refused summary "$dir/$name.sum.err" "$pattern" $rc || good=0
    mkdir "$out"
    "$bin" plot "$f" -o "$out" --format png --quiet >/dev/null 2>"$dir/$name.plot.err"
    rc=$?
    refused plot "$dir/$name.plot.err" "$pattern" $rc || good=0
    if [ -n "$(ls -A "$out")" ]; then
        echo "  plot left in $out: $(ls -A "$out" | tr '\n' ' ')"
        good=0
    fi
    [ $good -eq 1 ] && ok "$name: refused ($(cat "$dir/$name.sum.err"))" || bad "$name"
}
# the run's lengths: 12 steps, 4 logged, one layer, adding at T = 6 is 6
# long; an lstm has 6 parameter tensors (4 of its layer, 2 of the readout)
defect rows "run 'cell=lstm': dh_norm has 6 rows, log_step 4"
defect int_dh "run 'cell=lstm': dh_norm is integer, expected floating-point [n_logged, num_layers, seq_total]"
defect flat_dh "run 'cell=lstm': dh_norm has rank 1, expected [n_logged, num_layers, seq_total]"
defect cols "run 'cell=lstm': dh_norm has 5 columns, seq_total 6"
defect rank2_dh "run 'cell=lstm': dh_norm has rank 2, expected [n_logged, num_layers, seq_total]"
defect layers_dh "run 'cell=lstm': dh_norm has 2 layers, num_layers 1"
defect no_layers "run 'cell=lstm': attribute num_layers is missing"
defect tensor_rows "run 'cell=lstm': grad_norm_tensor has 11 rows, steps_done 12"
defect tensor_cols "run 'cell=lstm': grad_norm_tensor has 5 columns, its attribute names 6"
defect no_names "run 'cell=lstm': grad_norm_tensor has no attribute names"
defect int_names "run 'cell=lstm': grad_norm_tensor's attribute 'names' is not a 1-D list of strings"
defect no_tensor "run 'cell=lstm': dataset grad_norm_tensor is missing"
defect grad_len "run 'cell=lstm': grad_norm has 11 values, steps_done 12"
defect log_order "run 'cell=lstm': log_step is not increasing: log_step[2] is 4 after 8"
defect cell "run 'cell=lstm': cell 'lstm_nonesuch' is not one this rnnbench knows"
defect schema "schema_version is 99; this rnnbench reads results files of schema 1 to"
defect schema4 "schema_version is 4; this rnnbench reads results files of schema 1 to 3"
defect missing "run 'cell=lstm': dataset eval_loss is missing"

# varlen: the ratio from the first finite column, as numpy computes it
"$bin" run "$exps/results_varlen.ini" -o "$dir/varlen.h5" --quiet &&
    "$bin" summary "$dir/varlen.h5" --csv >"$dir/varlen.csv" 2>&1 &&
    "$py" - "$dir/varlen.h5" "$dir/varlen.csv" <<'PY' && ok "variable_length: a finite vanishing ratio" ||
import csv, sys
import h5py, numpy as np
f = h5py.File(sys.argv[1])
row = next(csv.DictReader(open(sys.argv[2])))
def ratio(r):
    return r[np.isfinite(r)][0] / r[-1]
dh = [g["dh_norm"][()][:, -1, :] for g in f["runs"].values()]   # the top layer: [n_logged, L]
assert any(np.isnan(d[0, 0]) for d in dh) and any(np.isnan(d[-1, 0]) for d in dh), "no row begins with NaN"
for col, i in (("vanish_first", 0), ("vanish_last", -1)):
    want, got = np.median([ratio(d[i]) for d in dh]), float(row[col])
    assert np.isfinite(got) and abs(got - want) <= 1e-8 * abs(want), (col, got, want)
PY
    { bad "variable_length: vanishing ratio"; cat "$dir/varlen.csv"; }

# gnuplot: a fake one that "draws" (an empty image) until the third figure
mkdir -p "$dir/fakebin"
cat >"$dir/fakebin/gnuplot" <<'SH'
#!/bin/sh
case "$1" in training_curves*) echo "fake gnuplot: \"$1\" line 9: broken" >&2; exit 1 ;; esac
: >"${1%.gp}.png"
SH
chmod +x "$dir/fakebin/gnuplot"
PATH="$dir/fakebin:$PATH" "$bin" plot "$dir/good.h5" -o "$dir/gp_new" --format png --quiet 2>"$dir/gp_new.err"
rc=$?
if [ $rc -eq 1 ] && [ "$(wc -l <"$dir/gp_new.err")" -eq 1 ] && grep -q "gnuplot failed on.*training_curves" "$dir/gp_new.err" &&
   [ ! -e "$dir/gp_new" ]; then
    ok "gnuplot fails: exit 1, the folder plot made is gone"
else
    bad "gnuplot fails (exit $rc): $(cat "$dir/gp_new.err"); left: $(ls -A "$dir/gp_new" 2>/dev/null | tr '\n' ' ')"
fi
mkdir "$dir/gp_old" && echo "an earlier figure" >"$dir/gp_old/grad_through_time.tsv"
PATH="$dir/fakebin:$PATH" "$bin" plot "$dir/good.h5" -o "$dir/gp_old" --format png --quiet 2>"$dir/gp_old.err"
rc=$?
if [ $rc -eq 1 ] && [ "$(ls -A "$dir/gp_old")" = grad_through_time.tsv ] &&
   [ "$(cat "$dir/gp_old/grad_through_time.tsv")" = "an earlier figure" ]; then
    ok "gnuplot fails: an existing folder is as it was"
else
    bad "gnuplot fails in an existing folder (exit $rc): left $(ls -A "$dir/gp_old" | tr '\n' ' ')"
fi
# and when all succeed, the figures are in the folder and nothing else is
"$bin" plot "$dir/good.h5" -o "$dir/figs_good" --format png --quiet 2>"$dir/good.err" &&
    [ "$(ls -A "$dir/figs_good" | grep -c '^\.')" -eq 0 ] && [ "$(ls "$dir/figs_good"/*.png | wc -l)" -eq 5 ] &&
    ok "the good file's figures, no temporary folder left" || { bad "the good file's plot"; cat "$dir/good.err"; }

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
