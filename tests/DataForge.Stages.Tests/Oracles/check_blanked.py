"""Checks with pydicom that OUTPUT equals INPUT except in the rectangle x, y, width, height, which is zero
in every frame and sample.

usage: check_blanked.py INPUT OUTPUT X Y WIDTH HEIGHT [TOLERANCE]   prints what differs; exit 1 when anything does
(TOLERANCE: how far pixels outside the rectangle may differ, for inputs two decoders may decode differently; 0 if left out)
"""
import sys

import numpy as np
import pydicom

before = pydicom.dcmread(sys.argv[1]).pixel_array
after = pydicom.dcmread(sys.argv[2]).pixel_array
x, y, w, h = (int(v) for v in sys.argv[3:7])
tolerance = int(sys.argv[7]) if len(sys.argv) > 7 else 0
if before.shape != after.shape:
    print(f"shape {before.shape} became {after.shape}")
    sys.exit(1)
ds = pydicom.dcmread(sys.argv[1])
frames = int(getattr(ds, "NumberOfFrames", 1) or 1)
b = before if frames > 1 else before[np.newaxis]
a = after if frames > 1 else after[np.newaxis]
mask = np.zeros(b.shape[:3], dtype=bool)
mask[:, y:y + h, x:x + w] = True
problems = []
if np.any(a[mask] != 0):
    problems.append("the rectangle is not zero")
if np.any(np.abs(a[~mask].astype(np.int64) - b[~mask].astype(np.int64)) > tolerance):
    problems.append("pixels outside the rectangle changed")
if not np.any(b[mask] != 0):
    problems.append("the rectangle was already zero in the input (the test proves nothing)")
print("; ".join(problems))
sys.exit(1 if problems else 0)
