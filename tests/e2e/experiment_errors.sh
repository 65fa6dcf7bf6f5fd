#!/bin/bash
# experiment_errors.sh RNNBENCH WORKDIR
# Each kind of bad experiment file: exit status 2, one line on stderr
# "FILE:LINE: problem" at the right line ("FILE: problem" when the file as
# a whole is at fault), and nothing written.
set -u
bin=$1 dir=$2
rm -rf "$dir" && mkdir -p "$dir"
passed=0 failed=0

# refused NAME PATH WHERE PATTERN: `run PATH` exits 2 with one line
# "PATH:WHERE: ...PATTERN" ("PATH: ...PATTERN" for an empty WHERE) and
# writes nothing.
refused() {
    local name=$1 ini=$2 where=${3:+$3:} pattern=$4 out="$dir/$1.h5"
    timeout 60 "$bin" run "$ini" -o "$out" --quiet >/dev/null 2>"$dir/$name.err"
    local rc=$?
    if [ $rc -eq 2 ] && [ "$(wc -l <"$dir/$name.err")" -eq 1 ] &&
       grep -q -- "^rnnbench run: $ini:$where .*$pattern" "$dir/$name.err" &&
       [ ! -e "$out" ] && [ ! -e "$out.parts" ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL $name: exit $rc, want 2 and '$ini:$where ...$pattern':"
        sed 's/^/    /' "$dir/$name.err"
    fi
}

# case NAME LINE PATTERN <<< FILE TEXT (LINE empty: the file as a whole)
case_() {
    cat >"$dir/$1.ini"
    refused "$1" "$dir/$1.ini" "$2" "$3"
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
case_ exprnn_init 4 "run cell=exprnn: init: cell 'exprnn' is reparametrised through exp" <<'INI'
[model]
cell = lstm, exprnn
hidden = 8
init = uniform
INI
case_ omega_cell 2 "run cell=lstm: cell: 'lstm' takes no omega" <<'INI'
[model]
cell = lstm, rnn_tanh
[train]
omega = 2
INI
case_ skew_init 2 "run cell=lstm: cell: 'lstm' takes no init henaff" <<'INI'
[model]
cell = lstm, exprnn
init = henaff
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

# ---- what is read: a folder, a read error, no keys, BOM, CRLF, long lines
mkdir -p "$dir/folder.ini"
refused folder "$dir/folder.ini" "" "is a folder, not an experiment file"
refused read_error /proc/self/mem "" "cannot read: Input/output error"
case_ empty "" "no keys: nothing to run" </dev/null
case_ comments_only "" "no keys: nothing to run" <<'INI'
# nothing but
; comments
INI
case_ headers_only "" "no keys: nothing to run" <<'INI'
[model]

[train]
INI
case_ bom 3 "unknown key 'hiden' in \[model\]" < <(printf '\xef\xbb\xbf# a comment: with = signs\n[model]\nhiden = 4\n')
case_ crlf 3 "unknown key 'hiden' in \[model\]" < <(printf '[model]\r\ncell = lstm\r\nhiden = 4\r\n')
long=$(printf '%0300d' 0)
case_ after_long_line 5 "lr: 0 is not positive" < <(printf '[experiment]\ndescription = %s\n[train]\nsteps = 2\nlr = 0\n' "$long")
case_ after_long_list 3 "lr: 0 is not positive" < <(printf '[train]\nseed = %s\nlr = 0\n' "$(seq -s ', ' 1 120)")
case_ description_too_long 2 "description: longer than 511 characters" < <(printf '[experiment]\ndescription = %0600d\n' 0)
case_ name_twice 3 "key 'name' is given twice" <<'INI'
[experiment]
name = a
name = b
INI

# ---- continuation lines append; a real duplicate is still refused
case_ after_continuation 4 "lr: 0 is not positive" <<'INI'
[train]
seed = 1, 2,
    3
lr = 0
INI
case_ continued_list_value 2 "seed: '2 3' is not a non-negative integer" <<'INI'
[train]
seed = 1, 2
    3
INI
case_ indented_bracket 2 "cell: unknown cell 'lstm \[bogus\]'" <<'INI'
[model]
cell = lstm
    [bogus]
INI
case_ indented_after_header 4 "key 'hidden' is given twice" <<'INI'
[model]
hidden = 8
[model]
    hidden = 16
INI

# ---- a run that cannot fit in memory: refused at the key, nothing made
# (hidden = 65536 needs about 326 GiB, 1e12 steps about 90 TiB)
case_ hidden_memory 3 "the run needs [0-9.]* GiB (.*), more than the [0-9.]* GiB of memory available" <<'INI'
[model]
cell = lstm
hidden = 65536
INI
case_ steps_memory 4 "run hidden=8 needs [0-9.]* GiB (.*), more than the [0-9.]* GiB of memory available" <<'INI'
[model]
hidden = 8, 16
[train]
steps = 1000000000000
INI
timeout 60 "$bin" train --hidden 65536 >/dev/null 2>"$dir/train_memory.err"
rc=$?
if [ $rc -eq 2 ] && [ "$(wc -l <"$dir/train_memory.err")" -eq 1 ] &&
   grep -q "^rnnbench train: --hidden: the run needs .* GiB of memory available" "$dir/train_memory.err"; then
    passed=$((passed + 1))
else
    failed=$((failed + 1)); echo "FAIL train --hidden 65536: exit $rc"; cat "$dir/train_memory.err"
fi

"$bin" summary "$dir/bad_value.ini" 2>"$dir/sum.err"
rc=$?
[ $rc -eq 2 ] && grep -q "not an HDF5 file" "$dir/sum.err" && passed=$((passed + 1)) ||
    { failed=$((failed + 1)); echo "FAIL summary of a non-HDF5 file: exit $rc"; cat "$dir/sum.err"; }

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
