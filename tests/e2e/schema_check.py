#!/usr/bin/python3
"""schema_check.py RESULTS.h5: does h5py read every attribute and dataset
that docs/results.md promises (schema 3), with the shapes that fit
together: [n_logged, num_layers, seq_total] norms, [n_logged, num_layers, G]
spectra, and grad_norm_tensor [steps_done, n_tensors] whose names are the
parameter tensors of the run's cell and num_layers, in the model's order?"""
import sys

import h5py
import numpy as np

ROOT = ["schema_version", "rnnbench_version", "precision", "experiment", "description",
        "experiment_text", "runs_in_grid", "created"]
PARAMS = ["task", "seq_len", "data_dir", "perm_seed", "variable_length", "cell", "hidden", "num_layers", "init", "forget_bias", "batch", "steps",
          "optimizer", "lr", "momentum", "nesterov", "alpha", "beta1", "beta2", "eps",
          "clip", "seed", "log_every", "eval_batch"]
OUTCOME = ["clip_mode", "clip_threshold", "status", "steps_done", "diverged_step", "wall_seconds", "final_loss", "final_eval_size",
           "final_metric", "baseline", "solved", "solve_step", "seq_total", "precision", "name"]
SERIES = ["loss", "metric", "grad_norm", "grad_norm_clipped"]
LOGGED = ["log_step", "eval_loss", "eval_metric"]
G_OF = {"rnn_tanh": 1, "rnn_relu": 1, "rnn_sigmoid": 1, "lstm": 4, "gru": 3, "lstm_peephole": 4, "lstm_cifg": 3,
        "lstm_nfg": 3, "gru_cho": 3, "mgu": 2, "indrnn": 1, "mingru": 2, "minlstm": 3, "cornn": 1,
        "exprnn": 1, "lru": 1, "lstm_vo": 4}
EXTRAS = {"lstm_peephole": ["peephole"], "exprnn": ["b"],
          "lru": ["nu_log", "theta_log", "gamma_log", "C", "D"]}     # a cell's extra tensors, after bias_hh of each layer
NO_WEIGHT_HH = {"mingru", "minlstm", "lru"}  # no recurrent weight: no weight_hh
RADIUS = {"lru"}                             # its spectrum is max |lambda|, from its extras
ENCODER = {"lru"}                            # encoder.weight, encoder.bias before the layers
ONE_BIAS = {"indrnn", "mingru", "minlstm", "cornn"}   # bias_ih only
NO_BIAS = {"exprnn", "lru"}                         # neither bias (modrelu's b is an extra)
ORTH = {"exprnn"}                            # a formed orthogonal weight_hh: w_hh_orth_error
C_DENSE = {"cornn"}                          # weight_ch after weight_hh: the second state's weight
C_OUT = {"lstm_vo"}                          # weight_co after weight_hh: V_o, the output gate's on c_t
HAS_C = {"cornn", "lru"}                            # besides the lstm family: a second state, dc_norm


def tensor_names(cell, K):
    """The parameter tensors of a run, in grad_norm_tensor's column order."""
    names = ["encoder.weight", "encoder.bias"] if cell in ENCODER else []
    for k in range(K):
        kinds = ["weight_ih", "weight_hh", "weight_ch", "weight_co", "bias_ih", "bias_hh"]
        kinds = [t for t in kinds if not (t == "weight_hh" and cell in NO_WEIGHT_HH)
                 and not (t == "weight_ch" and cell not in C_DENSE)
                 and not (t == "weight_co" and cell not in C_OUT)
                 and not (t == "bias_hh" and cell in ONE_BIAS)
                 and not (t.startswith("bias") and cell in NO_BIAS)]
        names += [f"{t}_l{k}" for t in kinds + EXTRAS.get(cell, [])]
    return names + ["readout.weight", "readout.bias"]


problems, checks = [], 0


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        problems.append(what)


