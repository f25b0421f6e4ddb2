"""Edits synthetic DICOM series with pydicom for the harmonise tests.

  edit_series.py set FOLDER Keyword=value ...   sets attributes (by DICOM keyword) in every .dcm of FOLDER
  edit_series.py echo2 FOLDER [SHIFT]            adds a copy of every instance as a second echo (Echo Numbers 2,
                                                 Echo Time doubled, new SOP Instance UID), same series; with SHIFT,
                                                 the copies' Image Position (Patient) moves SHIFT mm along x
  edit_series.py orient2 FOLDER [SHIFT]          adds a coronal copy of the series (same series): instance k (in file
                                                 order) becomes coronal slice k (rows along -z, columns along +x),
                                                 k pixel spacings further along y from the first position, its bottom
                                                 row SHIFT mm (default 200) above the original first position
"""
import glob
import os
import sys

import pydicom
from pydicom.uid import generate_uid


def files(folder):
    return sorted(glob.glob(os.path.join(folder, "*.dcm")))


if sys.argv[1] == "set":
    for path in files(sys.argv[2]):
        ds = pydicom.dcmread(path)
        for assignment in sys.argv[3:]:
            keyword, value = assignment.split("=", 1)
            setattr(ds, keyword, value.split("\\") if "\\" in value else value)
        ds.save_as(path)
elif sys.argv[1] == "echo2":
    for path in files(sys.argv[2]):
        ds = pydicom.dcmread(path)
        ds.EchoNumbers = 2
        ds.EchoTime = str(float(ds.EchoTime) * 2) if "EchoTime" in ds else "20"
        if len(sys.argv) > 3:
            position = [float(v) for v in ds.ImagePositionPatient]
            ds.ImagePositionPatient = [f"{position[0] + float(sys.argv[3]):g}", f"{position[1]:g}", f"{position[2]:g}"]
        uid = generate_uid()
        ds.SOPInstanceUID = uid
        ds.file_meta.MediaStorageSOPInstanceUID = uid
        ds.save_as(path[:-4] + "_E2.dcm")
    for path in files(sys.argv[2]):
        if not path.endswith("_E2.dcm"):
            ds = pydicom.dcmread(path)
            ds.EchoNumbers = 1
            ds.save_as(path)
elif sys.argv[1] == "orient2":
    shift = float(sys.argv[3]) if len(sys.argv) > 3 else 200.0
    originals = files(sys.argv[2])
    first = [float(v) for v in pydicom.dcmread(originals[0]).ImagePositionPatient]
    for k, path in enumerate(originals):
        ds = pydicom.dcmread(path)
        spacing = float(ds.PixelSpacing[0])
        ds.ImageOrientationPatient = ["1", "0", "0", "0", "0", "-1"]
        top = first[2] + shift + int(ds.Rows) * spacing  # the whole coronal slab lies SHIFT mm above the first position
        ds.ImagePositionPatient = [f"{first[0]:g}", f"{first[1] + k * spacing:g}", f"{top:g}"]
        if "SliceLocation" in ds:
            del ds.SliceLocation
        uid = generate_uid()
        ds.SOPInstanceUID = uid
        ds.file_meta.MediaStorageSOPInstanceUID = uid
        ds.save_as(path[:-4] + "_COR.dcm")
