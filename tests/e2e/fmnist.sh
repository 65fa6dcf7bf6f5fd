#!/bin/bash
# fmnist.sh RNNBENCH WORKDIR
# The image tasks end to end. Always: a data_dir without the files is one
# line naming the file and the Debian package, exit 2. Where Debian's
# dataset-fashion-mnist is installed (else exit 77, skipped): rmnist
# learns from it (test accuracy well above chance 0.1 after 80 steps),
# and a sweep's psmnist run records its pixel permutation and a final
# accuracy over all 10,000 test images and the CRC-32 of the data it read.
set -u
bin=$1 work=$2 data=/usr/share/datasets/fashion-mnist
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $1"; }

mkdir empty
"$bin" train --task smnist --data-dir "$work/empty" --steps 1 >out 2>err
rc=$?
[ $rc -eq 2 ] && [ "$(wc -l <err)" -eq 1 ] && grep -q "empty/train-images-idx3-ubyte.gz: No such file or directory (.*dataset-fashion-mnist" err &&
    [ ! -s out ] && ok || bad "missing dataset: exit $rc, $(cat err)"
printf '[experiment]\nname = x\ndescription = x\n[task]\ntask = rmnist\ndata_dir = %s/empty\n' "$work" >missing.ini
"$bin" run missing.ini --check >out 2>err
rc=$?
[ $rc -eq 2 ] && [ "$(wc -l <err)" -eq 1 ] && grep -q "train-images-idx3-ubyte.gz: No such file" err &&
    ok || bad "run --check, missing dataset: exit $rc, $(cat err)"

if [ ! -e "$data/train-images-idx3-ubyte.gz" ]; then
    echo "$passed passed, $failed failed; the rest skipped: $data not installed (apt-get install dataset-fashion-mnist)"
    [ $failed -eq 0 ] && exit 77 || exit 1
fi

out=$("$bin" train --task rmnist --cell lstm --hidden 32 --batch 50 --steps 80 --lr 1e-2 --eval-batch 500 --quiet 2>&1)
acc=$(echo "$out" | sed -n 's/^# held-out set (10000 sequences) at step 80: loss [^,]*, metric \([0-9.]*\)$/\1/p')
[ -n "$acc" ] && awk -v a="$acc" 'BEGIN { exit !(a > 0.5) }' && ok ||
    bad "rmnist: test accuracy '$acc' over 10000 images not above 0.5: $out"

cat >sweep.ini <<'INI'
[experiment]
name = fmnist-e2e
description = psmnist and smnist, a few steps
[task]
task = smnist, psmnist
[model]
cell = rnn_tanh
hidden = 8
[train]
batch = 200
steps = 3
[log]
log_every = 2
eval_batch = 300
INI
"$bin" run sweep.ini -o sweep.h5 --quiet >out 2>err && ok || bad "sweep: $(cat err)"
/usr/bin/python3 - sweep.h5 "$data" <<'PY' && ok || bad "sweep's results: see above"
import gzip, sys, zlib, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
ok = True
crc = 0     # the data of the four files, headers off, in rnnbench's order
for name, head in [("train-images-idx3-ubyte", 16), ("train-labels-idx1-ubyte", 8),
                   ("t10k-images-idx3-ubyte", 16), ("t10k-labels-idx1-ubyte", 8)]:
    crc = zlib.crc32(gzip.open(f"{sys.argv[2]}/{name}.gz").read()[head:], crc)
for name, g in f["runs"].items():
    a = g.attrs
    want = 10000 // 200 * 200
    if a["seq_len"] != 784 or a["final_eval_size"] != want or a["seq_total"] != 784:
        print("FAIL:", name, "seq_len", a["seq_len"], "final_eval_size", a["final_eval_size"]); ok = False
    if a["data_crc32"] != f"{crc:08x}":
        print("FAIL:", name, "data_crc32", a["data_crc32"], "not the files'", f"{crc:08x}"); ok = False
    has = "pixel_permutation" in g
    if has != (a["task"] == "psmnist"):
        print("FAIL:", name, "pixel_permutation present:", has); ok = False
    if has:
        p = g["pixel_permutation"][:]
        if sorted(p) != list(range(784)) or (p == np.arange(784)).all():
            print("FAIL:", name, "pixel_permutation is not a permutation of 0..783 other than the raster"); ok = False
sys.exit(0 if ok else 1)
PY
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
