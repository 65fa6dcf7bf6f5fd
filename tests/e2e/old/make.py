#!/usr/bin/python3
"""make.py SCHEMA2_RAW.h5 DIR - the committed old-schema results files,
for results_schemas.sh (run once by hand; the files are committed):

  rnnbench-0.2.0 run old.ini -o SCHEMA2_RAW.h5
  make.py SCHEMA2_RAW.h5 DIR
  rnnbench-0.2.0 summary DIR/schemaN.h5 >DIR/schemaN.summary   (N = 1, 2)
  rnnbench-0.2.0 summary DIR/schemaN.h5 --csv >DIR/schemaN.csv

  schema2.h5   what rnnbench 0.2.0 (the last release of schema 2) wrote for
               old.ini, every attribute and dataset as it was, but stored
               compactly (datasets in their object headers, not chunked and
               compressed; attributes in the group's header) so that the
               file is small;
  schema1.h5   the same made schema 1 as rnnbench 0.1.0 wrote it: no
               w_hh_radius, w_hh_sigma (schema 2), no dh_log10, dc_log10 and
               no run attributes rnnbench_version, experiment_hash,
               variable_length (0.2.0's). rnnbench 0.1.0 itself is not
               built here: this rewrite stands for it.
"""
import os
import sys

import h5py
import numpy as np

SCHEMA2_ONLY = ["w_hh_radius", "w_hh_sigma", "dh_log10", "dc_log10"]
RUN_ATTRS_SINCE_020 = ["rnnbench_version", "experiment_hash", "variable_length"]


def copy_attrs(src, dst, drop=()):
    for k in src.attrs:
        if k not in drop:
            dst.attrs.create(k, src.attrs[k], dtype=src.attrs.get_id(k).dtype)


def compact_group(parent, name):
    """A group whose attributes (a run has about 35) stay in its header."""
    gcpl = h5py.h5p.create(h5py.h5p.GROUP_CREATE)
    gcpl.set_attr_phase_change(100, 90)
    return h5py.Group(h5py.h5g.create(parent.id, name.encode(), gcpl=gcpl))


def compact_dataset(group, name, data):
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_layout(h5py.h5d.COMPACT)
    d = h5py.h5d.create(group.id, name.encode(), h5py.h5t.py_create(data.dtype),
                        h5py.h5s.create_simple(data.shape), dcpl=dcpl)
    d.write(h5py.h5s.ALL, h5py.h5s.ALL, np.ascontiguousarray(data))


def copy(src_path, dst_path, schema):
    with h5py.File(src_path, "r") as src, h5py.File(dst_path, "w", libver="latest") as dst:
        copy_attrs(src, dst)
        dst.attrs["schema_version"] = schema
        runs = dst.create_group("runs")
        for name, g in src["runs"].items():
            out = compact_group(runs, name)
            copy_attrs(g, out, RUN_ATTRS_SINCE_020 if schema == 1 else ())
            for d in g:
                if not (schema == 1 and d in SCHEMA2_ONLY):
                    compact_dataset(out, d, g[d][()])


raw, out = sys.argv[1], sys.argv[2]
copy(raw, os.path.join(out, "schema2.h5"), 2)
copy(raw, os.path.join(out, "schema1.h5"), 1)
