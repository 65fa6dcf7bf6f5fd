#!/usr/bin/python3
"""results_break.py GOOD.h5 BAD.h5 DEFECT RUN - a copy of a results file
with one defect in run RUN (results_errors.sh): what the one reader of the
schema must refuse, naming the dataset or attribute.

  rows       dh_norm has two rows more than log_step
  int_dh     dh_norm stored as integers
  flat_dh    dh_norm flattened to 1-D
  cols       dh_norm has one timestep fewer than seq_total
  rank2_dh   dh_norm [n_logged, seq_total], as schema 2 had it, in a schema 3 file
  layers_dh  dh_norm with two layers, in a run of num_layers 1
  no_layers  the run's attribute num_layers removed (schema 3 files have it)
  tensor_rows   grad_norm_tensor has one row fewer than steps_done
  tensor_cols   grad_norm_tensor has one column fewer than its names
  no_names      grad_norm_tensor's attribute names removed
  int_names     grad_norm_tensor's attribute names made integers
  no_tensor     grad_norm_tensor removed (schema 3 files have it)
  grad_len   grad_norm has one value fewer than steps_done
  log_order  log_step not increasing (two rows swapped)
  cell       the run's cell is not in the registry
  schema     schema_version 99
  schema4    schema_version 4 (one newer than this rnnbench reads)
  missing    eval_loss removed
"""
import shutil
import sys

import h5py
import numpy as np

good, bad, defect, run = sys.argv[1:5]
shutil.copyfile(good, bad)
f = h5py.File(bad, "r+")
g = f["runs"][run]


def replace(name, data):
    del g[name]
    g.create_dataset(name, data=data)


dh = g["dh_norm"][()]
if defect == "rows":
    replace("dh_norm", np.concatenate([dh, dh[-2:]]))
elif defect == "int_dh":
    replace("dh_norm", np.round(dh * 1e6).astype(np.int64))
elif defect == "flat_dh":
    replace("dh_norm", dh.reshape(-1))
elif defect == "cols":
    replace("dh_norm", dh[..., :-1])
elif defect == "rank2_dh":
    replace("dh_norm", dh[:, -1, :])
elif defect == "layers_dh":
    replace("dh_norm", np.concatenate([dh, dh], axis=1))
elif defect == "no_layers":
    del g.attrs["num_layers"]
elif defect in ("tensor_rows", "tensor_cols", "no_names", "int_names"):
    t = g["grad_norm_tensor"]
    data, names = t[()], list(t.attrs["names"])
    if defect == "tensor_rows":
        data = data[:-1]
    elif defect == "tensor_cols":
        data = data[:, :-1]
    replace("grad_norm_tensor", data)
    if defect == "int_names":
        g["grad_norm_tensor"].attrs["names"] = np.arange(len(names))
    elif defect != "no_names":
        g["grad_norm_tensor"].attrs["names"] = names
elif defect == "no_tensor":
    del g["grad_norm_tensor"]
elif defect == "grad_len":
    replace("grad_norm", g["grad_norm"][:-1])
elif defect == "log_order":
    s = g["log_step"][()]
    s[1], s[2] = s[2], s[1]
    replace("log_step", s)
elif defect == "cell":
    g.attrs["cell"] = "lstm_nonesuch"
elif defect == "schema":
    f.attrs["schema_version"] = 99
elif defect == "schema4":
    f.attrs["schema_version"] = 4
elif defect == "missing":
    del g["eval_loss"]
else:
    sys.exit("unknown defect " + defect)
f.close()
