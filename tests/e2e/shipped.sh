#!/bin/bash
# shipped.sh RNNBENCH EXPERIMENTS_DIR
# Every experiment file shipped in experiments/ reads, expands and checks
# (rnnbench run --check: keys, values, memory) without running; each
# -small preset has its full experiment beside it, under the same name
# within the file; and each file's header gives the command that runs it.
# A file over Fashion-MNIST is skipped, with a line, where the dataset is
# not installed (its --check reads the files).
set -u
bin=$1 dir=$2
passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $1"; }
images=/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz
for f in "$dir"/*.ini; do
    stem=$(basename "$f" .ini)
    if grep -qE '^task *=.*(smnist|rmnist)' "$f" && [ ! -e "$images" ]; then
        echo "skipped: $stem reads Fashion-MNIST, not installed (apt-get install dataset-fashion-mnist)"
        continue
    fi
    out=$("$bin" run "$f" --check 2>&1) && echo "$out" | grep -q "experiment $stem, [0-9]* runs*, each valid" &&
        ok || bad "$stem: $out"
    grep -q "rnnbench run experiments/$stem.ini" "$f" && ok || bad "$stem: its header does not give its command"
    case $stem in
    *-small) [ -e "$dir/${stem%-small}.ini" ] && ok || bad "$stem: no ${stem%-small}.ini beside it" ;;
    esac
done
# --check refuses what a sweep refuses: exit 2, one line naming the file
printf '[experiment]\nname = x\ndescription = x\n[model]\nhidden = 0\n' >"${TMPDIR:-/tmp}/shipped_bad.$$.ini"
"$bin" run "${TMPDIR:-/tmp}/shipped_bad.$$.ini" --check >/dev/null 2>"${TMPDIR:-/tmp}/shipped_bad.$$.err"
rc=$?
[ $rc -eq 2 ] && [ "$(wc -l <"${TMPDIR:-/tmp}/shipped_bad.$$.err")" -eq 1 ] &&
    grep -q "shipped_bad.$$.ini:.*hidden" "${TMPDIR:-/tmp}/shipped_bad.$$.err" && ok ||
    bad "--check of a bad file: exit $rc, $(cat "${TMPDIR:-/tmp}/shipped_bad.$$.err")"
rm -f "${TMPDIR:-/tmp}/shipped_bad.$$.ini" "${TMPDIR:-/tmp}/shipped_bad.$$.err"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
