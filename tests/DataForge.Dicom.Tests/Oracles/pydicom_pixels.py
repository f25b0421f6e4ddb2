#!/usr/bin/python3
"""Decode pixel data with pydicom + numpy, the oracle of DataForge's pixel tests.

Usage: pydicom_pixels.py FILE... -> one JSON object per line:
{"file":..., "ok":true, "count":n, "sha256": hex of the values as little endian float64, in pydicom's
pixel_array order (frame, row, column, sample)} or {"file":..., "ok":false, "error":"..."}.
"""
import hashlib
import json
import sys
import warnings

import numpy
import pydicom

warnings.simplefilter("ignore")

for path in sys.argv[1:]:
    try:
        ds = pydicom.dcmread(path)
        values = numpy.ascontiguousarray(ds.pixel_array, dtype="<f8").ravel()
        out = {"file": path, "ok": True, "count": int(values.size), "sha256": hashlib.sha256(values.tobytes()).hexdigest(),
               "first": [float(v) for v in values[:4]]}
    except Exception as exc:
        out = {"file": path, "ok": False, "error": type(exc).__name__ + ": " + str(exc)}
    sys.stdout.write(json.dumps(out) + "\n")
