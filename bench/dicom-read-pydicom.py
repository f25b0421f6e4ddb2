#!/usr/bin/python3
"""pydicom side of bench/dicom-read.sh: dcmread(stop_before_pixels=True) of every file in a list; prints "files seconds"."""
import sys
import time

import pydicom

files = [line.strip() for line in open(sys.argv[1]) if line.strip()]
for f in files[:200]:
    pydicom.dcmread(f, stop_before_pixels=True)
start = time.perf_counter()
names = 0
for f in files:
    if pydicom.dcmread(f, stop_before_pixels=True).get("PatientName") is not None:
        names += 1
elapsed = time.perf_counter() - start
if names != len(files):
    sys.exit("only %d of %d files had a patient name" % (names, len(files)))
print(len(files), "%.3f" % elapsed)
