#!/bin/bash
# reproducible.sh RNNBENCH
# The same run twice gives the same numbers, bit for bit (only the timing
# on the summary line may differ).
set -u
bin=$1
run() {
    "$bin" train --cell gru --task copy --seq-len 20 --hidden 32 --batch 16 --steps 60 \
        --clip value:0.5 --optimizer rmsprop --lr 1e-3 --seed 9 --print-every 1 |
        sed 's/ in [0-9.]* s ([0-9.]* steps\/s)//'
}
a=$(run) b=$(run)
if [ -n "$a" ] && [ "$a" = "$b" ]; then
    echo "two runs agree on all $(echo "$a" | wc -l) lines"; echo "1 passed, 0 failed"
else
    diff <(echo "$a") <(echo "$b") | head; echo "0 passed, 1 failed"; exit 1
fi
