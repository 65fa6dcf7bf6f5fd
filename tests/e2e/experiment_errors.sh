#!/bin/bash
# experiment_errors.sh RNNBENCH WORKDIR
# Each kind of bad experiment file: exit status 2, one line on stderr
# "FILE:LINE: problem" at the right line, and nothing written.
set -u
bin=$1 dir=$2
rm -rf "$dir" && mkdir -p "$dir"
passed=0 failed=0

# case NAME LINE PATTERN <<< FILE TEXT
case_() {
    local name=$1 line=$2 pattern=$3 ini="$dir/$1.ini" out="$dir/$1.h5"
    cat >"$ini"
    "$bin" run "$ini" -o "$out" --quiet >/dev/null 2>"$dir/$name.err"
    local rc=$?
    if [ $rc -eq 2 ] && [ "$(wc -l <"$dir/$name.err")" -eq 1 ] &&
       grep -q -- "^rnnbench run: $ini:$line: .*$pattern" "$dir/$name.err" &&
       [ ! -e "$out" ] && [ ! -e "$out.parts" ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL $name: exit $rc, want 2 and '$ini:$line: ...$pattern':"
        sed 's/^/    /' "$dir/$name.err"
    fi
}

case_ unknown_section 3 "unknown section \[trian\]" <<'INI'
[model]
cell = lstm
[trian]
steps = 3
INI
case_ unknown_key 3 "unknown key 'hiden' in \[model\]" <<'INI'
[model]
cell = lstm
hiden = 4
INI
case_ wrong_section 2 "key 'lr' belongs in \[train\], not \[model\]" <<'INI'
[model]
lr = 0.1
INI
case_ bad_value 4 "hidden: '12x' is not an integer" <<'INI'
# a comment
[model]
cell = lstm
hidden = 8, 12x
INI
case_ empty_grid 2 "cell: empty list" <<'INI'
[model]
cell =
INI
case_ unknown_cell 2 "cell: unknown cell 'lstmm'" <<'INI'
[model]
cell = lstm, lstmm
INI
case_ bad_clip 3 "clip: .*needs a positive threshold" <<'INI'
[train]
steps = 5
clip = none, norm
INI
case_ bad_optimizer 2 "unknown optimizer 'lbfgs'" <<'INI'
[train]
optimizer = lbfgs
INI
case_ combination 5 "run cell=gru: forget_bias: cell 'gru' has no forget gate" <<'INI'
[model]
cell = lstm, gru
hidden = 8

forget_bias = 1
INI
case_ duplicate 3 "key 'hidden' is given twice" <<'INI'
[model]
hidden = 8
hidden = 16
INI
case_ bad_range 2 "seed: bad range '5-1'" <<'INI'
[train]
seed = 5-1
INI
case_ not_ini 3 "not a line of an INI file" <<'INI'
[train]
steps = 4
this is not a key
INI
case_ same_values 3 "lr: '1e-3' and '0.001' are the same value" <<'INI'
[train]
seed = 1-3
lr = 1e-3, 0.001
INI
case_ experiment_key 2 "unknown key 'nmae' in \[experiment\]" <<'INI'
[experiment]
nmae = x
INI

"$bin" run "$dir/missing.ini" -o "$dir/missing.h5" 2>"$dir/missing.err"
rc=$?
if [ $rc -eq 2 ] && grep -q "missing.ini: cannot open" "$dir/missing.err" && [ ! -e "$dir/missing.h5" ]; then
    passed=$((passed + 1))
else
    failed=$((failed + 1)); echo "FAIL missing file: exit $rc"; cat "$dir/missing.err"
fi
printf "[train]\nsteps = 2\n" >"$dir/good.ini"
"$bin" run "$dir/good.ini" -o "$dir/no/such/folder/x.h5" 2>"$dir/folder.err"
rc=$?
if [ $rc -eq 2 ] && grep -q "cannot make the folder" "$dir/folder.err"; then
    passed=$((passed + 1))
else
    failed=$((failed + 1)); echo "FAIL an output folder that is not there: exit $rc"; cat "$dir/folder.err"
fi
for bad in "--threads 0" "--resume --force" "--frobnicate"; do
    "$bin" run "$dir/bad_value.ini" $bad 2>"$dir/flag.err" >/dev/null
    rc=$?
    if [ $rc -eq 2 ] && [ "$(wc -l <"$dir/flag.err")" -eq 1 ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1)); echo "FAIL flags '$bad': exit $rc"; cat "$dir/flag.err"
    fi
done
case_ together_lengths 2 "together: cell has 2 values, init has 1" <<'INI'
[experiment]
together = cell+init
[model]
cell = lstm, gru
init = uniform
INI
case_ together_unknown 2 "together: unknown key 'cel'" <<'INI'
[experiment]
together = cel+init
INI
case_ together_alone 2 "together: 'cell' is not two or more keys" <<'INI'
[experiment]
together = cell
INI
case_ together_no_list 2 "together: key 'init' has no list in the file" <<'INI'
[experiment]
together = cell+init
[model]
cell = lstm, gru
INI
case_ together_same_point 2 "together: places 1 and 3 of the lists are the same grid point" <<'INI'
[experiment]
together = cell+init
[model]
cell = lstm, gru, lstm
init = uniform, uniform, uniform
INI
"$bin" summary "$dir/bad_value.ini" 2>"$dir/sum.err"
rc=$?
[ $rc -eq 2 ] && grep -q "not an HDF5 file" "$dir/sum.err" && passed=$((passed + 1)) ||
    { failed=$((failed + 1)); echo "FAIL summary of a non-HDF5 file: exit $rc"; cat "$dir/sum.err"; }

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
