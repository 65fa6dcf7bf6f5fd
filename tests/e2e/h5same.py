#!/usr/bin/python3
"""h5same.py A.h5 B.h5: are two rnnbench results files the same?

Every group, dataset and attribute must be in both, every dataset equal
bit for bit (dtype, shape and bytes), every attribute equal, except the
attributes that record when and how long: 'created' and 'wall_seconds'.
Exit 0 when the same, 1 with the differences listed when not."""
import sys

import h5py
import numpy as np

SKIP_ATTRS = {"created", "wall_seconds"}


def items(f):
    out = {}
    f.visititems(lambda name, obj: out.__setitem__(name, obj))
    out["/"] = f
    return out


def same_value(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def main():
    fa, fb = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
    ia, ib = items(fa), items(fb)
    diffs = [f"only in {sys.argv[1]}: {n}" for n in sorted(set(ia) - set(ib))]
    diffs += [f"only in {sys.argv[2]}: {n}" for n in sorted(set(ib) - set(ia))]
    checked = 0
    for name in sorted(set(ia) & set(ib)):
        a, b = ia[name], ib[name]
        if isinstance(a, h5py.Dataset):
            checked += 1
            if not same_value(a[()], b[()]):
                diffs.append(f"dataset {name} differs")
        keys = (set(a.attrs) | set(b.attrs)) - SKIP_ATTRS
        for k in sorted(keys):
            checked += 1
            if k not in a.attrs or k not in b.attrs or not same_value(a.attrs[k], b.attrs[k]):
                diffs.append(f"attribute {name}:{k} differs")
    for d in diffs[:20]:
        print(d)
    print(f"{checked} datasets and attributes compared, {len(diffs)} differ")
    return 1 if diffs or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
