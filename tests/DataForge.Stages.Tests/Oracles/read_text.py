#!/usr/bin/python3
"""pydicom's reading of the text of DICOM files: the oracle of the character set cleaning tests.

Usage: read_text.py FILE... Prints one JSON line per file: terms (Specific Character Set), the values of a few
attributes at any depth (StudyDescription, SeriesDescription, ImageComments, TextValue, UnformattedTextValue,
PatientName) and texts, every text value of the file. A value pydicom cannot decode is an error, not a warning.
"""
import json
import sys
import warnings

import pydicom
from pydicom.multival import MultiValue

warnings.simplefilter("error")
TEXT_VRS = {"AE", "AS", "CS", "DA", "DS", "DT", "IS", "LO", "LT", "PN", "SH", "ST", "TM", "UC", "UR", "UT", "UI"}
NAMED = ["StudyDescription", "SeriesDescription", "ImageComments", "TextValue", "UnformattedTextValue", "PatientName"]


def text(value):
    if isinstance(value, MultiValue):
        return "\\".join(str(v) for v in value)
    return "" if value is None else str(value)


for path in sys.argv[1:]:
    ds = pydicom.dcmread(path)
    ds.decode()
    terms = ds.get("SpecificCharacterSet", "")
    result = {"terms": list(terms) if isinstance(terms, MultiValue) else [terms], "texts": []}
    for elem in ds.iterall():
        if elem.VR not in TEXT_VRS:
            continue
        value = text(elem.value)
        result["texts"].append(value)
        if elem.keyword in NAMED and elem.keyword not in result:
            result[elem.keyword] = value
    print(json.dumps(result, ensure_ascii=False))
