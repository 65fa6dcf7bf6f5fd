#!/bin/bash
# disk_full.sh RNNBENCH EXPERIMENTS_DIR WORKDIR
# A sweep whose output file system fills up, on a small tmpfs (mounted here:
# root only; skipped, exit 77, where mounting is impossible):
#   midsweep   the disk fills while runs end: exit 1, one line naming the part
#              and "No space left on device", no crash, no temporary file,
#              every part written readable; after making room, --resume
#              gives the file of an uninterrupted sweep
#   assembly   every part fits but OUT does not: the same, naming OUT; every
#              run kept in its part; --resume assembles it
set -u
bin=$1 exps=$2 dir=$3
here=$(dirname "$0")
py=/usr/bin/python3
exp=$exps/long.ini
mnt=$dir/mnt
for m in $(grep -o " $mnt[^ ]*" /proc/mounts 2>/dev/null); do umount "$m" 2>/dev/null; done
rm -rf "$dir" && mkdir -p "$mnt"
if ! mount -t tmpfs -o size=64k tmpfs "$mnt" 2>"$dir/mount.err"; then
    echo "skipped: cannot mount a tmpfs here ($(head -c 200 "$dir/mount.err")); needs root"
    exit 77
fi
trap 'umount "$mnt" 2>/dev/null' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok: $1"; }
bad() { failed=$((failed + 1)); echo "FAIL: $1"; }
same() { "$py" "$here/h5same.py" "$1" "$2" >"$dir/same.log" 2>&1; }
# a fresh tmpfs of $1 bytes at $mnt
remount() { umount "$mnt" && mount -t tmpfs -o "size=$1" tmpfs "$mnt"; }
# room for $1 bytes more, keeping what is there
grow() { mount -o "remount,size=$1" "$mnt"; }
parts_readable() {
    for p in "$1"/*.h5; do
        "$py" -c 'import sys, h5py; g = h5py.File(sys.argv[1])["run"]; g["dh_norm"][()]; g.attrs["status"]' "$p" || return 1
    done
}

"$bin" run "$exp" -o "$dir/ref.h5" --quiet || { echo "FAIL: reference sweep"; exit 1; }
size=$(stat -c %s "$dir/ref.h5")
runs=$("$py" -c 'import sys, h5py; print(len(h5py.File(sys.argv[1])["runs"]))' "$dir/ref.h5")

# midsweep: room for about half the parts
remount $((size / 2))
"$bin" run "$exp" -o "$mnt/x.h5" --threads 2 --quiet 2>"$dir/mid.err"
rc=$?
n=$(ls "$mnt/x.h5.parts"/*.h5 2>/dev/null | wc -l)
if [ $rc -eq 1 ] && [ "$(wc -l <"$dir/mid.err")" -eq 1 ] &&
   grep -q "x.h5.parts/[0-9]*.h5: cannot write: No space left on device" "$dir/mid.err" &&
   [ ! -e "$mnt/x.h5" ] && ! ls "$mnt/x.h5.parts" | grep -q tmp && [ "$n" -ge 1 ] &&
   parts_readable "$mnt/x.h5.parts"; then
    ok "disk full mid-sweep: exit 1, one line, $n parts kept and readable, no temporary file"
else
    bad "disk full mid-sweep (exit $rc, $n parts)"; cat "$dir/mid.err"; ls -la "$mnt/x.h5.parts"
fi
grow $((4 * size))
"$bin" run "$exp" -o "$mnt/x.h5" --resume --quiet && same "$mnt/x.h5" "$dir/ref.h5" && [ ! -e "$mnt/x.h5.parts" ] &&
    ok "after making room, --resume gives the uninterrupted sweep's file" || { bad "resume after disk full"; cat "$dir/same.log"; }

# assembly: the parts fit, OUT beside them does not
remount $((size * 3 / 2))
"$bin" run "$exp" -o "$mnt/y.h5" --threads 2 --quiet 2>"$dir/asm.err"
rc=$?
n=$(ls "$mnt/y.h5.parts"/*.h5 2>/dev/null | wc -l)
if [ $rc -eq 1 ] && [ "$(wc -l <"$dir/asm.err")" -eq 1 ] &&
   grep -q "y.h5: cannot write: No space left on device" "$dir/asm.err" &&
   [ ! -e "$mnt/y.h5" ] && ! ls "$mnt/y.h5.parts" | grep -q tmp && [ "$n" -eq "$runs" ] &&
   parts_readable "$mnt/y.h5.parts"; then
    ok "disk full in the assembly: exit 1, one line naming OUT, all $n runs kept, no temporary file"
else
    bad "disk full in the assembly (exit $rc, $n of $runs parts)"; cat "$dir/asm.err"; ls -la "$mnt/y.h5.parts"
fi
grow $((4 * size))
"$bin" run "$exp" -o "$mnt/y.h5" --resume --quiet && same "$mnt/y.h5" "$dir/ref.h5" && [ ! -e "$mnt/y.h5.parts" ] &&
    ok "after making room, --resume assembles the uninterrupted sweep's file" || { bad "resume after a failed assembly"; cat "$dir/same.log"; }

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
