#!/bin/bash
# learn.sh RNNBENCH CELL STEPS
# `rnnbench train` must learn the adding problem at T=50: the mean loss over
# the last tenth of the run must end under a tenth of the baseline MSE 1/6
# (the baseline is what a network that learnt nothing scores).
set -u
bin=$1 cell=$2 steps=$3
out=$("$bin" train --cell "$cell" --task adding --seq-len 50 --hidden 64 --batch 64 \
      --steps "$steps" --optimizer adam --lr 1e-2 --clip norm:1 --seed 1 --print-every 100) || {
    echo "rnnbench train failed"; echo "$out"; echo "0 passed, 1 failed"; exit 1; }
echo "$out"
final=$(echo "$out" | tail -n 1)
loss=$(echo "$final" | sed -n 's/.*: loss \([^,]*\),.*/\1/p')
base=$(echo "$final" | sed -n 's/.*baseline \([^,]*\),.*/\1/p')
if [ -n "$loss" ] && [ -n "$base" ] && awk -v l="$loss" -v b="$base" 'BEGIN { exit !(l < 0.1 * b) }'; then
    echo "$cell learnt adding at T=50: final loss $loss < 0.1 x baseline $base"
    echo "1 passed, 0 failed"
else
    echo "FAIL: $cell final loss '$loss' is not under 0.1 x baseline '$base'"
    echo "0 passed, 1 failed"
    exit 1
fi
