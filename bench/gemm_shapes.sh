#!/bin/bash
# gemm_shapes.sh [BxH ...] - the products of one lstm step on copy at
# T = 100 (L = 120 steps, I = 10 inputs, O = 9 classes), batch B, hidden H,
# each timed alone by build/gemm_shapes: in the order the step runs them
# (model.c's model_gemm_replay). Default sizes: 20x64 128x128.
set -eu
bin=${GEMM_SHAPES:-$(dirname "$0")/../build/gemm_shapes}
[ $# -gt 0 ] || set -- 20x64 128x128
for size in "$@"; do
    B=${size%x*} H=${size#*x} L=120 I=10 O=9
    G=$((4 * H)) R=$((L * B))
    echo "## lstm ${B}x${H}, copy T = 100: input projection, recurrent forward, readout forward,"
    echo "## readout dh, readout dW, recurrent backward, dW_ih, dW_hh"
    "$bin" 0,1,$R,$G,$I,1,0 0,0,$B,$G,$H,$L,1 0,1,$R,$O,$H,1,0 0,0,$R,$H,$O,1,0 1,0,$O,$H,$R,1,0 \
        0,0,$B,$H,$G,$L,1 1,0,$G,$I,$R,1,1 1,0,$G,$H,$R,1,1
done
