#!/bin/bash
# sweep.sh RNNBENCH EXPERIMENTS_DIR WORKDIR
# The sweep harness end to end:
#   threads    the same grid with --threads 1 and 2 gives the same file,
#              a grid of many runs and one of a single run
#   schema     h5py reads every attribute and dataset docs/results.md names
#   diverge    a run that blows up is recorded as diverged; the sweep goes on
#   sigint     Ctrl-C: exit 130, a valid file with interrupted runs, each
#              with its checkpoint; --resume goes on from them and gives the
#              file of an uninterrupted sweep
#   checkpoint kill -9 once a running run has written a checkpoint to its
#              part (--checkpoint-every 1): --resume goes on from it and gives
#              the file of an uninterrupted sweep
#   kill9      kill -9 mid-sweep: the ended runs' parts are readable;
#              --resume gives the file of an uninterrupted sweep
#   refuse     an existing OUT is not overwritten without --force
set -u
bin=$1 exps=$2 dir=$3
here=$(dirname "$0")
py=/usr/bin/python3
rm -rf "$dir" && mkdir -p "$dir"
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok: $1"; }
bad() { failed=$((failed + 1)); echo "FAIL: $1"; }
same() { "$py" "$here/h5same.py" "$1" "$2" >"$dir/same.log" 2>&1; }

# threads
"$bin" run "$exps/basic.ini" -o "$dir/t1.h5" --threads 1 --quiet &&
"$bin" run "$exps/basic.ini" -o "$dir/t2.h5" --threads 2 --quiet &&
    same "$dir/t1.h5" "$dir/t2.h5" && ok "threads 1 and 2 give the same file ($(tail -1 "$dir/same.log"))" ||
    { bad "threads 1 vs 2"; cat "$dir/same.log"; }

"$bin" run "$exps/one.ini" -o "$dir/o1.h5" --threads 1 --quiet &&
"$bin" run "$exps/one.ini" -o "$dir/o2.h5" --threads 2 --quiet &&
    same "$dir/o1.h5" "$dir/o2.h5" && ok "a one-run grid on 1 and 2 threads gives the same file" ||
    { bad "one run, threads 1 vs 2"; cat "$dir/same.log"; }

# train is a one-point grid: the same losses as the run of one.ini
"$bin" train --task copy --seq-len 10 --cell lstm --hidden 64 --batch 32 --steps 15 --print-every 1 \
    >"$dir/train.txt" && "$py" - "$dir/train.txt" "$dir/o1.h5" <<'PY' && ok "train equals the one-point grid" || bad "train vs run"
import sys, h5py
printed = [float(l.split()[1]) for l in open(sys.argv[1]) if l.strip() and not l.startswith("#")]
stored = h5py.File(sys.argv[2])["runs/run/loss"][()]
assert len(printed) == 15 == len(stored), (len(printed), len(stored))
for a, b in zip(printed, stored):
    assert abs(a - b) <= 1e-5 * abs(b), (a, b)
PY

# schema
"$py" "$here/schema_check.py" "$dir/t1.h5" >"$dir/schema.log" && ok "schema ($(tail -1 "$dir/schema.log"))" ||
    { bad "schema"; cat "$dir/schema.log"; }

# diverge
"$bin" run "$exps/diverge.ini" -o "$dir/div.h5" --quiet && "$py" - "$dir/div.h5" <<'PY' && ok "divergence recorded" || bad "divergence"
import sys, h5py, math
f = h5py.File(sys.argv[1])
a, b = f["runs/clip=none"].attrs, f["runs/clip=norm:1"].attrs
assert a["status"] == "diverged" and a["diverged_step"] == 2 and a["steps_done"] == 2, dict(a)
assert b["status"] == "finished" and b["steps_done"] == 20, dict(b)
assert not math.isfinite(f["runs/clip=none/loss"][1])
PY
"$py" "$here/schema_check.py" "$dir/div.h5" >"$dir/schema2.log" || { bad "diverged schema"; cat "$dir/schema2.log"; }