def check_tensors(name, g, n, K):
    """grad_norm_tensor: [steps_done, n_tensors], its names the run's tensors."""
    check("grad_norm_tensor" in g, f"{name}: grad_norm_tensor")
    if "grad_norm_tensor" not in g:
        return
    t = g["grad_norm_tensor"]
    raw = list(t.attrs.get("names", []))
    names = [str(x) for x in raw]
    check(raw and all(isinstance(x, str) for x in raw), f"{name}: grad_norm_tensor names there, read as str")
    want = tensor_names(g.attrs["cell"], K)
    if g.attrs.get("learn_h0", "false") == "true":     # learned initial states, last
        cell = g.attrs["cell"]
        states = ["h0", "c0"] if (cell.startswith("lstm") or cell in HAS_C) else ["h0"]
        want += [f"{s}_l{k}" for s in states for k in range(K)]
    check(names == want, f"{name}: grad_norm_tensor names {names}, want {want}")
    check(t.shape == (n, len(names)) and t.dtype == np.float64, f"{name}/grad_norm_tensor shape {t.shape}")
    check(t.compression == "gzip" and t.chunks is not None, f"{name}/grad_norm_tensor chunked, compressed")
    if t.shape[0] != n or t.ndim != 2:
        return
    # the global norm is the norm of the tensors' norms (both before clipping)
    tn, gn = t[()], g["grad_norm"][()]
    fin = np.isfinite(gn) & np.all(np.isfinite(tn), axis=1)
    check(np.allclose(np.sqrt((tn[fin] ** 2).sum(axis=1)), gn[fin], rtol=1e-5, atol=0),
          f"{name}: sqrt(sum of grad_norm_tensor^2) = grad_norm")


f = h5py.File(sys.argv[1], "r")
for a in ROOT:
    check(a in f.attrs, f"root attribute {a}")
