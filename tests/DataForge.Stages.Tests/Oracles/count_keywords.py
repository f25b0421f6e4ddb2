"""Counts, with pydicom, how many times each given keyword occurs at any depth in the DICOM files under a folder.

usage: count_keywords.py FOLDER KEYWORD...   prints JSON {keyword: count}
"""
import json
import sys
from pathlib import Path

import pydicom

counts = {k: 0 for k in sys.argv[2:]}
for path in sorted(Path(sys.argv[1]).rglob("*.dcm")):
    for elem in pydicom.dcmread(str(path)).iterall():
        if elem.keyword in counts:
            counts[elem.keyword] += 1
print(json.dumps(counts))
