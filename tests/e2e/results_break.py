#!/usr/bin/python3
"""results_break.py GOOD.h5 BAD.h5 DEFECT RUN - a copy of a results file
with one defect in run RUN (results_errors.sh): what the one reader of the
schema must refuse, naming the dataset or attribute.

  rows       dh_norm has two rows more than log_step
  int_dh     dh_norm stored as integers
  flat_dh    dh_norm flattened to 1-D
  cols       dh_norm has one column fewer than seq_total
  grad_len   grad_norm has one value fewer than steps_done
  log_order  log_step not increasing (two rows swapped)
  cell       the run's cell is not in the registry
  schema     schema_version 99
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
    replace("dh_norm", dh[:, :-1])
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
elif defect == "missing":
    del g["eval_loss"]
else:
    sys.exit("unknown defect " + defect)
f.close()
