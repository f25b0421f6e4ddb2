#!/usr/bin/python3
"""Dump DICOM files as canonical JSON with pydicom, the oracle of DataForge's reader tests.

Usage: pydicom_canonical.py FILE...  -> one JSON object per line: {"file":..., "ok":true, "meta":[...], "dataset":[...]}
or {"file":..., "ok":false, "error":"..."} when pydicom rejects the file.

Each element is {"tag":"ggggeeee","vr":"XX",...} with one of:
  "items": [[element...], ...]           sequences
  "text": ["value", ...]                 text VRs, split on backslash, stripped of padding
  "numbers": [n, ...]                    US SS UL SL FL FD SV UV (AT as integers)
  "sha256": hex, "length": n             byte VRs and encapsulated pixel data (bytes as in the file)
"""
import hashlib
import json
import sys
import warnings

import pydicom
from pydicom import config
from pydicom.multival import MultiValue

config.replace_un_with_known_vr = False
config.convert_wrong_length_to_UN = False
warnings.simplefilter("ignore")

TEXT = {"AE", "AS", "CS", "DA", "DS", "DT", "IS", "LO", "LT", "PN", "SH", "ST", "TM", "UC", "UI", "UR", "UT"}
NUMBERS = {"US", "SS", "UL", "SL", "FL", "FD", "SV", "UV", "AT"}
LONG_TEXT = {"UT", "ST", "LT", "UR", "UC"}


def strip(value, vr):
    if vr == "UI":
        return value.rstrip("\0 ")
    if vr in LONG_TEXT:
        return value.rstrip(" \0")
    return value.strip(" \0")


def text_values(elem):
    value = elem.value
    if value is None or value == "":
        return []
    if isinstance(value, (bytes, bytearray)):
        value = value.decode("latin-1")
    if isinstance(value, MultiValue) or isinstance(value, list):
        items = [str(v) if not hasattr(v, "original_string") else v.original_string for v in value]
    else:
        items = [value.original_string if hasattr(value, "original_string") else str(value)]
    out = []
    for item in items:
        if isinstance(item, (bytes, bytearray)):
            item = item.decode("latin-1")
        out.extend([item] if elem.VR in LONG_TEXT else item.split("\\"))
    return [strip(v, elem.VR) for v in out]


def finite(v):
    # JSON has no NaN or infinity: they are written as strings.
    if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
        return repr(v)
    return v


def number_values(elem):
    value = elem.value
    if value is None or value == b"" or value == "":
        return []
    if isinstance(value, (MultiValue, list, tuple)):
        return [int(v) if elem.VR == "AT" else finite(v) for v in value]
    return [int(value) if elem.VR == "AT" else finite(value)]


def dump_dataset(ds):
    out = []
    for elem in ds:
        e = {"tag": "%08x" % int(elem.tag), "vr": elem.VR}
        if elem.VR == "SQ":
            e["items"] = [dump_dataset(item) for item in elem.value]
        elif elem.VR in TEXT:
            e["text"] = text_values(elem)
        elif elem.VR in NUMBERS:
            e["numbers"] = number_values(elem)
        else:
            raw = elem.value if isinstance(elem.value, (bytes, bytearray)) else b""
            e["sha256"] = hashlib.sha256(raw).hexdigest()
            e["length"] = len(raw)
        out.append(e)
    return out


def dump(path):
    try:
        ds = pydicom.dcmread(path, force=True)
        meta = dump_dataset(ds.file_meta) if getattr(ds, "file_meta", None) is not None else []
        body = dump_dataset(ds)
        return {"file": path, "ok": True, "meta": meta, "dataset": body,
                "little": bool(ds.is_little_endian), "implicit": bool(ds.is_implicit_VR)}
    except Exception as exc:  # the oracle rejected the file
        return {"file": path, "ok": False, "error": type(exc).__name__ + ": " + str(exc)}


if __name__ == "__main__":
    for p in sys.argv[1:]:
        sys.stdout.write(json.dumps(dump(p), allow_nan=False, default=float) + "\n")
