#!/bin/bash
# plot.sh RNNBENCH EXPERIMENTS WORKDIR
# rnnbench plot on a small results file: every figure as a valid PNG and
# SVG with its TSV and script beside it, the TSV values equal to the HDF5
# ones (plot_check.py), a script that redraws its figure without rnnbench,
# --runs, and the bad inputs (exit 2, one line, nothing written).
set -u
bin=$1 exps=$2 dir=$3 here=$(dirname "$0")
rm -rf "$dir" && mkdir -p "$dir"
passed=0 failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

"$bin" run "$exps/plot.ini" -o "$dir/plotcheck.h5" --quiet || { echo "FAIL the sweep"; exit 1; }
"$bin" plot "$dir/plotcheck.h5" -o "$dir/figs" --format png,svg >"$dir/plot.out" 2>&1
rc=$?
[ $rc -eq 0 ] && ok || { fail "plot: exit $rc"; cat "$dir/plot.out"; }

# 5 figures at each of the 2 lengths, and one length sweep
stems=$(cd "$dir/figs" && ls *.gp | sed 's/\.gp$//')
[ "$(echo "$stems" | wc -l)" -eq 11 ] && ok || fail "11 figures expected, got: $stems"
for s in $stems; do
    f="$dir/figs/$s"
    [ -s "$f.tsv" ] && head -1 "$f.tsv" | grep -q $'\t' && ok || fail "$s.tsv: missing or no header"
    [ "$(head -c 8 "$f.png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] && ok || fail "$s.png is not a PNG"
    /usr/bin/python3 -c "import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); sys.exit(not r.tag.endswith('svg'))" "$f.svg" \
        && ok || fail "$s.svg is not an SVG document"
    [ ! -e "$f.pdf" ] && ok || fail "$s.pdf made though not asked for"
    grep -q "^data = \"$s.tsv\"" "$f.gp" && grep -q "plots/style.gp" "$f.gp" && ok || fail "$s.gp: no data or style"
done
/usr/bin/python3 "$here/plot_check.py" "$dir/plotcheck.h5" "$dir/figs" && ok || fail "TSV values differ from the HDF5 ones"

# the script alone redraws the figure
s=grad_through_time-seq_len=20
rm -f "$dir/figs/$s.png" "$dir/figs/$s.svg"
(cd "$dir/figs" && gnuplot "$s.gp") && [ -s "$dir/figs/$s.png" ] && [ -s "$dir/figs/$s.svg" ] && ok ||
    fail "gnuplot $s.gp did not redraw it"

# --runs: only lstm at T = 10; no length sweep then
"$bin" plot "$dir/plotcheck.h5" -o "$dir/lstm" --format png --runs 'cell=lstm,seq_len=10' >"$dir/lstm.out" 2>&1 &&
    [ "$(ls "$dir/lstm"/*.png | wc -l)" -eq 5 ] && ! cut -f2 "$dir/lstm"/grad_norm.tsv | grep -q rnn_tanh &&
    grep -q "length_sweep: skipped" "$dir/lstm.out" && ok || { fail "--runs cell=lstm,seq_len=10"; cat "$dir/lstm.out"; }
"$bin" plot "$dir/plotcheck.h5" -o "$dir/both" --format png --runs 'cell=lstm|rnn_tanh,lr=1e-1' --quiet &&
    [ "$(ls "$dir/both"/*.png | wc -l)" -eq 11 ] && ok || fail "--runs with alternatives and a number written otherwise"
# --layer on one-layer runs: 0 is their top (STEM_l0 for the 3 per-layer
# figures at each of the 2 lengths), 1 no run has
"$bin" plot "$dir/plotcheck.h5" -o "$dir/l0" --format png --layer 0 --quiet &&
    [ "$(ls "$dir/l0"/*.png | wc -l)" -eq 11 ] && [ "$(ls "$dir/l0"/*_l0-*.png | wc -l)" -eq 6 ] &&
    /usr/bin/python3 "$here/plot_check.py" "$dir/plotcheck.h5" "$dir/l0" >"$dir/l0.check" &&
    ok || { fail "--layer 0: $(ls "$dir/l0" 2>&1 | tr '\n' ' ')"; cat "$dir/l0.check"; }

