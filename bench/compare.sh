#!/bin/bash
# compare.sh [rnnbench bench options] - rnnbench against PyTorch and against
# the machine's FMA peak, side by side, from one run on this machine.
#
#   bench/compare.sh                       the default sizes, copy, T = 100
#   bench/compare.sh --tasks adding --seq-lens 500 --sizes 20x64,128x128
#
# Runs `rnnbench bench --csv` and bench/torch_bench.py (Debian's python3-torch,
# 1 thread) on the same configurations, and prints, per configuration:
# rnnbench's steps/s with per-timestep norms and its share of the FMA peak
# that `rnnbench bench` measures; PyTorch's fused path (no norms) and its
# cell loop with hooks (norms), twice: in this environment as it is (where
# OPENBLAS_CORETYPE may force an older kernel type) and at its best, with
# OPENBLAS_CORETYPE set, in this command alone, to the kernel type of the
# CPU's ISA (SkylakeX with AVX-512, Haswell with AVX2); the ratios against
# the best; and P runs' throughput on P threads. rnnbench uses no OpenBLAS.
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
best=Haswell
grep -q avx512f /proc/cpuinfo && best=SkylakeX
# one thread for PyTorch's OpenBLAS too (torch.set_num_threads does not
# reach Debian's pthread build): two thread pools on 2 cores fight
export OPENBLAS_NUM_THREADS=1
/usr/bin/python3 "$here/torch_bench.py" "${args[@]}" >"$dir/torch.csv"
OPENBLAS_CORETYPE=$best /usr/bin/python3 "$here/torch_bench.py" "${args[@]}" >"$dir/torch_best.csv"
echo "# $(date -u +%Y-%m-%dT%H:%MZ), $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, $("$bin" --version)"
head -1 "$dir/rnnbench.txt" | sed 's/^# /# rnnbench: /'
echo "# torch env: OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset} (as this environment sets it); torch best: OPENBLAS_CORETYPE=$best"
awk -F, 'FILENAME ~ /torch_best/ { if (FNR > 1) { k = $1 "," $2 "," $3 "," $4 "," $5; bf[k] = $6; bh[k] = $7 } next }
FILENAME ~ /torch.csv/ { if (FNR > 1) { k = $1 "," $2 "," $3 "," $4 "," $5; ef[k] = $6; eh[k] = $7 } next }
FNR == 1 {
    printf "%-8s %-6s %4s %4s %4s | %9s %5s | %8s %8s | %8s %8s | %6s %6s | %10s %7s\n",
        "cell", "task", "T", "B", "H", "rnnbench", "of", "torch env", "", "torch best", "", "vs", "vs", "P runs", "scaling"
    printf "%-8s %-6s %4s %4s %4s | %9s %5s | %8s %8s | %8s %8s | %6s %6s | %10s %7s\n",
        "", "", "", "", "", "steps/s", "peak", "fused", "hooks", "fused", "hooks", "fused", "hooks", "steps/s", ""
    next
}
{
    k = $1 "," $2 "," $3 "," $4 "," $5
    printf "%-8s %-6s %4d %4d %4d | %9.1f %4.0f%% | %8.1f %8.1f | %8.1f %8.1f | %5.1fx %5.1fx | %10.1f %7.2f\n",
        $1, $2, $3, $4, $5, $7, $18, ef[k], eh[k], bf[k], bh[k], $7 / bf[k], $7 / bh[k], $15, $16
}' "$dir/torch_best.csv" "$dir/torch.csv" "$dir/rnnbench.csv"
echo "# rnnbench logs ||dL/dh_t|| at every step; torch fused yields no such norms, torch hooks does (retain_grad on every h_t)."
echo "# of peak: rnnbench's model GFLOP/s / the FMA peak of one core (rnnbench bench's header); vs: rnnbench / torch best."
echo "# P runs: P independent runs on P threads, steps/s together; scaling = that / (P x one run)."
