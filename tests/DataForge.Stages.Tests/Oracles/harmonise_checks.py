"""Independent checks of harmonised volumes for the harmonise stage tests (nibabel + numpy).

  harmonise_checks.py describe FILE...          JSON per file: axis codes, shape, mean, population std
  harmonise_checks.py nyul ORIGINAL MAPPED LANDMARKS_JSON
      the original volume's landmarks (percentiles of voxels above its mean), then the largest
      difference between MAPPED and numpy's piecewise-linear interpolation of ORIGINAL from those
      landmarks onto the learnt standard landmarks, over voxels between the first and last landmark
"""
import json
import sys

import nibabel
import numpy as np


def describe(paths):
    out = {}
    for p in paths:
        img = nibabel.load(p)
        v = np.asarray(img.get_fdata(dtype=np.float64))
        out[p] = {"axcodes": "".join(nibabel.aff2axcodes(img.affine)), "shape": list(v.shape),
                  "mean": float(v.mean()), "std": float(v.std())}
    print(json.dumps(out))


def nyul(original, mapped, landmarks_path):
    x = np.asarray(nibabel.load(original).get_fdata(dtype=np.float64)).ravel()
    y = np.asarray(nibabel.load(mapped).get_fdata(dtype=np.float64)).ravel()
    learnt = json.load(open(landmarks_path))
    percentiles = np.array(learnt["Percentiles"], dtype=np.float64)
    standard = np.array(learnt["Standard"], dtype=np.float64)
    foreground = x[x > x.mean()]
    own = np.percentile(foreground.astype(np.float32).astype(np.float64), percentiles)
    inside = (x >= own[0]) & (x <= own[-1])
    expected = np.interp(x[inside], own, standard)
    print(json.dumps({
        "own_landmarks": own.tolist(),
        "standard": standard.tolist(),
        "max_difference": float(np.max(np.abs(y[inside] - expected))),
        "checked_voxels": int(inside.sum()),
    }))


if sys.argv[1] == "describe":
    describe(sys.argv[2:])
else:
    nyul(*sys.argv[2:5])
