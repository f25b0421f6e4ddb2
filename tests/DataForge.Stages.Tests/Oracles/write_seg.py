"""Writes a DICOM Segmentation (SOP Class 1.2.840.10008.5.1.4.1.1.66.4) over a synthetic series, by hand with pydicom.

  write_seg.py OUT SERIES_FOLDER[:SERIES_FOLDER...] SPEC_JSON

SPEC: {"type": "BINARY"|"FRACTIONAL", "seed": N, "segments": [{"number": 1, "label": "Liver", "code": "SCT:10200004"}],
       "slices": [indices into the series sorted along its normal] (default all),
       "defect": none | "missing-series" | "off-grid" | "bits8" | "truncated" | "no-position",
       "patient_from": a folder whose patient module the SEG carries (default: the series'),
       "orphan": true adds, per segment, a frame whose source image is in none of the series}
With several series folders the SEG references each of them (Referenced Series Sequence, one item per series),
each frame its own series' source image, and the orientation and pixel spacing go per frame.
Frames: one per segment, series and slice, random pixels (BINARY: 30% ones; FRACTIONAL: 0..255 with maximum 255).
The patient module is copied from the series (a SEG carries PHI).
"""
import glob
import json
import os
import sys

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileDataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

SEG = "1.2.840.10008.5.1.4.1.1.66.4"

out, folders, spec = sys.argv[1], sys.argv[2].split(os.pathsep), json.loads(sys.argv[3])
defect = spec.get("defect")


def series_of(folder):
    found = [pydicom.dcmread(f, stop_before_pixels=True) for f in glob.glob(os.path.join(folder, "*.dcm"))]
    o = np.array(found[0].ImageOrientationPatient, dtype=float)
    found.sort(key=lambda d: float(np.dot(np.cross(o[:3], o[3:]), np.array(d.ImagePositionPatient, dtype=float))))
    return found


all_series = [series_of(f) for f in folders]
several = len(all_series) > 1
sources = all_series[0]
iop = np.array(sources[0].ImageOrientationPatient, dtype=float)
normal = np.cross(iop[:3], iop[3:])
rows, cols = int(sources[0].Rows), int(sources[0].Columns)
fractional = spec.get("type") == "FRACTIONAL"
rng = np.random.default_rng(spec.get("seed", 1))
slices = spec.get("slices", list(range(len(sources))))
first = sources[0]
seed = str(spec.get("seed", 1)) + str(defect) + first.SeriesInstanceUID


def code(value, scheme, meaning):
    item = Dataset()
    item.CodeValue, item.CodingSchemeDesignator, item.CodeMeaning = value, scheme, meaning
    return Sequence([item])


meta = FileMetaDataset()
meta.MediaStorageSOPClassUID = SEG
meta.MediaStorageSOPInstanceUID = generate_uid(entropy_srcs=["sop", seed])
meta.TransferSyntaxUID = ExplicitVRLittleEndian
ds = FileDataset(out, {}, file_meta=meta, preamble=b"\0" * 128)
ds.is_little_endian, ds.is_implicit_VR = True, False
ds.SOPClassUID, ds.SOPInstanceUID = SEG, meta.MediaStorageSOPInstanceUID
patient = pydicom.dcmread(glob.glob(os.path.join(spec["patient_from"], "*.dcm"))[0], stop_before_pixels=True) if "patient_from" in spec else first
for keyword in ["PatientName", "PatientID", "IssuerOfPatientID", "PatientBirthDate", "PatientSex"]:
    if keyword in patient:
        setattr(ds, keyword, patient.data_element(keyword).value)
for keyword in ["StudyInstanceUID", "StudyDate", "AccessionNumber", "FrameOfReferenceUID"]:
    if keyword in first:
        setattr(ds, keyword, first.data_element(keyword).value)
ds.Modality = "SEG"
ds.StudyTime = first.get("StudyTime", "120000")
ds.ReferringPhysicianName = first.get("ReferringPhysicianName", "")
ds.StudyID = first.get("StudyID", "1")
ds.PositionReferenceIndicator = ""
ds.Manufacturer, ds.ManufacturerModelName, ds.DeviceSerialNumber, ds.SoftwareVersions = "Test", "write_seg.py", "1", "1"
ds.ContentDescription, ds.ContentCreatorName = "synthetic segmentation", ""
ds.ContentDate, ds.ContentTime = "20240101", "120000"
ds.LossyImageCompression = "00"
dimension = generate_uid(entropy_srcs=["dimension", seed])
indices = []
for pointer, group in [(0x0062000B, 0x0062000A), (0x00200032, 0x00209113)]:
    item = Dataset()
    item.DimensionOrganizationUID = dimension
    item.DimensionIndexPointer = pointer
    item.FunctionalGroupPointer = group
    indices.append(item)