# the reference: long.ini uninterrupted
"$bin" run "$exps/long.ini" -o "$dir/ref.h5" --quiet || bad "long.ini"

# sigint
"$bin" run "$exps/long.ini" -o "$dir/int.h5" --threads 2 --quiet &
pid=$!
for i in $(seq 1 2400); do     # the first run ended, the next in flight: at most 120 s
    [ "$(ls "$dir/int.h5.parts"/*.h5 2>/dev/null | wc -l)" -ge 1 ] && break
    sleep 0.05
done
kill -INT $pid
wait $pid
rc=$?
if [ $rc -eq 130 ] && "$py" - "$dir/int.h5" <<'PY'; then ok "SIGINT: exit 130, valid file with interrupted runs"; else bad "SIGINT (exit $rc)"; fi
import sys, h5py
f = h5py.File(sys.argv[1])
st = [g.attrs["status"] for g in f["runs"].values()]
assert "interrupted" in st, st
for g in f["runs"].values():
    assert g["loss"].shape[0] == g.attrs["steps_done"]
    assert ("checkpoint" in g) == (g.attrs["status"] == "interrupted"), g.name
PY
# a checkpoint that does not fit its run (a dataset cut short) is refused
# before anything is copied: one line naming the file and the dataset
cp "$dir/int.h5" "$dir/badck.h5"
"$py" - "$dir/badck.h5" <<'PY'
import sys, h5py
f = h5py.File(sys.argv[1], "r+")
g = next(g for g in f["runs"].values() if "checkpoint" in g)["checkpoint"]
p = g["params"][()][:-4]
del g["params"]
g["params"] = p
PY
sum=$(md5sum <"$dir/badck.h5")
"$bin" run "$exps/long.ini" -o "$dir/badck.h5" --resume --quiet 2>"$dir/badck.err"
rc=$?
[ $rc -eq 2 ] && [ "$(wc -l <"$dir/badck.err")" -eq 1 ] && grep -q "badck.h5: the checkpoint of run .*checkpoint/params" "$dir/badck.err" &&
    [ "$(md5sum <"$dir/badck.h5")" = "$sum" ] && [ ! -e "$dir/badck.h5.parts" ] &&
    ok "a checkpoint that does not fit: exit 2, one line, nothing written" ||
    bad "bad checkpoint: exit $rc, $(cat "$dir/badck.err")"
"$bin" run "$exps/long.ini" -o "$dir/int.h5" --resume 2>"$dir/int.log" && same "$dir/int.h5" "$dir/ref.h5" &&
    grep -q "(from its checkpoint at [1-9]" "$dir/int.log" &&
    ok "SIGINT then --resume goes on from the checkpoints and equals the uninterrupted sweep" ||
    { bad "SIGINT resume"; cat "$dir/same.log" "$dir/int.log"; }