# --panel seq_len: the lag joins the clip mode as a panel (clip none and
# norm:0.5 at T = 10 and 20), and makes no figures of its own: 6 figures
"$bin" plot "$dir/plotcheck.h5" -o "$dir/panel" --format png --panel seq_len --quiet &&
    [ "$(ls "$dir/panel"/*.png | wc -l)" -eq 6 ] &&
    [ "$(cut -f3 "$dir/panel/grad_norm.tsv" | sed 1d | sort -u | tr '\n' ' ')" = "none,seq_len=10 none,seq_len=20 norm:0.5,seq_len=10 norm:0.5,seq_len=20 " ] &&
    ok || fail "--panel seq_len: $(ls "$dir/panel" 2>&1 | tr '\n' ' ')"

# results files of schemas 1 and 2, and of several layers: results_schemas.sh

# bad input: exit 2, one line naming the problem, no output folder
bad() {
    local name=$1 pattern=$2; shift 2
    "$@" >"$dir/$name.out" 2>"$dir/$name.err"
    local rc=$?
    if [ $rc -eq 2 ] && [ "$(wc -l <"$dir/$name.err")" -eq 1 ] && grep -q -- "$pattern" "$dir/$name.err" &&
       [ ! -e "$dir/out_$name" ]; then
        ok
    else
        fail "$name: exit $rc, want 2 and '$pattern':"; cat "$dir/$name.err"
    fi
}
printf 'not hdf5\n' >"$dir/text.h5"
/usr/bin/python3 -c "import h5py, sys; h5py.File(sys.argv[1], 'w').close()" "$dir/empty.h5"
/usr/bin/python3 -c "import h5py, sys; f = h5py.File(sys.argv[1], 'w'); f['x'] = [1.0, 2.0]; f.close()" "$dir/foreign.h5"
bad no_gnuplot "gnuplot is not on PATH" env PATH=/nonexistent "$bin" plot "$dir/plotcheck.h5" -o "$dir/out_no_gnuplot"
bad text "text.h5" "$bin" plot "$dir/text.h5" -o "$dir/out_text"
bad empty "empty.h5: not an rnnbench results file" "$bin" plot "$dir/empty.h5" -o "$dir/out_empty"
bad foreign "foreign.h5: not an rnnbench results file" "$bin" plot "$dir/foreign.h5" -o "$dir/out_foreign"
bad missing "nothere.h5" "$bin" plot "$dir/nothere.h5" -o "$dir/out_missing"
bad no_match "no run matches --runs 'cell=gru'" "$bin" plot "$dir/plotcheck.h5" -o "$dir/out_no_match" --runs cell=gru
bad bad_key "unknown key 'cel'" "$bin" plot "$dir/plotcheck.h5" -o "$dir/out_bad_key" --runs cel=lstm
bad bad_value "seq_len" "$bin" plot "$dir/plotcheck.h5" -o "$dir/out_bad_value" --runs seq_len=ten
bad bad_format "'jpg' is not png, svg or pdf" "$bin" plot "$dir/plotcheck.h5" -o "$dir/out_bad_format" --format png,jpg
bad no_parent "cannot make the folder" "$bin" plot "$dir/plotcheck.h5" -o "$dir/out_no_parent/sub"
bad two_files "expected one RESULTS.h5" "$bin" plot "$dir/plotcheck.h5" "$dir/plotcheck.h5" -o "$dir/out_two_files"
bad no_layer "--layer 1: every run has one layer (0)" "$bin" plot "$dir/plotcheck.h5" -o "$dir/out_no_layer" --layer 1
bad bad_layer "--layer: 'bottom' is not a layer" "$bin" plot "$dir/plotcheck.h5" -o "$dir/out_bad_layer" --layer bottom
bad bad_panel "--panel: 'omgea' is not a key" "$bin" plot "$dir/plotcheck.h5" -o "$dir/out_bad_panel" --panel omgea
bad panel_clip "--panel: 'clip' is drawn already" "$bin" plot "$dir/plotcheck.h5" -o "$dir/out_panel_clip" --panel clip

# every cell of the registry has its own colour in plots/style.gp
names=$(sed -n 's/^cell_names *= *"\(.*\)"/\1/p' "$here/../../plots/style.gp")
colors=$(sed -n 's/^cell_colors *= *"\(.*\)"/\1/p' "$here/../../plots/style.gp")
[ "$(echo $names | wc -w)" -eq "$(echo $colors | wc -w)" ] && ok || fail "style.gp: $(echo $names | wc -w) cells, $(echo $colors | wc -w) colours"
for c in $("$bin" list | sed -n '/^cells/,/^$/p' | awk '/^  [a-z]/ {print $1}'); do
    echo " $names " | grep -q " $c " && ok || fail "style.gp gives cell $c no colour"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
