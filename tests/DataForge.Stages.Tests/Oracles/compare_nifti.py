"""Compares two NIfTI files independently of their voxel layout, for the volume stage's tests.

Usage: compare_nifti.py A B. Both are loaded with nibabel and brought to the closest canonical (RAS+)
orientation; prints JSON: both shapes, whether the real values (scaling applied) are equal, the largest
absolute value difference, and the largest absolute difference between the two affines (mm)."""
import json
import sys

import nibabel
import numpy as np


def load(path):
    image = nibabel.as_closest_canonical(nibabel.load(path))
    return image, np.asarray(image.get_fdata(dtype=np.float64))


a, va = load(sys.argv[1])
b, vb = load(sys.argv[2])
same_shape = va.shape == vb.shape
print(json.dumps({
    "shape_a": list(va.shape),
    "shape_b": list(vb.shape),
    "values_equal": bool(same_shape and np.array_equal(va, vb)),
    "max_value_difference": float(np.max(np.abs(va - vb))) if same_shape else None,
    "max_affine_difference": float(np.max(np.abs(a.affine - b.affine))),
    "sform_code_a": int(nibabel.load(sys.argv[1]).header["sform_code"]),
    "qform_code_a": int(nibabel.load(sys.argv[1]).header["qform_code"]),
}))