# checkpoint: kill -9 once a part holds a running run's checkpoint (slow.ini's
# one run takes seconds: it writes one a second)
"$bin" run "$exps/slow.ini" -o "$dir/slow.h5" --quiet || bad "slow.ini"
"$bin" run "$exps/slow.ini" -o "$dir/ck.h5" --checkpoint-every 1 --quiet &
pid=$!
found=
for i in $(seq 1 600); do      # at most 120 s, however slow the build
    for p in "$dir/ck.h5.parts"/*.h5; do
        [ -e "$p" ] && "$py" -c 'import sys, h5py; assert "checkpoint" in h5py.File(sys.argv[1])["run"]' "$p" \
            2>/dev/null && found=$p && break 2
    done
    sleep 0.2
done
kill -9 $pid
wait $pid 2>/dev/null
# the same part's checkpoint cut short, in a copy: refused before any run starts
mkdir -p "$dir/ckbad.h5.parts" && cp "$dir/ck.h5.parts"/*.h5 "$dir/ckbad.h5.parts/"
"$py" - "$dir/ckbad.h5.parts" <<'PY'
import sys, glob, h5py
for name in glob.glob(sys.argv[1] + "/*.h5"):
    f = h5py.File(name, "r+")
    if "checkpoint" in f["run"]:
        p = f["run/checkpoint/optim_m"][()][:-8]
        del f["run/checkpoint/optim_m"]
        f["run/checkpoint/optim_m"] = p
PY
sum=$(cat "$dir/ckbad.h5.parts"/*.h5 | md5sum)
"$bin" run "$exps/slow.ini" -o "$dir/ckbad.h5" --resume --quiet 2>"$dir/ckbad.err"
rc=$?
[ $rc -eq 2 ] && [ "$(wc -l <"$dir/ckbad.err")" -eq 1 ] &&
    grep -q "ckbad.h5.parts/[0-9]*.h5: the checkpoint of run .*checkpoint/optim_m" "$dir/ckbad.err" &&
    [ "$(cat "$dir/ckbad.h5.parts"/*.h5 | md5sum)" = "$sum" ] && [ ! -e "$dir/ckbad.h5" ] &&
    ok "a part's checkpoint that does not fit: exit 2, one line, nothing written" ||
    bad "bad part checkpoint: exit $rc, $(cat "$dir/ckbad.err")"
"$bin" run "$exps/slow.ini" -o "$dir/ck.h5" --resume 2>"$dir/ck.log" && same "$dir/ck.h5" "$dir/slow.h5" &&
    [ -n "$found" ] && grep -q "(from its checkpoint at [1-9]" "$dir/ck.log" &&
    ok "kill -9 after a checkpoint, then --resume goes on from it and equals the uninterrupted sweep" ||
    { bad "checkpoint resume (a checkpoint seen: ${found:-none})"; cat "$dir/same.log" "$dir/ck.log"; }

# kill -9, once some runs have ended and others run
"$bin" run "$exps/long.ini" -o "$dir/k9.h5" --threads 2 --quiet &
pid=$!
for i in $(seq 1 2400); do     # the first part, however slow the build (a sanitizer's): at most 120 s
    [ "$(ls "$dir/k9.h5.parts"/*.h5 2>/dev/null | wc -l)" -ge 1 ] && break
    sleep 0.05
done
sleep 0.3
kill -9 $pid
wait $pid 2>/dev/null
parts=$(ls "$dir/k9.h5.parts"/*.h5 2>/dev/null | wc -l)
if [ "$parts" -ge 1 ] && [ ! -e "$dir/k9.h5" ] && for p in "$dir/k9.h5.parts"/*.h5; do
        "$py" -c 'import sys, h5py; g = h5py.File(sys.argv[1])["run"]; assert g.attrs["status"] == "finished"; g["dh_norm"][()]' "$p" || exit 1
    done; then
    ok "kill -9: $parts ended runs readable in their parts"
else
    bad "kill -9 left $parts parts"
fi
"$bin" run "$exps/long.ini" -o "$dir/k9.h5" --resume --quiet && same "$dir/k9.h5" "$dir/ref.h5" &&
    [ ! -e "$dir/k9.h5.parts" ] && ok "kill -9 then --resume equals the uninterrupted sweep" ||
    { bad "kill -9 resume"; cat "$dir/same.log"; }

# refuse to overwrite; --force replaces
cp "$dir/ref.h5" "$dir/keep.h5"
"$bin" run "$exps/long.ini" -o "$dir/keep.h5" --quiet 2>"$dir/refuse.err"
rc=$?
[ $rc -eq 2 ] && grep -q "exists: --resume continues it, --force replaces it" "$dir/refuse.err" &&
    cmp -s "$dir/ref.h5" "$dir/keep.h5" && ok "an existing file is kept without --force" ||
    { bad "overwrite refusal (exit $rc)"; cat "$dir/refuse.err"; }
"$bin" run "$exps/diverge.ini" -o "$dir/keep.h5" --force --quiet && same "$dir/keep.h5" "$dir/div.h5" &&
    ok "--force replaces" || bad "--force"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
