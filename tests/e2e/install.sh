#!/bin/bash
# install.sh BUILD_DIR EXPERIMENTS_DIR WORKDIR
# rnnbench installed as users install tools:
#   install  cmake --install into a DESTDIR gives a binary that runs a tiny
#            experiment and a man page per command
#   deb      cpack -G DEB makes a .deb that holds the binary and the man
#            pages and depends on the Debian packages of what it links
#            (HDF5, inih, libgomp; not OpenBLAS: the kernels are its own)
set -u
build=$1 exps=$2 dir=$3
rm -rf "$dir" && mkdir -p "$dir"
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok: $1"; }
bad() { failed=$((failed + 1)); echo "FAIL: $1"; }
commands="run summary plot train grad bench list"

DESTDIR="$dir/root" cmake --install "$build" --prefix /usr/local >"$dir/install.log" 2>&1 || { bad "cmake --install"; cat "$dir/install.log"; }
bin=$dir/root/usr/local/bin/rnnbench
(cd "$dir" && "$bin" run "$exps/one.ini" -o "$dir/one.h5" --quiet && "$bin" summary "$dir/one.h5" >"$dir/summary.txt") &&
    grep -q "^run " "$dir/summary.txt" && ok "the installed binary runs an experiment and summarises it" ||
    { bad "the installed binary"; cat "$dir/summary.txt"; }
man=$dir/root/usr/local/share/man/man1
missing=""
for c in "" $(printf -- "-%s " $commands); do
    grep -q '^\.SH NAME' "$man/rnnbench$c.1" 2>/dev/null || missing="$missing rnnbench$c.1"
done
[ -z "$missing" ] && grep -q 'fB.-.-resume' "$man/rnnbench-run.1" && ok "a man page per command, from --help" ||
    bad "man pages missing:$missing"

if command -v cpack >/dev/null && command -v dpkg-deb >/dev/null; then
    (cd "$dir" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$dir/pkg") >"$dir/cpack.log" 2>&1
    deb=$(ls "$dir"/pkg/*.deb 2>/dev/null | head -1)
    deps=$( [ -n "$deb" ] && dpkg-deb -f "$deb" Depends)
    files=$( [ -n "$deb" ] && dpkg-deb -c "$deb")
    if [ -n "$deb" ] && echo "$deps" | grep -q libhdf5 && ! echo "$deps" | grep -q libopenblas &&
       echo "$deps" | grep -q libinih && echo "$deps" | grep -q libgomp &&
       echo "$files" | grep -q '/bin/rnnbench$' && echo "$files" | grep -q 'man1/rnnbench-run.1'; then
        ok "cpack -G DEB: $(basename "$deb"), Depends: $deps"
    else
        bad "cpack -G DEB (deb: ${deb:-none}; Depends: $deps)"; tail -5 "$dir/cpack.log"
    fi
else
    bad "cpack or dpkg-deb missing (scripts/install-deps installs cmake and dpkg-dev)"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
