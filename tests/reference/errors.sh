#!/bin/bash
# errors.sh RNNBENCH FIXTURES WORKDIR
# Bad stacked (K > 1) inputs to `rnnbench grad`, tensors a cell does not
# have (a dense weight_hh for indrnn, any weight_hh for mingru, a bias_hh for
# a one-bias cell, a weight_ch for any cell but cornn), and bad constants (a
# cornn_dt that is not a finite number, or given to an lstm): exit status 2,
# exactly one line on stderr naming the file and the dataset or attribute
# at fault, no output file left. Each bad file is a committed fixture (FIXTURES/case_*.h5) with one
# thing changed by h5py; skipped (exit 77) where h5py is absent. The
# one-layer errors are tests/e2e/cli_errors.sh's.
set -u
bin=$1 fixtures=$2 dir=$3
py=/usr/bin/python3
"$py" -c 'import h5py, numpy' 2>/dev/null || { echo "python3-h5py/numpy missing: skipped"; exit 77; }
rm -rf "$dir" && mkdir -p "$dir"
passed=0 failed=0

# bad NAME FIXTURE PYTHON: $dir/NAME.h5, FIXTURE changed by PYTHON (f is the
# open file, np numpy)
bad() {
    cp "$fixtures/case_$2.h5" "$dir/$1.h5" && chmod u+w "$dir/$1.h5" &&
    "$py" -c "import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], 'r+')
$3" "$dir/$1.h5" || { echo "cannot make $1.h5"; exit 1; }
}