check(f.attrs.get("schema_version") == 3, "schema_version 3")
check(isinstance(f.attrs.get("experiment"), str), "strings read as str")
runs = f["runs"]
check(len(runs) > 0, "some runs")
for name, g in runs.items():
    for a in PARAMS + OUTCOME:
        check(a in g.attrs, f"{name}: attribute {a}")
    check(g.attrs["name"] == name, f"{name}: name attribute")
    n, L = int(g.attrs["steps_done"]), int(g.attrs["seq_total"])
    status = g.attrs["status"]
    check(status in ("finished", "diverged", "interrupted"), f"{name}: status {status}")
    for d in SERIES:
        check(g[d].shape == (n,) and g[d].dtype == np.float64, f"{name}/{d} shape {g[d].shape}")
        check(g[d].compression == "gzip" and g[d].chunks is not None, f"{name}/{d} chunked, compressed")
    m = g["log_step"].shape[0]
    for d in LOGGED:
        check(g[d].shape == (m,), f"{name}/{d} shape")
    K = g.attrs.get("num_layers")
    good_K = isinstance(K, (int, np.integer)) and K >= 1
    check(good_K, f"{name}: num_layers {K!r} an integer >= 1")
    K = int(K) if good_K else 1     # to go on checking the rest
    check(g["dh_norm"].shape == (m, K, L), f"{name}/dh_norm shape {g['dh_norm'].shape}, want {(m, K, L)}")
    G = G_OF[g.attrs["cell"]]
    check_tensors(name, g, n, K)
    if g.attrs["cell"] in NO_WEIGHT_HH and g.attrs["cell"] not in RADIUS:
        check("w_hh_radius" not in g and "w_hh_sigma" not in g, f"{name}: no spectrum without a weight_hh")
    else:
        for d in ("w_hh_radius", "w_hh_sigma"):
            check(g[d].shape == (m, K, G), f"{name}/{d} shape {g[d].shape}, want {(m, K, G)}")
        rad, sig = g["w_hh_radius"][()], g["w_hh_sigma"][()]
        fin = np.isfinite(rad) & np.isfinite(sig)
        check(np.all(rad[fin] > 0) and np.all(rad[fin] <= sig[fin] * (1 + 1e-5)),  # both estimates within 1e-5
              f"{name}: 0 < spectral radius <= largest singular value")
    check(("w_hh_orth_error" in g) == (g.attrs["cell"] in ORTH), f"{name}: w_hh_orth_error iff exprnn")
    if "w_hh_orth_error" in g:
        e = g["w_hh_orth_error"][()]
        check(e.shape == (m, K), f"{name}/w_hh_orth_error shape {e.shape}, want {(m, K)}")
        check(np.all(e[np.isfinite(e)] < 1e-4), f"{name}: formed weight_hh orthogonal to float precision "
              f"(worst {np.nanmax(e) if e.size else 0:.3g})")
    check(("dc_norm" in g) == (g.attrs["cell"].startswith("lstm") or g.attrs["cell"] in HAS_C),
          f"{name}: dc_norm iff a cell with c")
    if "dc_norm" in g:
        check(g["dc_norm"].shape == (m, K, L), f"{name}/dc_norm shape")
    for norm, log in (("dh_norm", "dh_log10"), ("dc_norm", "dc_log10")):
        if norm not in g:
            check(log not in g, f"{name}: {log} without {norm}")
            continue
        check(log in g and g[log].shape == (m, K, L), f"{name}/{log} shape")
        if log not in g or g[log].shape != g[norm].shape:
            continue
        a, b = g[norm][()], g[log][()]
        both = np.isfinite(a) & (a > 1e-300)
        check(np.all(np.abs(np.log10(a[both]) - b[both]) <= 1e-12 * np.maximum(1, np.abs(b[both]))),
              f"{name}: {log} = log10({norm}) where {norm} is representable")
        check(np.all(np.isneginf(b[a == 0]) | (b[a == 0] < -300)), f"{name}: {log} of a zero norm")
    steps = g["log_step"][()]
    stopped = g.attrs.get("stop_when_solved", "false") == "true" and g.attrs["solve_step"] == n
    fell_back = float(g.attrs.get("fallback_shrink", 0)) > 0
    if status == "finished":
        check(n == g.attrs["steps"] or stopped, f"{name}: finished with all steps (or stopped solved)")
        check(m > 0 and steps[0] == 1 and steps[-1] == n, f"{name}: log_step from 1 to {n}: {steps}")
        check(np.all(np.diff(steps) > 0), f"{name}: log_step increasing")
        every = int(g.attrs["log_every"])
        want = sorted({1, n} | set(range(every, n + 1, every)))
        check(list(steps) == want, f"{name}: logged steps {list(steps)[:6]}..., want {want[:6]}...")
        check(fell_back or (np.all(np.isfinite(g["dh_norm"][()])) and np.all(g["dh_norm"][()] >= 0)),
              f"{name}: dh_norm finite")
    if status == "diverged":
        d = int(g.attrs["diverged_step"])
        check(d == n and d > 0, f"{name}: diverged at the last step done")
        last = g["loss"][n - 1], g["grad_norm"][n - 1]
        check(not (np.isfinite(last[0]) and np.isfinite(last[1])), f"{name}: non-finite at divergence")
        check(steps[-1] == d, f"{name}: the diverged step is logged")
    clip = g.attrs["clip"]
    gn, gc = g["grad_norm"][()], g["grad_norm_clipped"][()]
    ok = np.isfinite(gn) & ~(fell_back & ~(gn <= 1e10))   # a fallback step's is 0.02 ||W_hh||
    if clip == "none":
        check(np.array_equal(gn[ok], gc[ok]), f"{name}: no clipping, norms equal")
    elif clip.startswith("norm:"):
        th = float(clip[5:])
        check(np.all(gc[ok] <= th * (1 + 1e-5)), f"{name}: clipped norms <= {th}")

for p in problems[:30]:
    print("FAIL", p)
print(f"{checks - len(problems)} passed, {len(problems)} failed")
sys.exit(1 if problems else 0)
