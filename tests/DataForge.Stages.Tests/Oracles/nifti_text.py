"""Writes and reads the text fields and extensions of NIfTI and Analyze headers with nibabel, for the
NIfTI de-identification tests.

  nifti_text.py write SPEC.json OUT   writes a small int16 volume (values and affine from the spec) as
                                      nifti1 / nifti2 (.nii or .nii.gz) or analyze (.hdr/.img), with the spec's
                                      text fields, Analyze data_history fields and extensions ([code, hex bytes])
  nifti_text.py read PATH             prints JSON: every text field nibabel's header has, the extensions
                                      ([code, hex bytes]), the Analyze data_history numbers, shape, affine and voxels
"""
import json
import sys

import nibabel
import numpy as np

TEXT = ["descrip", "aux_file", "intent_name", "db_name", "data_type", "originator", "generated", "scannum",
        "patient_id", "exp_date", "exp_time", "hist_un0", "vox_units", "cal_units"]
NUMBERS = ["views", "vols_added", "start_field", "field_skip", "omax", "omin", "smax", "smin"]


def text(value):
    raw = value.tobytes() if hasattr(value, "tobytes") else bytes(value)
    return raw.split(b"\0", 1)[0].decode("latin-1")


if sys.argv[1] == "write":
    spec = json.load(open(sys.argv[2]))
    shape = spec.get("shape", [4, 5, 6])
    data = np.arange(np.prod(shape), dtype=np.int16).reshape(shape, order="F") * 3 - 7
    affine = np.array(spec.get("affine", [[2, 0, 0, -10], [0, 2.5, 0, 20], [0, 0, 3, -5], [0, 0, 0, 1]]), dtype=float)
    kind = {"nifti1": nibabel.Nifti1Image, "nifti2": nibabel.Nifti2Image, "analyze": nibabel.AnalyzeImage,
            "spm2": nibabel.Spm2AnalyzeImage, "nifti1pair": nibabel.Nifti1Pair}[spec["format"]]
    image = kind(data, None if "origin" in spec else affine)
    header = image.header
    if "origin" in spec:  # SPM's origin (1-based voxel) in originator's first six bytes; no .mat file
        header.set_zooms((2, 2.5, 3))
        header["origin"] = spec["origin"] + [0, 0]
    if spec.get("big_endian"):
        image = kind(data, affine, header.as_byteswapped(">"))
        header = image.header
    for name, value in spec.get("text", {}).items():
        if name in header:  # NIfTI-2 has no db_name or data_type
            header[name] = value.encode("latin-1")
    for name, value in spec.get("numbers", {}).items():
        header[name] = value
    if spec["format"] not in ("analyze", "spm2"):
        if "intent_code" in spec:
            header["intent_code"] = spec["intent_code"]
        for code, content in spec.get("extensions", []):
            header.extensions.append(nibabel.nifti1.Nifti1Extension(code, bytes.fromhex(content)))
    nibabel.save(image, sys.argv[3])
elif sys.argv[1] == "read":
    image = nibabel.load(sys.argv[2])
    header = image.header
    names = list(header.keys())
    result = {
        "text": {name: text(header[name]) for name in TEXT if name in names},
        "numbers": {name: int(header[name]) for name in NUMBERS if name in names},
        # The bytes as stored (nibabel parses a DICOM extension into a dataset; its raw bytes are kept beside it).
        "extensions": [[int(e.get_code()), (getattr(e, "_raw_content", None) or e._mangle(e._content)).hex()]
                       for e in getattr(header, "extensions", [])],
        "shape": list(image.shape),
        "affine": image.affine.tolist(),
        "voxels": np.asarray(image.dataobj).ravel(order="F").tolist(),
    }
    print(json.dumps(result))