# expect STATUS PATTERN NAME: rnnbench grad $dir/NAME.h5 $dir/out.h5
expect() {
    local want=$1 pattern=$2 in=$dir/$3.h5 out=$dir/out.h5
    rm -f "$out"
    "$bin" grad "$in" "$out" >"$dir/stdout" 2>"$dir/stderr"
    local rc=$? lines
    lines=$(wc -l <"$dir/stderr")
    if [ "$rc" -eq "$want" ] && { [ -z "$pattern" ] || grep -q -- "$pattern" "$dir/stderr"; } &&
       { [ "$want" -eq 0 ] || { [ "$lines" -eq 1 ] && [ ! -e "$out" ]; }; } &&
       ! ls "$dir"/*.tmp.* >/dev/null 2>&1; then
        passed=$((passed + 1))
        echo "ok: $3: $(cat "$dir/stderr")"
    else
        failed=$((failed + 1))
        echo "FAIL: $3 -> exit $rc (want $want), $lines stderr lines, want /$pattern/:"
        sed 's/^/    /' "$dir/stderr"
        [ "$want" -ne 0 ] && [ -e "$out" ] && echo "    and $out was left behind"
    fi
}

# rnn_tanh_k2_small: K = 2, T = 7, B = 3, I = 4, H = 5; lstm_k2_small likewise
# with c0; gru_k3_medium: K = 3, T = 16, B = 3, I = 3, H = 10, G = 3.
bad wih1_shape rnn_tanh_k2_small 'del f["weight_ih_l1"]; f["weight_ih_l1"] = np.zeros((5, 4), np.float32)'
expect 2 "wih1_shape.h5: dataset 'weight_ih_l1' has shape \[5,4\], expected \[5,5\]" wih1_shape
bad whh1_shape gru_k3_medium 'del f["weight_hh_l1"]; f["weight_hh_l1"] = np.zeros((30, 3), np.float32)'
expect 2 "whh1_shape.h5: dataset 'weight_hh_l1' has shape \[30,3\], expected \[30,10\]" whh1_shape
bad no_bih2 gru_k3_medium 'del f["bias_ih_l2"]'
expect 2 "no_bih2.h5: dataset 'bias_ih_l2' is missing" no_bih2
# a gap: weight_ih_l1 gone, layer 1's and 2's other tensors still there
bad gap_l1 gru_k3_medium 'del f["weight_ih_l1"]'
expect 2 "gap_l1.h5: dataset 'bias_hh_l1' is of layer 1 but 'weight_ih_l1' is missing" gap_l1
# a layer beyond the last: weight_hh_l2 without weight_ih_l2
bad stray_l2 rnn_tanh_k2_small 'f["weight_hh_l2"] = np.zeros((5, 5), np.float32)'
expect 2 "stray_l2.h5: dataset 'weight_hh_l2' is of layer 2 but 'weight_ih_l2' is missing" stray_l2
# h0, c0 of the wrong depth, or [B,H] for K > 1
bad h0_k3 rnn_tanh_k2_small 'del f["h0"]; f["h0"] = np.zeros((3, 3, 5), np.float32)'
expect 2 "h0_k3.h5: dataset 'h0' has shape \[3,3,5\], expected \[2,3,5\] \[K,B,H\] for K = 2" h0_k3
bad h0_2d rnn_tanh_k2_small 'del f["h0"]; f["h0"] = np.zeros((3, 5), np.float32)'
expect 2 "h0_2d.h5: dataset 'h0' has shape \[3,5\], expected \[2,3,5\]" h0_2d
bad c0_k1 lstm_k2_small 'del f["c0"]; f["c0"] = np.zeros((1, 3, 5), np.float32)'
expect 2 "c0_k1.h5: dataset 'c0' has shape \[1,3,5\], expected \[2,3,5\]" c0_k1
bad h0_b rnn_tanh_k2_small 'del f["h0"]; f["h0"] = np.zeros((2, 4, 5), np.float32)'
expect 2 "h0_b.h5: dataset 'h0' has shape \[2,4,5\], expected \[2,3,5\]" h0_b
# the tensors a cell declares (cell.h): indrnn's weight_hh is the vector u
# [G*H] and it has one bias; mingru and minlstm have no weight_hh and one
# bias. A PyTorch tensor the cell lacks is an error, not silently ignored.
# indrnn_k2_small, mingru_k2_small, minlstm_k2_small: K = 2, T = 7, B = 3,
# I = 4, H = 5 (G = 1, 2, 3).
bad indrnn_whh_dense indrnn_k2_small 'del f["weight_hh_l0"]; f["weight_hh_l0"] = np.zeros((5, 5), np.float32)'
expect 2 "indrnn_whh_dense.h5: dataset 'weight_hh_l0' has shape \[5,5\], expected \[5\] (cell indrnn: a diagonal recurrence" indrnn_whh_dense
bad indrnn_bhh indrnn_k2_small 'f["bias_hh_l1"] = np.zeros(5, np.float32)'
expect 2 "indrnn_bhh.h5: dataset 'bias_hh_l1' is not a tensor of cell indrnn (it has one bias" indrnn_bhh
bad indrnn_no_u indrnn_k2_small 'del f["weight_hh_l1"]'
expect 2 "indrnn_no_u.h5: dataset 'weight_hh_l1' is missing" indrnn_no_u
bad mingru_whh mingru_k2_small 'f["weight_hh_l1"] = np.zeros((10, 5), np.float32)'
expect 2 "mingru_whh.h5: dataset 'weight_hh_l1' is not a tensor of cell mingru (it has no recurrent weight" mingru_whh
bad mingru_whh_diag mingru_k2_small 'f["weight_hh_l0"] = np.zeros(10, np.float32)'
expect 2 "mingru_whh_diag.h5: dataset 'weight_hh_l0' is not a tensor of cell mingru" mingru_whh_diag
bad minlstm_bhh minlstm_k2_small 'f["bias_hh_l0"] = np.zeros(15, np.float32)'
expect 2 "minlstm_bhh.h5: dataset 'bias_hh_l0' is not a tensor of cell minlstm (it has one bias" minlstm_bhh
bad minlstm_wih1 minlstm_k2_small 'del f["weight_ih_l1"]; f["weight_ih_l1"] = np.zeros((10, 5), np.float32)'
expect 2 "minlstm_wih1.h5: dataset 'weight_ih_l1' has shape \[10,5\], expected \[15,5\]" minlstm_wih1
bad mingru_stray_l2 mingru_k2_small 'f["bias_ih_l2"] = np.zeros(10, np.float32)'
expect 2 "mingru_stray_l2.h5: dataset 'bias_ih_l2' is of layer 2 but 'weight_ih_l2' is missing" mingru_stray_l2
# exprnn (exprnn_k2_small: K = 2, T = 7, B = 3, I = 4, H = 5): weight_ih,
# weight_hh (A, [H,H]), b (modrelu's); no bias_ih, no bias_hh.
bad exprnn_bih exprnn_k2_small 'f["bias_ih_l0"] = np.zeros(5, np.float32)'
expect 2 "exprnn_bih.h5: dataset 'bias_ih_l0' is not a tensor of cell exprnn (it has no bias in its pre-activation" exprnn_bih
bad exprnn_no_b exprnn_k2_small 'del f["b_l1"]'
expect 2 "exprnn_no_b.h5: dataset 'b_l1' is missing" exprnn_no_b
# lru (lru_k2_small: K = 2, T = 7, B = 3, I = H = 6): weight_ih, nu_log,
# theta_log, gamma_log [H/2], C [H, H], D [H]; x must be [T,B,H] (D u).
bad lru_x_width lru_k2_small 'del f["x"]; f["x"] = np.zeros((7, 3, 4), np.float32); del f["weight_ih_l0"]; f["weight_ih_l0"] = np.zeros((6, 4), np.float32)'
expect 2 "lru_x_width.h5: dataset 'x' is \[T,B,4\]: cell lru's output D\*u needs I = H = 6" lru_x_width
bad lru_no_C lru_k2_small 'del f["C_l1"]'
expect 2 "lru_no_C.h5: dataset 'C_l1' is missing" lru_no_C
bad lru_nu_shape lru_k2_small 'del f["nu_log_l0"]; f["nu_log_l0"] = np.zeros(6, np.float32)'
expect 2 "lru_nu_shape.h5: dataset 'nu_log_l0' has shape \[6\], expected \[3\]" lru_nu_shape
# cornn (cornn_k2_small: K = 2, T = 7, B = 3, I = 4, H = 5, G = 1): its
# tensors are weight_ih, weight_hh (W, on y), weight_ch (W_z, on z),
# bias_ih; its constants the root attributes cornn_dt, cornn_gamma,
# cornn_eps, each a finite number, and no other cell's.
bad cornn_no_wch cornn_k2_small 'del f["weight_ch_l1"]'
expect 2 "cornn_no_wch.h5: dataset 'weight_ch_l1' is missing" cornn_no_wch
bad cornn_wch_shape cornn_k2_small 'del f["weight_ch_l0"]; f["weight_ch_l0"] = np.zeros((5, 4), np.float32)'
expect 2 "cornn_wch_shape.h5: dataset 'weight_ch_l0' has shape \[5,4\], expected \[5,5\]" cornn_wch_shape
bad cornn_bhh cornn_k2_small 'f["bias_hh_l0"] = np.zeros(5, np.float32)'
expect 2 "cornn_bhh.h5: dataset 'bias_hh_l0' is not a tensor of cell cornn (it has one bias" cornn_bhh
bad cornn_stray_wch2 cornn_k2_small 'f["weight_ch_l2"] = np.zeros((5, 5), np.float32)'
expect 2 "cornn_stray_wch2.h5: dataset 'weight_ch_l2' is of layer 2 but 'weight_ih_l2' is missing" cornn_stray_wch2
bad cornn_dt_nan cornn_k2_small 'f.attrs["cornn_dt"] = np.nan'
expect 2 "cornn_dt_nan.h5: root attribute 'cornn_dt' is nan, not a finite number" cornn_dt_nan
bad cornn_eps_inf cornn_k2_small 'f.attrs["cornn_eps"] = np.float32(np.inf)'
expect 2 "cornn_eps_inf.h5: root attribute 'cornn_eps' is inf, not a finite number" cornn_eps_inf
bad cornn_dt_str cornn_k2_small 'f.attrs["cornn_dt"] = "0.1"'
expect 2 "cornn_dt_str.h5: attribute 'cornn_dt' of '/' is not a number" cornn_dt_str
bad cornn_eps_array cornn_k2_small 'f.attrs["cornn_eps"] = np.arange(8.0)'
expect 2 "cornn_eps_array.h5: attribute 'cornn_eps' of '/' is not one number" cornn_eps_array
bad lstm_cornn_dt lstm_k2_small 'f.attrs["cornn_dt"] = 0.1'
expect 2 "lstm_cornn_dt.h5: root attribute 'cornn_dt' is a constant of cell cornn, not of cell lstm" lstm_cornn_dt
bad lstm_peephole lstm_k2_small 'f["peephole_l0"] = np.zeros(15, np.float32)'
expect 2 "lstm_peephole.h5: dataset 'peephole_l0' is not a tensor of cell lstm (it has no peepholes)" lstm_peephole
bad lstm_wch lstm_k2_small 'f["weight_ch_l0"] = np.zeros((20, 5), np.float32)'
expect 2 "lstm_wch.h5: dataset 'weight_ch_l0' is not a tensor of cell lstm" lstm_wch
bad mingru_wch mingru_k2_small 'f["weight_ch_l1"] = np.zeros((10, 5), np.float32)'
expect 2 "mingru_wch.h5: dataset 'weight_ch_l1' is not a tensor of cell mingru (it has no second state" mingru_wch
# lstm_vo (lstm_vo_k2_small: H = 5): weight_co [H, H] in every layer, and
# in no other cell's file
bad vo_no_wco lstm_vo_k2_small 'del f["weight_co_l1"]'
expect 2 "vo_no_wco.h5: dataset 'weight_co_l1' is missing" vo_no_wco
bad vo_wco_shape lstm_vo_k2_small 'del f["weight_co_l0"]; f["weight_co_l0"] = np.zeros((20, 5), np.float32)'
expect 2 "vo_wco_shape.h5: dataset 'weight_co_l0' has shape \[20,5\], expected \[5,5\]" vo_wco_shape
bad lstm_wco lstm_k2_small 'f["weight_co_l0"] = np.zeros((5, 5), np.float32)'
expect 2 "lstm_wco.h5: dataset 'weight_co_l0' is not a tensor of cell lstm (its output gate does not see c_t through a weight)" lstm_wco
bad vo_stray_wco2 lstm_vo_k2_small 'f["weight_co_l2"] = np.zeros((5, 5), np.float32)'
expect 2 "vo_stray_wco2.h5: dataset 'weight_co_l2' is of layer 2 but 'weight_ih_l2' is missing" vo_stray_wco2
# what is accepted: K = 1 with h0 [1,B,H] or [B,H]; unrelated names ignored;
# cornn's constants as integers (gamma = 66, the default, stored as an int)
bad k1_h0_3d rnn_tanh_small 'h = f["h0"][()]; del f["h0"]; f["h0"] = h[None]'
expect 0 "" k1_h0_3d
bad extra_names rnn_tanh_k2_small 'f["weight_ih_l01"] = np.zeros(1); f["weight_hh_lx"] = np.zeros(1); f["notes"] = np.zeros(1)'
expect 0 "" extra_names
bad cornn_int_gamma cornn_k2_small 'f.attrs["cornn_gamma"] = np.int32(66)'
expect 0 "" cornn_int_gamma

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
