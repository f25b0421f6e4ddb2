"""Reads every DICOM file under a folder with pydicom and prints, as JSON, each file's elements at every
depth (tag, VR, value as text) so tests can check de-identified output with a reader no one here wrote."""
import json
import sys
from pathlib import Path

import pydicom


def walk(ds, out, depth):
    for elem in ds:
        if elem.tag == 0x7FE00010:
            continue
        if elem.VR == "SQ":
            out.append({"tag": f"{elem.tag:08X}", "vr": "SQ", "depth": depth, "value": str(len(elem.value))})
            for item in elem.value:
                walk(item, out, depth + 1)
        else:
            value = elem.value
            if isinstance(value, (bytes, bytearray)):
                value = value.hex()
            elif isinstance(value, pydicom.multival.MultiValue):
                value = "\\".join(str(v) for v in value)
            out.append({"tag": f"{elem.tag:08X}", "vr": elem.VR, "depth": depth, "value": str(value)})


files = {}
for path in sorted(Path(sys.argv[1]).rglob("*.dcm")):
    ds = pydicom.dcmread(str(path))
    elements = []
    walk(ds.file_meta, elements, 0)
    walk(ds, elements, 0)
    files[str(path.relative_to(sys.argv[1]))] = elements
print(json.dumps(files))