organisation = Dataset()
organisation.DimensionOrganizationUID = dimension
ds.DimensionOrganizationSequence = Sequence([organisation])
ds.DimensionIndexSequence = Sequence(indices)
ds.SeriesInstanceUID = generate_uid(entropy_srcs=["series", seed])
ds.SeriesNumber, ds.InstanceNumber = 300, 1
ds.ImageType = ["DERIVED", "PRIMARY"]
ds.ContentLabel = "SEGMENTATION"
ds.SegmentationType = "FRACTIONAL" if fractional else "BINARY"
if fractional:
    ds.SegmentationFractionalType = "PROBABILITY"
    ds.MaximumFractionalValue = 255
ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
ds.Rows, ds.Columns = rows, cols
bits = 8 if fractional or defect == "bits8" else 1
ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = bits, bits, bits - 1, 0

segments = []
for s in spec["segments"]:
    item = Dataset()
    item.SegmentNumber = s["number"]
    item.SegmentLabel = s["label"]
    item.SegmentAlgorithmType = "MANUAL"
    item.SegmentedPropertyCategoryCodeSequence = code("123037004", "SCT", "Anatomical Structure")
    scheme, value = s.get("code", "SCT:10200004").split(":")
    item.SegmentedPropertyTypeCodeSequence = code(value, scheme, "Structure")
    segments.append(item)
ds.SegmentSequence = Sequence(segments)

def plane_groups(target, src):
    orientation = Dataset()
    orientation.ImageOrientationPatient = list(src.ImageOrientationPatient)
    target.PlaneOrientationSequence = Sequence([orientation])
    measures = Dataset()
    measures.PixelSpacing = list(src.PixelSpacing)
    measures.SliceThickness = src.SliceThickness if "SliceThickness" in src else 1
    target.PixelMeasuresSequence = Sequence([measures])


shared = Dataset()
if not several:
    plane_groups(shared, first)
ds.SharedFunctionalGroupsSequence = Sequence([shared])

gap = float(np.dot(normal, np.array(sources[1].ImagePositionPatient, dtype=float) - np.array(sources[0].ImagePositionPatient, dtype=float)))
frames, pixels = [], []
plan = [(s, k, serie[k], False) for s in spec["segments"] for serie in all_series for k in slices]
if spec.get("orphan"):
    plan += [(s, 0, sources[0], True) for s in spec["segments"]]
for s, k, src, orphan in plan:
        fg = Dataset()
        if several:
            plane_groups(fg, src)
        ident = Dataset()
        ident.ReferencedSegmentNumber = s["number"]
        fg.SegmentIdentificationSequence = Sequence([ident])
        content = Dataset()
        content.DimensionIndexValues = [s["number"], k + 1]
        fg.FrameContentSequence = Sequence([content])
        if defect != "no-position":
            position = np.array(src.ImagePositionPatient, dtype=float)
            if defect == "off-grid" and k == slices[-1]:
                position = position + normal * gap * 0.5
            plane = Dataset()
            plane.ImagePositionPatient = ["%.6f" % v for v in position]
            fg.PlanePositionSequence = Sequence([plane])
        reference = Dataset()
        reference.ReferencedSOPClassUID = src.SOPClassUID
        reference.ReferencedSOPInstanceUID = src.SOPInstanceUID if defect != "missing-series" and not orphan else generate_uid(entropy_srcs=["x", seed, str(k), str(orphan)])
        reference.PurposeOfReferenceCodeSequence = code("121322", "DCM", "Source image for image processing operation")
        derivation = Dataset()
        derivation.SourceImageSequence = Sequence([reference])
        derivation.DerivationCodeSequence = code("113076", "DCM", "Segmentation")
        fg.DerivationImageSequence = Sequence([derivation])
        frames.append(fg)
        if fractional:
            pixels.append(rng.integers(0, 256, size=(rows, cols), dtype=np.uint8))
        else:
            pixels.append((rng.random((rows, cols)) < 0.3).astype(np.uint8))
ds.PerFrameFunctionalGroupsSequence = Sequence(frames)
ds.NumberOfFrames = len(frames)

referenced = []
for serie in all_series:
    series = Dataset()
    series.SeriesInstanceUID = serie[0].SeriesInstanceUID if defect != "missing-series" else generate_uid(entropy_srcs=["y", seed])
    instances = []
    for k in slices:
        item = Dataset()
        item.ReferencedSOPClassUID = serie[k].SOPClassUID
        item.ReferencedSOPInstanceUID = serie[k].SOPInstanceUID
        instances.append(item)
    series.ReferencedInstanceSequence = Sequence(instances)
    referenced.append(series)
ds.ReferencedSeriesSequence = Sequence(referenced)

flat = np.stack(pixels).reshape(-1)
if bits == 1:
    data = np.packbits(flat, bitorder="little").tobytes()  # PS3.5 8.1.1: frames run on without padding
else:
    data = flat.astype(np.uint8).tobytes()
if defect == "truncated":
    data = data[: len(data) // 2]
if len(data) % 2:
    data += b"\0"
ds.add_new(0x7FE00010, "OB", data)
ds.save_as(out, write_like_original=False)
