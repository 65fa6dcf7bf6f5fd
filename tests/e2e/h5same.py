#!/usr/bin/python3
"""h5same.py [--older] A.h5 B.h5: are two rnnbench results files the same?

Every group, dataset and attribute must be in both, every dataset equal
bit for bit (dtype, shape and bytes), every attribute equal, except the
attributes that record when and how long: 'created' and 'wall_seconds'.

--older: B was written by the release before schema 3 (rnnbench 0.2.0,
schema 2) and A by this one, for one-layer runs. Then the per-layer
datasets of A ([n, 1, L], [n, 1, G]) must hold B's [n, L], [n, G] bytes
exactly; A's additions (grad_norm_tensor; the keys added since, at their
defaults: num_layers = 1, the cornn constants none) and the version
attributes are allowed to differ; everything else as above.
Exit 0 when the same, 1 with the differences listed when not."""
import sys

import h5py
import numpy as np

SKIP_ATTRS = {"created", "wall_seconds"}
OLDER_SKIP_ATTRS = {"schema_version", "rnnbench_version"}
OLDER_NEW_ITEMS = ("grad_norm_tensor",)
LAYERED = {"dh_norm", "dc_norm", "dh_log10", "dc_log10", "w_hh_radius", "w_hh_sigma"}
NEW_KEYS = {"num_layers": lambda v: v == 1,      # keys added since 0.2.0, at their defaults
            "cornn_dt": np.isnan, "cornn_gamma": np.isnan, "cornn_eps": np.isnan,
            "lr_orth": np.isnan, "lru_r_min": lambda v: v == 0, "lru_r_max": lambda v: v == 1,
            "lru_max_phase": lambda v: v == 6.28, "omega": lambda v: v == 0,
            "rms_init": lambda v: v == 0, "learn_h0": lambda v: v == "false",
            "fallback_shrink": lambda v: v == 0, "stop_when_solved": lambda v: v == "false",
            "seq_len_min": lambda v: v == 0, "lr_step": lambda v: v == "none",
            "data_dir": lambda v: v == "/usr/share/datasets/fashion-mnist", "perm_seed": lambda v: v == 1,
            "train_set": lambda v: v == 0,
            # an attribute added with them (0.5.0): the held-out set's size, for a synthetic task
            # eval_batch rounded up to whole batches (what the older final_loss was over too)
            "final_eval_size": lambda v: v > 0}


def items(f):
    out = {}
    f.visititems(lambda name, obj: out.__setitem__(name, obj))
    out["/"] = f
    return out


def same_value(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype == object or b.dtype == object:    # strings: compare them, not pointers
        return a.dtype == b.dtype and a.shape == b.shape and a.tolist() == b.tolist()
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def one_layer_as_older(name, a):
    """A's one-layer dataset in the older file's shape: the layer axis dropped."""
    if name.rsplit("/", 1)[-1] in LAYERED and a.ndim == 3 and a.shape[1] == 1:
        return a[:, 0, :]
    return a


def main():
    args = sys.argv[1:]
    older = args[:1] == ["--older"]
    if older:
        args = args[1:]
    fa, fb = h5py.File(args[0], "r"), h5py.File(args[1], "r")
    ia, ib = items(fa), items(fb)
    only_a = set(ia) - set(ib)
    if older:
        only_a = {n for n in only_a if n.rsplit("/", 1)[-1] not in OLDER_NEW_ITEMS}
    diffs = [f"only in {args[0]}: {n}" for n in sorted(only_a)]
    diffs += [f"only in {args[1]}: {n}" for n in sorted(set(ib) - set(ia))]
    skip = SKIP_ATTRS | (OLDER_SKIP_ATTRS if older else set())
    checked = 0
    for name in sorted(set(ia) & set(ib)):
        a, b = ia[name], ib[name]
        if isinstance(a, h5py.Dataset):
            checked += 1
            va = one_layer_as_older(name, a[()]) if older else a[()]
            if not same_value(va, b[()]):
                diffs.append(f"dataset {name} differs")
        keys = (set(a.attrs) | set(b.attrs)) - skip
        for k in sorted(keys):
            checked += 1
            if older and k in NEW_KEYS and k not in b.attrs and k in a.attrs:
                if not NEW_KEYS[k](a.attrs[k]):
                    diffs.append(f"attribute {name}:{k} is {a.attrs[k]}, not its default")
                continue
            if k not in a.attrs or k not in b.attrs or not same_value(a.attrs[k], b.attrs[k]):
                diffs.append(f"attribute {name}:{k} differs")
    for d in diffs[:20]:
        print(d)
    print(f"{checked} datasets and attributes compared, {len(diffs)} differ")
    return 1 if diffs or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
