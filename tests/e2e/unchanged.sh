#!/bin/bash
# unchanged.sh BIN DIR: the model became a stack of layers in rnnbench 0.3
# (schema 3); at num_layers = 1 every number must be what 0.2.0 computed.
# tests/e2e/baseline/unchanged-0.2.0.h5.gz is experiments/unchanged.ini
# (every cell on every task) as rnnbench 0.2.0 wrote it (float32, copied
# contiguous by h5py to keep it small: the values and attributes are
# 0.2.0's); this build's file must hold the same bytes in every dataset
# and attribute (h5same.py --older: the layer axis of the per-layer
# datasets dropped, the new grad_norm_tensor and version attributes aside).
set -u
bin=$1 dir=$2 here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$dir" && mkdir -p "$dir"
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok: $1"; }
bad() { failed=$((failed + 1)); echo "FAIL: $1"; }

if "$bin" train --steps 1 --quiet | head -n 1 | grep -q float64; then
    echo "skip: a float64 build (the baseline is float32)"; exit 77
fi
gzip -dc "$here/baseline/unchanged-0.2.0.h5.gz" >"$dir/old.h5"
(cd "$dir" && "$bin" run "$here/experiments/unchanged.ini" -o "$dir/new.h5" --quiet) || bad "the run"
/usr/bin/python3 "$here/h5same.py" --older "$dir/new.h5" "$dir/old.h5" >"$dir/same.txt" &&
    ok "every cell x task at one layer: bit for bit 0.2.0's ($(tail -n 1 "$dir/same.txt"))" ||
    { bad "differs from 0.2.0"; cat "$dir/same.txt"; }

# the comparison can fail: one bit of one norm flipped
/usr/bin/python3 - "$dir/old.h5" "$dir/flipped.h5" <<'PY'
import shutil, sys
import h5py, numpy as np
shutil.copy(sys.argv[1], sys.argv[2])
with h5py.File(sys.argv[2], "r+") as f:
    d = f["runs"][sorted(f["runs"])[0]]["dh_norm"]
    v = d[()]
    v.view(np.uint64)[0, -1] ^= np.uint64(1)
    d[...] = v
PY
/usr/bin/python3 "$here/h5same.py" --older "$dir/new.h5" "$dir/flipped.h5" >"$dir/flipped.txt" &&
    bad "a flipped last bit went unnoticed" || ok "a flipped last bit is noticed"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
