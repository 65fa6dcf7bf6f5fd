#!/bin/bash
# ownership.sh RNNBENCH RNNBENCH_F64 EXPERIMENTS_DIR WORKDIR
# One process owns an output, and --resume keeps only parts that are
# provably runs of the experiment file as it is now:
#   second     while a sweep runs, a second run on its OUT (plain, --resume,
#              --force) is refused at once, exit 2, one line naming OUT and
#              the owner's pid; the first ends untouched, equal to a sweep
#              that ran alone
#   stale      a kill -9 leaves no lock that blocks --resume; a parts folder
#              with no part blocks no plain run
#   startup    a sweep refused at startup leaves nothing it made
#   provenance after a kill -9, --resume with an edited lr, a comment added,
#              another experiment's file, or the float64 build is refused
#              (exit 2, naming the part and the key), the parts untouched;
#              --force starts over; the right file resumes to the reference
set -u
bin=$1 bin64=$2 exps=$3 dir=$4
here=$(dirname "$0")
py=/usr/bin/python3
rm -rf "$dir" && mkdir -p "$dir"
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok: $1"; }
bad() { failed=$((failed + 1)); echo "FAIL: $1"; }
same() { "$py" "$here/h5same.py" "$1" "$2" >"$dir/same.log" 2>&1; }
# waits (at most 120 s) until the file $1 exists
wait_for() { for _ in $(seq 1 2400); do [ -e "$1" ] && return 0; sleep 0.05; done; return 1; }
# waits until the folder $1 holds a part
wait_part() { for _ in $(seq 1 2400); do ls "$1"/*.h5 >/dev/null 2>&1 && return 0; sleep 0.05; done; return 1; }
listing() { ls "$1" 2>/dev/null | sort | tr '\n' ' '; }

# a sweep of a few seconds: long enough to be caught while it runs
sed 's/^steps = .*/steps = 3000/' "$exps/long.ini" >"$dir/own.ini"
"$bin" run "$dir/own.ini" -o "$dir/ref.h5" --quiet || { echo "FAIL: reference sweep"; exit 1; }

# second
"$bin" run "$dir/own.ini" -o "$dir/c.h5" --threads 2 --quiet 2>"$dir/first.err" &
first=$!
wait_for "$dir/c.h5.parts/owner" || bad "the first sweep made no owner file"
for flags in "" "--resume" "--force"; do
    start=$(date +%s%N)
    "$bin" run "$dir/own.ini" -o "$dir/c.h5" $flags --quiet 2>"$dir/second.err"
    rc=$?
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    if [ $rc -eq 2 ] && [ "$(wc -l <"$dir/second.err")" -eq 1 ] && [ $ms -lt 3000 ] &&
       grep -q "c.h5: in use by another rnnbench run (pid $first on host .*)" "$dir/second.err"; then
        ok "a second run ${flags:-(plain)} is refused in $ms ms, naming the owner"
    else
        bad "second run ${flags:-(plain)} (exit $rc, $ms ms)"; cat "$dir/second.err"
    fi
done
kill -0 $first 2>/dev/null || bad "the first sweep ended before the second runs were tried: make own.ini longer"
wait $first
rc=$?
[ $rc -eq 0 ] && same "$dir/c.h5" "$dir/ref.h5" && [ ! -e "$dir/c.h5.parts" ] &&
    ok "the first sweep ends untouched (exit 0, the file of a sweep alone)" ||
    { bad "the first sweep (exit $rc)"; cat "$dir/first.err" "$dir/same.log"; }

# stale: kill -9, then --resume is not blocked
"$bin" run "$dir/own.ini" -o "$dir/k.h5" --threads 2 --quiet &
pid=$!
wait_part "$dir/k.h5.parts"
kill -9 $pid
wait $pid 2>/dev/null
cp -r "$dir/k.h5.parts" "$dir/killed.parts"     # for the provenance checks below
"$bin" run "$dir/own.ini" -o "$dir/k.h5" --resume --quiet 2>"$dir/stale.err" && same "$dir/k.h5" "$dir/ref.h5" &&
    ok "kill -9 leaves no lock: --resume goes on to the reference file" || { bad "resume after kill -9"; cat "$dir/stale.err"; }
mkdir -p "$dir/e.h5.parts" && echo "pid 1 on host gone, since then" >"$dir/e.h5.parts/owner"
"$bin" run "$exps/one.ini" -o "$dir/e.h5" --quiet 2>"$dir/empty.err" && [ -e "$dir/e.h5" ] && [ ! -e "$dir/e.h5.parts" ] &&
    ok "a parts folder without parts blocks no plain run" || { bad "empty parts folder"; cat "$dir/empty.err"; }

# startup: refusals leave nothing behind
cp "$dir/ref.h5" "$dir/s.h5"
"$bin" run "$dir/own.ini" -o "$dir/s.h5" --quiet 2>"$dir/s.err"
rc=$?
[ $rc -eq 2 ] && cmp -s "$dir/s.h5" "$dir/ref.h5" && [ ! -e "$dir/s.h5.parts" ] &&
    ok "refused over an existing OUT: nothing made" || { bad "startup refusal left $(listing "$dir/s.h5.parts")"; cat "$dir/s.err"; }
echo "not hdf5" >"$dir/n.h5"
"$bin" run "$dir/own.ini" -o "$dir/n.h5" --resume --quiet 2>"$dir/n.err"
rc=$?
[ $rc -eq 2 ] && [ ! -e "$dir/n.h5.parts" ] && grep -q "n.h5" "$dir/n.err" &&
    ok "--resume from a file that is not HDF5: exit 2, nothing made" || { bad "bad OUT on resume (exit $rc)"; cat "$dir/n.err"; }

# provenance: each edit is refused, naming a part and the key
sed 's/^lr = .*/lr = 3e-3/' "$dir/own.ini" >"$dir/lr.ini"
{ cat "$dir/own.ini"; echo "# a comment added after the kill"; } >"$dir/comment.ini"
cp "$exps/basic.ini" "$dir/other.ini"
check_refused() {   # what binary experiment pattern
    rm -rf "$dir/p.h5.parts" && cp -r "$dir/killed.parts" "$dir/p.h5.parts"
    local before; before=$(cd "$dir/p.h5.parts" && md5sum *.h5)
    "$2" run "$3" -o "$dir/p.h5" --resume --quiet 2>"$dir/p.err"
    local rc=$?
    if [ $rc -eq 2 ] && [ "$(wc -l <"$dir/p.err")" -eq 1 ] && grep -q "p.h5.parts/[0-9]*.h5: $4" "$dir/p.err" &&
       [ "$before" = "$(cd "$dir/p.h5.parts" && md5sum *.h5)" ] && [ ! -e "$dir/p.h5" ]; then
        ok "--resume with $1 is refused: $(cut -c1-150 "$dir/p.err")"
    else
        bad "--resume with $1 (exit $rc)"; cat "$dir/p.err"
    fi
}
check_refused "an edited lr" "$bin" "$dir/lr.ini" "not run .* as it is now: lr is 0.01 there, 0.003 in the experiment file"
check_refused "a comment added" "$bin" "$dir/comment.ini" "not run .*: experiment_hash is fnv1a64:[0-9a-f]* there"
check_refused "another experiment's file" "$bin" "$dir/other.ini" ".*"
check_refused "the float64 build" "$bin64" "$dir/own.ini" "not run .*: precision is float32 there, float64 here"
"$bin" run "$dir/lr.ini" -o "$dir/p.h5" --force --quiet && [ ! -e "$dir/p.h5.parts" ] &&
    "$py" -c 'import sys, h5py; assert all(g.attrs["lr"] == 3e-3 for g in h5py.File(sys.argv[1])["runs"].values())' "$dir/p.h5" &&
    ok "--force starts over with the edited file" || bad "--force after a refusal"
rm -rf "$dir/p.h5" "$dir/p.h5.parts" && cp -r "$dir/killed.parts" "$dir/p.h5.parts"
"$bin" run "$dir/own.ini" -o "$dir/p.h5" --resume --quiet && same "$dir/p.h5" "$dir/ref.h5" &&
    ok "the unedited file resumes the same parts to the reference file" || bad "resume with the right file"
# the same check where OUT exists: a run of OUT that is not this file's is refused
"$py" - "$dir/ref.h5" "$dir/edited.h5" <<'PY'
import sys, shutil, h5py
shutil.copy(sys.argv[1], sys.argv[2])
with h5py.File(sys.argv[2], "r+") as f:
    next(iter(f["runs"].values())).attrs["hidden"] = 64
PY
sed -i 's/^steps = .*/steps = 3000/' "$dir/own.ini"     # the same text
"$bin" run "$dir/own.ini" -o "$dir/edited.h5" --resume --quiet 2>"$dir/o.err"
rc=$?
[ $rc -eq 2 ] && grep -q "edited.h5: run .* is not that of .*: hidden is 64 there, 32 in the experiment file" "$dir/o.err" &&
    [ ! -e "$dir/edited.h5.parts" ] && ok "--resume from an OUT holding another run is refused, nothing copied" ||
    { bad "OUT with another run (exit $rc)"; cat "$dir/o.err"; }

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
