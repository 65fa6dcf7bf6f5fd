#!/bin/bash
# cross_arch.sh DIGEST DIGEST64 WORKDIR SRCDIR "FLAGS" CORE_SOURCE...
# FLAGS: the build type's, the warnings' and the core's (CMakeLists.txt).
# The same numbers on another architecture: the core, cross-compiled for
# aarch64 (Debian's gcc-aarch64-linux-gnu, with the build's flags, without
# the x86 kernels) and run under qemu-user, prints every number
# core_digest.c records (losses, norms, ||dL/dh_t|| and its log10, held-out
# losses, W_hh spectra, the final parameters) exactly as this machine's
# build does on each of its kernel paths, in float32 and float64. The
# HDF5 file is not built for aarch64 (that needs Debian's arm64 HDF5): the
# harness only copies these numbers into it.
# Skipped (77) where the cross compiler or qemu-user is not installed
# (scripts/install-deps installs both).
set -u
d32=$1 d64=$2 dir=$3 src=$4 flags=$5
shift 5
cc=aarch64-linux-gnu-gcc
for tool in $cc qemu-aarch64; do
    if ! command -v $tool >/dev/null; then
        echo "skipped: no $tool here (packages gcc-aarch64-linux-gnu, qemu-user)"
        exit 77
    fi
done
rm -rf "$dir" && mkdir -p "$dir"
sources=()
for s in "$@"; do sources+=("$src/$s"); done
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok: $1"; }
bad() { failed=$((failed + 1)); echo "FAIL: $1"; }

# Each native digest's generic path first (its first line names the
# precision), then both precisions' cross builds at once (each takes a
# core for ~20 s). $flags unquoted: the build's flags, one word each.
precs=()
for d in "$d32" "$d64"; do
    "$d" generic >"$dir/generic.txt" 2>/dev/null || { bad "$d: the generic path did not run"; continue; }
    prec=$(head -1 "$dir/generic.txt" | grep -o 'float[0-9]*')
    mv "$dir/generic.txt" "$dir/generic-$prec.txt"
    precs+=("$d:$prec")
    def=$([ "$prec" = float64 ] && echo -DRNB_DOUBLE)
    # shellcheck disable=SC2086
    $cc -std=c11 $flags -static \
        -DRNB_GENERIC_ONLY $def -I"$src/src/core" "${sources[@]}" "$src/tests/e2e/core_digest.c" -lm \
        -o "$dir/arm-$prec" >"$dir/cc-$prec.log" 2>&1 &
done
wait

for dp in "${precs[@]}"; do
    d=${dp%:*} prec=${dp##*:}
    if [ ! -x "$dir/arm-$prec" ]; then
        bad "$prec: the aarch64 build failed"
        head -20 "$dir/cc-$prec.log"
        continue
    fi
    if ! qemu-aarch64 "$dir/arm-$prec" >"$dir/arm-$prec.txt" 2>"$dir/arm-$prec.err"; then
        bad "$prec: the aarch64 build did not run"
        head -5 "$dir/arm-$prec.err"
        continue
    fi
    for p in generic avx2 avx512; do
        if [ "$p" != generic ] && ! "$d" "$p" >"$dir/$p-$prec.txt" 2>/dev/null; then
            echo "skipped: $prec $p: this CPU has no such path"
            continue
        fi
        if cmp -s "$dir/$p-$prec.txt" "$dir/arm-$prec.txt"; then
            ok "$prec: aarch64 under qemu prints the $p path's numbers byte for byte ($(grep -c '^step' "$dir/arm-$prec.txt") steps of $(grep -c '^point' "$dir/arm-$prec.txt") points, $(wc -c <"$dir/arm-$prec.txt") bytes)"
        else
            bad "$prec: aarch64 differs from the $p path"
            diff "$dir/$p-$prec.txt" "$dir/arm-$prec.txt" | head -4 | cut -c1-300
        fi
    done
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
