#!/usr/bin/python3
"""Decode text values with pydicom's Specific Character Set handling, the oracle of DataForge's character set tests.

Reads JSON lines {"terms": ["", "ISO 2022 IR 87"], "vr": "PN", "hex": "..."} on stdin and prints, per line, the
decoded value as a JSON string (values of a multi-valued element joined with a backslash).
"""
import json
import sys
import warnings

from pydicom.charset import decode_element
from pydicom.dataelem import DataElement
from pydicom.multival import MultiValue

warnings.simplefilter("ignore")
TAGS = {"PN": 0x00100010, "LO": 0x00100020, "SH": 0x00080050, "LT": 0x00104000, "ST": 0x00080081, "UT": 0x00400284, "UC": 0x00400441}

for line in sys.stdin:
    request = json.loads(line)
    elem = DataElement(TAGS[request["vr"]], request["vr"], bytes.fromhex(request["hex"]))
    decode_element(elem, request["terms"])
    value = elem.value
    if isinstance(value, MultiValue):
        text = "\\".join(str(v) for v in value)
    else:
        text = str(value)
    sys.stdout.write(json.dumps(text) + "\n")
