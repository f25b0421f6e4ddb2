"""Prints, as JSON, what pydicom reads from a file: the SR content tree flattened depth first (each
item's depth, relationship, value type, concept name code and value), the Acquisition Context items,
the graphic annotation texts, the patient's name, the content date and the overlay groups.

usage: content_tree.py FILE
"""
import json
import sys

import pydicom


def code(seq):
    if not seq:
        return None
    return [str(seq[0].get("CodeValue", "")), str(seq[0].get("CodingSchemeDesignator", ""))]


def value(item):
    vt = item.get("ValueType", "")
    if vt == "TEXT":
        return str(item.get("TextValue", ""))
    if vt == "PNAME":
        return str(item.get("PersonName", ""))
    if vt == "DATE":
        return str(item.get("Date", ""))
    if vt == "TIME":
        return str(item.get("Time", ""))
    if vt == "DATETIME":
        return str(item.get("DateTime", ""))
    if vt == "UIDREF":
        return str(item.get("UID", ""))
    if vt == "CODE":
        return code(item.get("ConceptCodeSequence"))
    if vt == "NUM":
        seq = item.get("MeasuredValueSequence")
        return str(seq[0].NumericValue) if seq else None
    return None


def walk(seq, depth, out):
    for item in seq or []:
        out.append({
            "depth": depth,
            "relationship": str(item.get("RelationshipType", "")),
            "type": str(item.get("ValueType", "")),
            "concept": code(item.get("ConceptNameCodeSequence")),
            "value": value(item),
        })
        walk(item.get("ContentSequence"), depth + 1, out)


ds = pydicom.dcmread(sys.argv[1])
content = []
walk(ds.get("ContentSequence"), 0, content)
context = []
walk(ds.get("AcquisitionContextSequence"), 0, context)
texts = []
for annotation in ds.get("GraphicAnnotationSequence") or []:
    for text in annotation.get("TextObjectSequence") or []:
        texts.append(str(text.get("UnformattedTextValue", "")))
overlays = {}
for group in range(0x6000, 0x6020, 2):
    elements = [e for e in ds if e.tag.group == group]
    if not elements:
        continue
    entry = {"elements": len(elements)}
    if (group, 0x3000) in ds:
        entry["bitmap"] = ds.overlay_array(group).astype(int).tolist()
    for keyword, element in (("description", 0x0022), ("label", 0x1500), ("comments", 0x4000)):
        if (group, element) in ds:
            entry[keyword] = str(ds[group, element].value)
    overlays[f"{group:04X}"] = entry
print(json.dumps({
    "patient_name": str(ds.get("PatientName", "")),
    "content_date": str(ds.get("ContentDate", "")),
    "content": content,
    "acquisition_context": context,
    "has_acquisition_context": "AcquisitionContextSequence" in ds,
    "graphic_texts": texts,
    "overlays": overlays,
}))
