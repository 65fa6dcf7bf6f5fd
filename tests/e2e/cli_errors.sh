#!/bin/bash
# cli_errors.sh RNNBENCH MAKE_GRAD_INPUTS WORKDIR
# Bad input and bad usage: exit status 2, exactly one line on stderr that
# names the file, dataset or option at fault, and no output file left.
set -u
bin=$1 make_inputs=$2 dir=$3
rm -rf "$dir" && mkdir -p "$dir" && "$make_inputs" "$dir" || exit 1
passed=0 failed=0

# expect STATUS PATTERN OUTFILE -- COMMAND...
expect() {
    local want=$1 pattern=$2 out=$3; shift 4
    rm -f "$out"
    "$@" >"$dir/stdout" 2>"$dir/stderr"
    local rc=$? lines
    lines=$(wc -l <"$dir/stderr")
    if [ "$rc" -eq "$want" ] && { [ -z "$pattern" ] || grep -q -- "$pattern" "$dir/stderr"; } &&
       { [ "$want" -eq 0 ] || [ "$lines" -eq 1 ]; } &&
       { [ "$want" -eq 0 ] || [ ! -e "$out" ]; } &&
       ! ls "$dir"/*.tmp.* >/dev/null 2>&1; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $* -> exit $rc (want $want), $lines stderr lines, want /$pattern/:"
        sed 's/^/    /' "$dir/stderr"
        [ -e "$out" ] && echo "    and $out was left behind"
    fi
}

out=$dir/out.h5
expect 0 "" "$out" -- "$bin" grad "$dir/good.h5" "$out"
[ -s "$out" ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: good input wrote no output"; }
expect 2 "not_hdf5.h5: not an HDF5 file" "$out" -- "$bin" grad "$dir/not_hdf5.h5" "$out"
expect 2 "missing.h5: cannot open" "$out" -- "$bin" grad "$dir/missing.h5" "$out"
expect 2 "no_dy.h5: dataset 'dy' is missing" "$out" -- "$bin" grad "$dir/no_dy.h5" "$out"
expect 2 "bad_shape.h5: dataset 'weight_hh_l0' has shape \[12,4\], expected \[12,3\]" "$out" -- "$bin" grad "$dir/bad_shape.h5" "$out"
expect 2 "bad_cell.h5: unknown cell 'transformer'" "$out" -- "$bin" grad "$dir/bad_cell.h5" "$out"
expect 2 "no_cell.h5: root attribute 'cell' is missing" "$out" -- "$bin" grad "$dir/no_cell.h5" "$out"
expect 2 "int_x.h5: dataset 'x' is integer" "$out" -- "$bin" grad "$dir/int_x.h5" "$out"
expect 2 "t_mismatch.h5: dataset 'dy' has shape \[4,2,3\], expected \[3,2,3\]" "$out" -- "$bin" grad "$dir/t_mismatch.h5" "$out"
expect 2 "bad_h0.h5: dataset 'h0' has shape" "$out" -- "$bin" grad "$dir/bad_h0.h5" "$out"
expect 2 "expected IN.h5 OUT.h5" "$out" -- "$bin" grad "$dir/good.h5"
expect 1 "out.h5: cannot write: No such file or directory" "$out" -- "$bin" grad "$dir/good.h5" "$dir/no/such/dir/out.h5"

# train: usage errors, each caught before any training
expect 2 "unknown option --hiden" "$out" -- "$bin" train --hiden 4
expect 2 "hidden: '4x' is not an integer" "$out" -- "$bin" train --hidden 4x
expect 2 "option --lr needs a value" "$out" -- "$bin" train --lr
expect 2 "cell: unknown cell 'lstmm'" "$out" -- "$bin" train --cell lstmm
expect 2 "clip: .*needs a positive threshold" "$out" -- "$bin" train --clip norm
expect 2 "unexpected argument 'extra'" "$out" -- "$bin" train extra
expect 2 "forget_bias: cell 'gru' has no forget gate" "$out" -- "$bin" train --cell gru --forget-bias 1
expect 2 "train_set: 5 sequences are fewer than a batch (20)" "$out" -- "$bin" train --task copy --train-set 5
expect 2 "train_set: -1 is not a count of sequences" "$out" -- "$bin" train --train-set -1
expect 2 "train_set: task smnist trains on its dataset" "$out" -- "$bin" train --task smnist --train-set 100
expect 2 "train_set: a fixed set has one lag; seq_len_min draws it" "$out" -- "$bin" train --seq-len-min 50 --train-set 100
expect 2 "--norms: cannot write" "$dir/no/such/norms.tsv" -- "$bin" train --norms "$dir/no/such/norms.tsv"
expect 2 "unknown command 'trian'" "$out" -- "$bin" trian
expect 0 "" "$out" -- "$bin" train --help
expect 0 "" "$out" -- "$bin" grad --help
expect 0 "" "$out" -- "$bin" list --help

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
