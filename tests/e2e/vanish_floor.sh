#!/bin/bash
# vanish_floor.sh RNNBENCH RNNBENCH_F64 WORKDIR
# A gradient that vanishes far below float32's floor (1.4e-45), T = 400:
# the float32 build carries it with an exact power-of-two scale, so its
# ||dL/dh_t|| equals the float64 build's down to about 1e-250, and its
# weight gradients equal them to float precision (vanish_floor.py says the
# tolerances). Without the scale, float32's norms were 0 there. At
# T = 5000 the norms pass float64's floor too (10^-3140): dh_log10 follows
# them in both builds.
set -u
bin=$1 bin64=$2 dir=$3
here=$(dirname "$0")
rm -rf "$dir" && mkdir -p "$dir"
passed=0 failed=0
for c in rnn_tanh lstm gru; do
    /usr/bin/python3 "$here/vanish_floor.py" make "$dir/$c.h5" $c 400 &&
    "$bin" grad "$dir/$c.h5" "$dir/$c-32.h5" && "$bin64" grad "$dir/$c.h5" "$dir/$c-64.h5" &&
    /usr/bin/python3 "$here/vanish_floor.py" check "$dir/$c-32.h5" "$dir/$c-64.h5" 1e-60 >"$dir/$c.log" 2>&1
    if [ $? -eq 0 ]; then passed=$((passed + 1)); echo "ok: $c: $(head -1 "$dir/$c.log")"; else failed=$((failed + 1)); echo "FAIL: $c"; cat "$dir/$c.log"; fi
done
# past float64's floor: T = 5000, log10 of the norms
/usr/bin/python3 "$here/vanish_floor.py" make "$dir/deep.h5" rnn_tanh 5000 &&
"$bin" grad "$dir/deep.h5" "$dir/deep-32.h5" && "$bin64" grad "$dir/deep.h5" "$dir/deep-64.h5" &&
/usr/bin/python3 "$here/vanish_floor.py" deep "$dir/deep-32.h5" "$dir/deep-64.h5" >"$dir/deep.log" 2>&1
if [ $? -eq 0 ]; then passed=$((passed + 1)); echo "ok: T = 5000: $(cat "$dir/deep.log")"; else failed=$((failed + 1)); echo "FAIL: T = 5000"; cat "$dir/deep.log"; fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
