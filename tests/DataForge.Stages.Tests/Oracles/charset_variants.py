#!/usr/bin/python3
"""Writes, with pydicom, a variant of each of pydicom's charset_files whose descriptions, SR text and graphic text
are in the file's own script and quote the patient's name and ID: the inputs of the character set cleaning tests.

Usage: charset_variants.py OUT_DIR. Prints one JSON line per variant: file, path, terms, local (the words that
identify nobody), name (the name component quoted), id (the Patient ID quoted).
"""
import glob
import json
import os
import re
import sys
import warnings

import pydicom
from pydicom.dataset import Dataset
from pydicom.sequence import Sequence

warnings.simplefilter("error")
FOLDER = os.path.join(os.path.dirname(pydicom.__file__), "data", "charset_files")

# Words in each script (no one's name): what a description says about the study.
WORDS = [
    ("IR 87", "頭部MRI 造影"), ("IR 13", "頭部MRI 造影"), ("IR 149", "흉부 촬영"), ("IR 58", "胸部 平扫"),
    ("GB18030", "胸部 平扫"), ("IR 192", "胸部 平扫"), ("IR 127", "صدر"), ("IR 126", "θώρακας"),
    ("IR 144", "грудь"), ("IR 138", "חזה"), ("IR 100", "Thorax Röntgen"),
]


def terms_of(ds):
    value = ds.get("SpecificCharacterSet", "")
    return list(value) if isinstance(value, pydicom.multival.MultiValue) else [value]


def local_words(terms):
    joined = "\\".join(terms)
    for key, words in WORDS:
        if re.search(re.escape(key) + r"\b", joined):
            return words
    return "Thorax"


def name_part(name):
    """The longest component of the last group of the name that holds one of two characters or more."""
    for group in reversed(str(name).split("=")):
        parts = [p for p in group.split("^") if len(p) >= 2]
        if parts:
            return max(parts, key=len)
    return ""


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for path in sorted(glob.glob(os.path.join(FOLDER, "*.dcm"))):
        ds = pydicom.dcmread(path)
        terms = terms_of(ds)
        if "SOPClassUID" not in ds:
            # The two sequence-encoding examples are bare datasets: made Secondary Capture instances.
            ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
            ds.SOPInstanceUID = pydicom.uid.generate_uid(entropy_srcs=[os.path.basename(path)])
            ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID
            ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
            ds.file_meta.TransferSyntaxUID = pydicom.uid.ExplicitVRLittleEndian
        name = name_part(ds.get("PatientName", ""))
        if not name:
            # chrSQEncoding*: the name is in a sequence item; copy it to the top level with its own encoding.
            for elem in ds.iterall():
                if elem.keyword == "PatientName" and elem.value:
                    name = name_part(elem.value)
                    ds.PatientName = elem.value
                    break
        patient_id = str(ds.get("PatientID", "") or "ID-" + os.path.basename(path)[:8])
        ds.PatientID = patient_id
        words = local_words(terms)
        ds.StudyDescription = f"{words} {name}"
        ds.SeriesDescription = words
        ds.ImageComments = f"{words}\r\n{patient_id} {name}"
        concept = Dataset()
        concept.CodeValue = "121071"
        concept.CodingSchemeDesignator = "DCM"
        concept.CodeMeaning = "Finding"
        finding = Dataset()
        finding.RelationshipType = "CONTAINS"
        finding.ValueType = "TEXT"
        finding.ConceptNameCodeSequence = Sequence([concept])
        finding.TextValue = f"{words} {name}"
        ds.ContentSequence = Sequence([finding])
        text = Dataset()
        text.UnformattedTextValue = f"{words} {name}"
        text.BoundingBoxAnnotationUnits = "PIXEL"
        text.BoundingBoxTopLeftHandCorner = [1.0, 1.0]
        text.BoundingBoxBottomRightHandCorner = [10.0, 10.0]
        text.BoundingBoxTextHorizontalJustification = "LEFT"
        layer = Dataset()
        layer.GraphicLayer = "LAYER"
        layer.TextObjectSequence = Sequence([text])
        ds.GraphicAnnotationSequence = Sequence([layer])
        target = os.path.join(out, os.path.basename(path))
        ds.save_as(target, write_like_original=False)
        # What was written decodes back to what was meant: the variant itself is sound.
        back = pydicom.dcmread(target)
        assert str(back.StudyDescription) == f"{words} {name}", (path, back.StudyDescription)
        print(json.dumps({"file": os.path.basename(path), "path": target, "terms": terms, "local": words,
                          "name": name, "id": patient_id}, ensure_ascii=False))


main()
