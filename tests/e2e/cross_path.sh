#!/bin/bash
# cross_path.sh RNNBENCH RNNBENCH_F64 RNNBENCH_GENERIC EXPERIMENTS_DIR WORKDIR
# The promise of the own kernels: a results file is the same, bit for bit,
# on every kernel path (generic C, AVX2, AVX-512; RNNBENCH_KERNELS forces
# one), so on every x86-64 machine. paths.ini runs every cell, task, clip
# mode and init once; each path this CPU has runs it, in float32 and
# float64, and every dataset and attribute (but the timings) must equal
# the default path's (h5same.py). So must the generic build's (no x86
# kernels, gate loops for the baseline ISA: what another CPU gets), whose
# gate loops run at another vector width than the default build's. The
# image tasks alike, over a few IDX images the test writes.
set -u
bin=$1 bin64=$2 bingen=$3 exps=$4 dir=$5
here=$(dirname "$0")
rm -rf "$dir" && mkdir -p "$dir"
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok: $1"; }
bad() { failed=$((failed + 1)); echo "FAIL: $1"; }
paths=$("$bin" --help | grep -o 'kernels [a-z0-9]*' | head -1)

# The image tasks over a few images this test writes (IDX, gzipped; no
# test needs the real dataset): pixel by pixel, permuted, row by row.
/usr/bin/python3 - "$dir/idx" <<'PY'
import gzip, os, struct, sys
d = sys.argv[1]
os.makedirs(d)
for name, n in [("train", 12), ("t10k", 10)]:
    px = bytes((i * 37 + p * 11) % 256 if p % 5 else 0 for i in range(n) for p in range(784))
    with gzip.open(f"{d}/{name}-images-idx3-ubyte.gz", "wb") as f:
        f.write(struct.pack(">IIII", 0x803, n, 28, 28) + px)
    with gzip.open(f"{d}/{name}-labels-idx1-ubyte.gz", "wb") as f:
        f.write(struct.pack(">II", 0x801, n) + bytes(i % 10 for i in range(n)))
PY
cat >"$dir/images.ini" <<INI
[experiment]
name = paths-images
description = the image tasks on each kernel path
together = task+cell+init
[task]
task = smnist, psmnist, rmnist, rmnist
data_dir = $dir/idx
[model]
cell = lstm, exprnn, indrnn, cornn
init = uniform, cayley, paper, paper
hidden = 6
[train]
batch = 5
steps = 6
[log]
log_every = 3
eval_batch = 5
INI

for ini in "$exps/paths.ini" "$dir/images.ini"; do
    e=$(basename "$ini" .ini)
    for b in "$bin" "$bin64"; do
        prec=$("$b" --version | grep -o 'float[0-9]*')
        "$b" run "$ini" -o "$dir/$e-default-$prec.h5" --threads 2 --quiet || bad "$e, $prec: the default path"
        for p in generic avx2 avx512; do
            if ! RNNBENCH_KERNELS=$p "$b" --version >/dev/null 2>&1; then
                echo "skipped: $prec $p: this CPU has no such path"
                continue
            fi
            RNNBENCH_KERNELS=$p "$b" run "$ini" -o "$dir/$e-$p-$prec.h5" --threads 2 --quiet &&
                /usr/bin/python3 "$here/h5same.py" "$dir/$e-default-$prec.h5" "$dir/$e-$p-$prec.h5" >"$dir/same.log" 2>&1 &&
                ok "$e, $prec: $p gives the default path's file bit for bit ($(tail -1 "$dir/same.log"))" ||
                { bad "$e, $prec: $p differs from the default path"; head -5 "$dir/same.log"; }
        done
    done
    "$bingen" run "$ini" -o "$dir/$e-generic-build.h5" --threads 2 --quiet &&
        /usr/bin/python3 "$here/h5same.py" "$dir/$e-default-$("$bin" --version | grep -o 'float[0-9]*').h5" \
            "$dir/$e-generic-build.h5" >"$dir/same.log" 2>&1 &&
        ok "$e: the generic build ($("$bingen" --version)) gives the default build's file bit for bit" ||
        { bad "$e: the generic build differs"; head -5 "$dir/same.log"; }
done
echo "($paths by default here)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
