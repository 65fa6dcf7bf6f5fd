#!/bin/bash
# bench_table.sh RNNBENCH WORKDIR
# `rnnbench bench --quick` prints a well-formed table and CSV: one row per
# configuration, every measured number positive and finite. (No timing is
# asserted: speeds are measured with bench/compare.sh, docs/performance.md.)
set -u
bin=$1 dir=$2
mkdir -p "$dir"
out=$("$bin" bench --quick --threads 2 --csv "$dir/bench.csv") || { echo "bench failed"; echo "0 passed, 1 failed"; exit 1; }
echo "$out"
passed=0 failed=0
check() { if eval "$2"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1"; fi; }
rows=$(echo "$out" | grep -v '^#' | tail -n +2)
check "one table row" '[ "$(echo "$rows" | wc -l)" -eq 1 ]'
# (the norms' cost, column 10, may be negative; ofPeak, column 8, is a whole
# percent and reads 0% for this tiny size on a loaded machine: the CSV's
# pct_of_peak below is its exact value)
check "row: lstm copy 10 4 8, then 10 numbers, positive but for those two" \
    'echo "$rows" | awk '"'"'{ ok = $1 == "lstm" && $2 == "copy" && $3 == 10 && $4 == 4 && $5 == 8 && NF == 16
        for (i = 6; i <= 15; i++) { v = $i; sub(/%$/, "", v); if (i != 8 && i != 10 && !(v + 0 > 0)) ok = 0 }
        exit !ok }'"'"''
check "CSV header" '[ "$(head -1 "$dir/bench.csv")" = "cell,task,seq_len,batch,hidden,flops_per_step,steps_per_s,gflops,steps_per_s_nonorm,norm_cost_pct,gemm_steps_per_s,gemm_gflops,pct_of_gemm,threads,agg_steps_per_s,scaling,fma_peak_gflops,pct_of_peak,num_layers" ]'
check "CSV row of 19 fields, numbers finite" \
    'tail -n +2 "$dir/bench.csv" | awk -F, '"'"'{ ok = NF == 19 && $14 == 2 && $19 == 1
        for (i = 6; i <= 18; i++) if ($i ~ /nan|inf/ || (i != 10 && !($i + 0 > 0))) ok = 0
        exit !(ok && NR == 1) }'"'"''
check "FLOPs per step as counted" \
    'tail -n +2 "$dir/bench.csv" | awk -F, '"'"'{ L = 30; B = 4; I = 10; H = 8; GH = 32; O = 9
        want = 2 * L * B * GH * (2 * I + 3 * H) + 6 * L * B * O * H
        exit !($6 == want) }'"'"''
"$bin" bench --sizes 4y8 2>"$dir/err"
rc=$?
check "bad --sizes is a usage error" '[ $rc -eq 2 ] && grep -q "not BATCHxHIDDEN" "$dir/err"'
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
