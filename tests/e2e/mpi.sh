#!/bin/bash
# mpi.sh RNNBENCH RNNBENCH_MPI MPIRUN EXPERIMENTS WORKDIR
# A sweep shared among 2 MPI ranks writes the same results file as one
# process: every dataset bitwise, every attribute but the timings
# (h5same.py); with 1 and 2 threads a rank; and a rank killed mid-sweep
# loses only its runs in flight: --resume (under MPI) completes the same
# file.
set -u
bin=$1 mpibin=$2 mpirun=$3 exps=$4 dir=$5 here=$(dirname "$0")
rm -rf "$dir" && mkdir -p "$dir"
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok: $*"; }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }
# root in a container, and more ranks than cores on a small machine
mpi() { "$mpirun" --allow-run-as-root --oversubscribe -np 2 "$mpibin" "$@"; }
same() { /usr/bin/python3 "$here/h5same.py" "$1" "$2" >"$dir/same.log" 2>&1; }

"$bin" run "$exps/basic.ini" -o "$dir/one.h5" --quiet || bad "the single-process sweep"
mpi run "$exps/basic.ini" -o "$dir/two.h5" --threads 1 --quiet && same "$dir/one.h5" "$dir/two.h5" &&
    ok "2 ranks x 1 thread = 1 process ($(tail -1 "$dir/same.log"))" || { bad "2 ranks x 1 thread"; cat "$dir/same.log"; }
mpi run "$exps/basic.ini" -o "$dir/four.h5" --threads 2 --quiet && same "$dir/one.h5" "$dir/four.h5" &&
    ok "2 ranks x 2 threads = 1 process" || { bad "2 ranks x 2 threads"; cat "$dir/same.log"; }
[ ! -e "$dir/two.h5.parts" ] && ok "the parts are gone" || bad "parts left behind"
# fewer threads than asked (OMP_THREAD_LIMIT): no hang, the same file
timeout 120 "$mpirun" --allow-run-as-root --oversubscribe -np 2 -x OMP_THREAD_LIMIT=1 "$mpibin" run \
    "$exps/basic.ini" -o "$dir/limit.h5" --threads 2 --quiet && same "$dir/one.h5" "$dir/limit.h5" &&
    ok "OMP_THREAD_LIMIT=1 under --threads 2: the same file" || { bad "OMP_THREAD_LIMIT=1"; cat "$dir/same.log"; }

# kill -9 one rank once some runs have ended; mpirun ends the job
"$bin" run "$exps/long.ini" -o "$dir/ref.h5" --quiet || bad "long.ini"
mpi run "$exps/long.ini" -o "$dir/k9.h5" --threads 1 --quiet 2>"$dir/k9.err" &
job=$!
for i in $(seq 1 1200); do     # the first part, at most 120 s (sanitizer builds are slow)
    [ "$(ls "$dir/k9.h5.parts"/*.h5 2>/dev/null | wc -l)" -ge 1 ] && break
    sleep 0.1
done
victim=$(pgrep -f "^$mpibin run $exps/long.ini" | tail -1)   # a rank, not mpirun
[ -n "$victim" ] && kill -9 "$victim"
wait $job
parts=$(ls "$dir/k9.h5.parts"/*.h5 2>/dev/null | wc -l)
[ "$parts" -ge 1 ] && [ ! -e "$dir/k9.h5" ] && ok "a rank killed: $parts ended runs kept in their parts" ||
    bad "a rank killed: $parts parts, k9.h5 $( [ -e "$dir/k9.h5" ] && echo exists || echo absent)"
mpi run "$exps/long.ini" -o "$dir/k9.h5" --threads 1 --resume --quiet && same "$dir/ref.h5" "$dir/k9.h5" &&
    ok "--resume under MPI completes it: the same file as one process" || { bad "resume after a killed rank"; cat "$dir/same.log"; }

# one owner: while an MPI job writes an output, another job on it (MPI or
# not, --resume or not) is refused, naming the owner; the first is untouched
sed 's/^steps = .*/steps = 8000/' "$exps/long.ini" >"$dir/own.ini"     # long enough to be caught
"$bin" run "$dir/own.ini" -o "$dir/own-ref.h5" --quiet || bad "own.ini"
mpi run "$dir/own.ini" -o "$dir/own.h5" --threads 1 --quiet 2>"$dir/own1.err" &
job=$!
for i in $(seq 1 1200); do [ -e "$dir/own.h5.parts/owner" ] && break; sleep 0.1; done
timeout 120 "$mpirun" --allow-run-as-root --oversubscribe -np 2 "$mpibin" run "$dir/own.ini" -o "$dir/own.h5" \
    --resume --quiet 2>"$dir/own2.err"
rc2=$?
"$bin" run "$dir/own.ini" -o "$dir/own.h5" --force --quiet 2>"$dir/own3.err"
rc3=$?
kill -0 $job 2>/dev/null || echo "note: the first job ended before the second ones were tried (own.ini too short)"
wait $job
rc=$?
[ $rc2 -eq 2 ] && [ $rc3 -eq 2 ] && grep -q "own.h5: in use by another rnnbench run (pid" "$dir/own2.err" &&
    grep -q "own.h5: in use by another rnnbench run (pid" "$dir/own3.err" && [ $rc -eq 0 ] && same "$dir/own-ref.h5" "$dir/own.h5" &&
    ok "a second job on an MPI job's output is refused (exit 2); the first ends untouched" ||
    { bad "one owner under MPI: exits $rc2, $rc3, first $rc"; cat "$dir/own2.err" "$dir/own3.err" "$dir/own1.err"; }

# bad input: one line of ours, from rank 0 only (mpirun adds its own
# report of the exit status), and exit status 2
mpi run "$exps/nothere.ini" -o "$dir/x.h5" 2>"$dir/bad.err"
rc=$?
[ $rc -eq 2 ] && [ "$(grep -c '^rnnbench run:' "$dir/bad.err")" -eq 1 ] && grep -q "nothere.ini" "$dir/bad.err" &&
    ok "bad input: exit 2, one line" ||
    { bad "bad input: exit $rc"; cat "$dir/bad.err"; }

# one rank that cannot read the file: every rank stops, exit 2, no hang
timeout 120 "$mpirun" --allow-run-as-root --oversubscribe -np 1 "$mpibin" run "$exps/basic.ini" -o "$dir/y.h5" --quiet : \
    -np 1 "$mpibin" run "$exps/nothere.ini" -o "$dir/y.h5" --quiet 2>"$dir/mixed.err"
rc=$?
[ $rc -eq 2 ] && grep -q "^rnnbench run: rank 1: .*nothere.ini" "$dir/mixed.err" && [ ! -e "$dir/y.h5" ] &&
    ok "a rank that cannot read the file stops them all: exit 2" || { bad "a rank without the file: exit $rc"; cat "$dir/mixed.err"; }

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
