"""Reads a folder of DICOM files with pydicom and prints, as JSON, what the synthetic-data tests check:
per file the identifiers, geometry and a few rescaled pixel values; the oracle is pydicom, not DataForge."""
import json
import sys
from pathlib import Path

import pydicom

out = []
for path in sorted(Path(sys.argv[1]).rglob("*.dcm")):
    ds = pydicom.dcmread(str(path))
    arr = ds.pixel_array.astype(float) * float(getattr(ds, "RescaleSlope", 1)) + float(getattr(ds, "RescaleIntercept", 0))
    rows, cols = arr.shape
    nested = ds.OriginalAttributesSequence[0].ModifiedAttributesSequence[0]
    private = ds.private_block(0x0029, "DATAFORGE SYNTH 1")
    out.append({
        "path": str(path.relative_to(sys.argv[1])),
        "sop_class": ds.SOPClassUID,
        "transfer_syntax": ds.file_meta.TransferSyntaxUID,
        "modality": ds.Modality,
        "patient_name": str(ds.PatientName),
        "patient_id": ds.PatientID,
        "series_uid": ds.SeriesInstanceUID,
        "frame_uid": ds.FrameOfReferenceUID,
        "instance": int(ds.InstanceNumber),
        "position": [float(v) for v in ds.ImagePositionPatient],
        "orientation": [float(v) for v in ds.ImageOrientationPatient],
        "spacing": [float(v) for v in ds.PixelSpacing],
        "rows": rows,
        "columns": cols,
        "centre_value": float(arr[rows // 2, cols // 2]),
        "corner_value": float(arr[0, 0]),
        "nested_name": str(nested.PatientName),
        "private_operator": str(private[0x10].value),
    })
print(json.dumps(out))
