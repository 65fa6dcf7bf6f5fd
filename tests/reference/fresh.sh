#!/bin/bash
# fresh.sh RNNBENCH COMPARE WORKDIR
# Cases the engine has never seen: new fixtures from PyTorch with a seed
# drawn now (printed, so a failure can be reproduced), each checked as the
# committed ones are. Skipped (exit 77) where Debian's python3-torch is absent.
set -u
bin=$1 compare=$2 dir=$3
py=/usr/bin/python3
"$py" -c 'import torch, h5py, numpy' 2>/dev/null || { echo "python3-torch/h5py/numpy missing: skipped"; exit 77; }
# CI gets one fixed seed (a set that is in no commit, the same each run), so
# that its verdict does not change from one run to the next; elsewhere a
# seed drawn now.
if [ -n "${RNNBENCH_FRESH_SEED:-}" ]; then
    seed=$RNNBENCH_FRESH_SEED
elif [ -n "${CI:-}" ]; then
    seed=20261127
else
    seed=$(date +%s)
fi
echo "fresh fixtures, seed $seed"
rm -rf "$dir" && mkdir -p "$dir"
"$py" "$(dirname "$0")/gen_fixtures.py" --seed "$seed" --out "$dir" >"$dir/gen.log" 2>&1 || {
    cat "$dir/gen.log"; echo "0 passed, 1 failed"; exit 1; }
passed=0 failed=0
for case in "$dir"/case_*.h5; do
    name=$(basename "$case" .h5)
    if "$bin" grad "$case" "$dir/$name.out.h5" && "$compare" "$dir/$name.out.h5" "$case" 1e-4 >"$dir/$name.cmp"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1)); echo "FAIL $name (seed $seed):"; cat "$dir/$name.cmp"
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
