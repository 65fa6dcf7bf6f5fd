#!/bin/bash
# compare.sh [rnnbench bench options] - rnnbench against PyTorch and against
# the BLAS rate of its own GEMMs, side by side, from one run on this machine.
#
#   bench/compare.sh                       the default sizes, copy, T = 100
#   bench/compare.sh --tasks adding --seq-lens 500 --sizes 20x64,128x128
#
# Runs `rnnbench bench --csv` and bench/torch_bench.py (Debian's python3-torch,
# 1 thread) on the same configurations, in the same environment (the
# OPENBLAS_CORETYPE the machine sets is left as it is for both), and prints,
# per configuration: rnnbench's steps/s with per-timestep norms, PyTorch's
# fused path (no norms) and its cell loop with hooks (norms), the ratios,
# rnnbench's share of the rate of the same GEMMs alone (the sgemm
# microbenchmark), and P runs' throughput on P threads.
set -eu
here=$(dirname "$0")
bin=${RNNBENCH:-$here/../build/rnnbench}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# pass the configuration options to both sides; --threads and --seconds too
"$bin" bench "$@" --csv "$dir/rnnbench.csv" >"$dir/rnnbench.txt"
args=()
while [ $# -gt 0 ]; do
    case $1 in
    --cells|--tasks|--sizes|--seq-lens|--seconds) args+=("$1" "$2"); shift 2 ;;
    *) shift ;;
    esac
done
/usr/bin/python3 "$here/torch_bench.py" "${args[@]}" >"$dir/torch.csv"
echo "# $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}, $("$bin" --version)"
awk -F, 'NR == FNR { if (FNR > 1) { k = $1 "," $2 "," $3 "," $4 "," $5; fused[k] = $6; hooks[k] = $7 } next }
FNR == 1 {
    printf "%-8s %-6s %4s %4s %4s | %9s %9s %9s | %8s %8s | %7s %8s | %3s %10s %7s\n",
        "cell", "task", "T", "B", "H", "rnnbench", "torch", "torch", "vs", "vs", "GFLOP/s", "of GEMM", "P", "P runs", "scaling"
    printf "%-8s %-6s %4s %4s %4s | %9s %9s %9s | %8s %8s | %7s %8s | %3s %10s %7s\n",
        "", "", "", "", "", "steps/s", "fused", "hooks", "fused", "hooks", "", "rate", "", "steps/s", ""
    next
}
{
    k = $1 "," $2 "," $3 "," $4 "," $5
    printf "%-8s %-6s %4d %4d %4d | %9.1f %9.1f %9.1f | %7.1fx %7.1fx | %7.1f %7.0f%% | %3d %10.1f %7.2f\n",
        $1, $2, $3, $4, $5, $7, fused[k], hooks[k], $7 / fused[k], $7 / hooks[k], $8, $13, $14, $15, $16
}' "$dir/torch.csv" "$dir/rnnbench.csv"
echo "# rnnbench logs ||dL/dh_t|| at every step; torch fused yields no such norms, torch hooks does (retain_grad on every h_t)."
echo "# of GEMM rate: rnnbench's model GFLOP/s / the rate of the same step's GEMMs alone through the same OpenBLAS (1 thread)."
echo "# P runs: P independent runs on P threads, steps/s together; scaling = that / (P x one run)."
