#!/bin/bash
# cross_path.sh RNNBENCH RNNBENCH_F64 RNNBENCH_GENERIC EXPERIMENTS_DIR WORKDIR
# The promise of the own kernels: a results file is the same, bit for bit,
# on every kernel path (generic C, AVX2, AVX-512; RNNBENCH_KERNELS forces
# one), so on every x86-64 machine. paths.ini runs every cell, task, clip
# mode and init once; each path this CPU has runs it, in float32 and
# float64, and every dataset and attribute (but the timings) must equal
# the default path's (h5same.py). So must the generic build's (no x86
# kernels, gate loops for the baseline ISA: what another CPU gets), whose
# gate loops run at another vector width than the default build's.
set -u
bin=$1 bin64=$2 bingen=$3 exps=$4 dir=$5
here=$(dirname "$0")
rm -rf "$dir" && mkdir -p "$dir"
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok: $1"; }
bad() { failed=$((failed + 1)); echo "FAIL: $1"; }
paths=$("$bin" --help | grep -o 'kernels [a-z0-9]*' | head -1)
for b in "$bin" "$bin64"; do
    prec=$("$b" --version | grep -o 'float[0-9]*')
    "$b" run "$exps/paths.ini" -o "$dir/default-$prec.h5" --threads 2 --quiet || bad "$prec: the default path"
    for p in generic avx2 avx512; do
        if ! RNNBENCH_KERNELS=$p "$b" --version >/dev/null 2>&1; then
            echo "skipped: $prec $p: this CPU has no such path"
            continue
        fi
        RNNBENCH_KERNELS=$p "$b" run "$exps/paths.ini" -o "$dir/$p-$prec.h5" --threads 2 --quiet &&
            /usr/bin/python3 "$here/h5same.py" "$dir/default-$prec.h5" "$dir/$p-$prec.h5" >"$dir/same.log" 2>&1 &&
            ok "$prec: $p gives the default path's file bit for bit ($(tail -1 "$dir/same.log"))" ||
            { bad "$prec: $p differs from the default path"; head -5 "$dir/same.log"; }
    done
done
"$bingen" run "$exps/paths.ini" -o "$dir/generic-build.h5" --threads 2 --quiet &&
    /usr/bin/python3 "$here/h5same.py" "$dir/default-$("$bin" --version | grep -o 'float[0-9]*').h5" \
        "$dir/generic-build.h5" >"$dir/same.log" 2>&1 &&
    ok "the generic build ($("$bingen" --version)) gives the default build's file bit for bit" ||
    { bad "the generic build differs"; head -5 "$dir/same.log"; }
echo "($paths by default here)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
