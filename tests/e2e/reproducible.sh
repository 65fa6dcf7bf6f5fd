#!/bin/bash
# reproducible.sh RNNBENCH
# The same run twice gives the same numbers, bit for bit (only the timing
# on the summary line may differ), and the --norms file holds the norms
# the run printed.
set -u
bin=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
run() {
    "$bin" train --norms "$dir/norms$1.tsv" --cell gru --task copy --seq-len 20 --hidden 32 --batch 16 --steps 60 \
        --clip value:0.5 --optimizer rmsprop --lr 1e-3 --seed 9 --print-every 1 |
        sed 's/ in [0-9.]* s ([0-9.]* steps\/s)//'
}
a=$(run 1) b=$(run 2)
# |dL/dh_L| printed at step 60 equals the norms file's last row (9 digits)
printed=$(echo "$a" | awk '$1 == 60 { print $7 }')
filed=$(tail -n 1 "$dir/norms1.tsv" | cut -f3)
same_norm=$(awk -v p="$printed" -v f="$filed" 'BEGIN { print (p > 0 && (p - f) / p < 1e-4 && (f - p) / p < 1e-4) }')
if [ -n "$a" ] && [ "$a" = "$b" ] && cmp -s "$dir/norms1.tsv" "$dir/norms2.tsv" && [ "$same_norm" = 1 ] &&
   [ "$(wc -l < "$dir/norms1.tsv")" -eq $((1 + 60 * 40)) ]; then
    echo "two runs agree on all $(echo "$a" | wc -l) lines"; echo "1 passed, 0 failed"
else
    diff <(echo "$a") <(echo "$b") | head
    echo "norms files equal: $(cmp -s "$dir/norms1.tsv" "$dir/norms2.tsv" && echo yes || echo no); printed |dL/dh_L| $printed, filed $filed"
    echo "0 passed, 1 failed"; exit 1
fi
