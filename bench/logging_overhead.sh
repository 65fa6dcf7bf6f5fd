#!/bin/bash
# logging_overhead.sh [RNNBENCH] - what recording costs a run.
# One run (lstm on copy, T=100, batch 20, hidden 64, 2000 steps, 1 thread)
# with log_every = 2000 (only the first and the last step logged) against
# log_every = 25 (the default), 10 and 1: best wall time of 3 each.
# Every step's series (loss, metric, both gradient norms) and the per-step
# norms computed in the backward pass are there in all three; what differs
# is how many rows of ||dL/dh_t|| are kept and how many held-out evaluations
# (one forward pass of one batch each) are made.
set -eu
bin=${1:-build/rnnbench}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
best() {
    local every=$1 best=
    for i in 1 2 3; do
        cat >"$dir/x.ini" <<INI
[task]
task = copy
seq_len = 100
[model]
cell = lstm
hidden = 64
[train]
batch = 20
steps = 2000
[log]
log_every = $every
INI
        local t0 t1
        t0=$(date +%s.%N)
        "$bin" run "$dir/x.ini" -o "$dir/x.h5" --threads 1 --force --quiet
        t1=$(date +%s.%N)
        best=$(echo "$t0 $t1 ${best:-1e9}" | awk '{ t = $2 - $1; print (t < $3 ? t : $3) }')
    done
    echo "$best"
}
base=$(best 2000)
for every in 25 10 1; do
    t=$(best $every)
    echo "$base $t $every" | awk '{ printf "log_every %5d: %.2f s against %.2f s with only 2 rows: %+.1f%%\n", $3, $2, $1, 100 * ($2 / $1 - 1) }'
done
