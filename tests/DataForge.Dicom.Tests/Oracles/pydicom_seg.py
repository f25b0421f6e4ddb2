"""Writes a minimal DICOM Segmentation with pydicom and prints numpy's reading of its frames.

  pydicom_seg.py OUT TYPE DEFECT      TYPE: BINARY | FRACTIONAL; DEFECT: none | truncated | bits8

5 x 3 pixels (15 bits a frame: BINARY frames after the first start mid-byte), 2 segments x 3 frames of
random pixels, segment 2 in the shared groups' orientation but its own per-frame positions. Prints JSON:
{"frames": ["0110...", ...]} (1 where the pixel is in the segment: BINARY np.unpackbits bitorder little;
FRACTIONAL value > 0 and 2 * value >= 200), "segments": [[number, frame count]], "positions": [[x, y, z]]}.
"""
import json
import sys

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileDataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian

out, kind, defect = sys.argv[1:4]
rows, cols, per = 5, 3, 3
fractional = kind == "FRACTIONAL"
rng = np.random.default_rng(11)

meta = FileMetaDataset()
meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.66.4"
meta.MediaStorageSOPInstanceUID = "2.25.1001"
meta.TransferSyntaxUID = ExplicitVRLittleEndian
ds = FileDataset(out, {}, file_meta=meta, preamble=b"\0" * 128)
ds.is_little_endian, ds.is_implicit_VR = True, False
ds.SOPClassUID, ds.SOPInstanceUID = meta.MediaStorageSOPClassUID, meta.MediaStorageSOPInstanceUID
ds.Modality, ds.PatientID = "SEG", "SEG-TEST"
ds.SegmentationType = kind
if fractional:
    ds.MaximumFractionalValue = 200
ds.SamplesPerPixel, ds.PhotometricInterpretation, ds.Rows, ds.Columns = 1, "MONOCHROME2", rows, cols
bits = 8 if fractional or defect == "bits8" else 1
ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = bits, bits, bits - 1, 0
segments = []
for number, label, value in [(1, "Liver", "10200004"), (2, "Lesion", "4147007")]:
    item = Dataset()
    item.SegmentNumber, item.SegmentLabel = number, label
    code = Dataset()
    code.CodeValue, code.CodingSchemeDesignator, code.CodeMeaning = value, "SCT", label
    item.SegmentedPropertyTypeCodeSequence = Sequence([code])
    segments.append(item)
ds.SegmentSequence = Sequence(segments)
shared = Dataset()
orientation = Dataset()
orientation.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
shared.PlaneOrientationSequence = Sequence([orientation])
measures = Dataset()
measures.PixelSpacing = [0.5, 0.75]
shared.PixelMeasuresSequence = Sequence([measures])
ds.SharedFunctionalGroupsSequence = Sequence([shared])
frames, positions, pixels = [], [], []
for number in (1, 2):
    for k in range(per):
        fg = Dataset()
        ident = Dataset()
        ident.ReferencedSegmentNumber = number
        fg.SegmentIdentificationSequence = Sequence([ident])
        plane = Dataset()
        plane.ImagePositionPatient = [-10.0, 5.5, 2.5 * k]
        positions.append([-10.0, 5.5, 2.5 * k])
        fg.PlanePositionSequence = Sequence([plane])
        source = Dataset()
        source.ReferencedSOPInstanceUID = "2.25.%d" % (2000 + k)
        derivation = Dataset()
        derivation.SourceImageSequence = Sequence([source])
        fg.DerivationImageSequence = Sequence([derivation])
        frames.append(fg)
        pixels.append(rng.integers(0, 201, size=(rows, cols)) if fractional else (rng.random((rows, cols)) < 0.5).astype(np.uint8))
ds.PerFrameFunctionalGroupsSequence = Sequence(frames)
ds.NumberOfFrames = len(frames)
series = Dataset()
series.SeriesInstanceUID = "2.25.3000"
ds.ReferencedSeriesSequence = Sequence([series])
flat = np.stack(pixels).reshape(-1)
data = np.packbits(flat.astype(np.uint8), bitorder="little").tobytes() if bits == 1 else flat.astype(np.uint8).tobytes()
if defect == "truncated":
    data = data[: len(data) - 2]
if len(data) % 2:
    data += b"\0"
ds.add_new(0x7FE00010, "OB", data)
ds.save_as(out, write_like_original=False)

if defect != "none":
    sys.exit(0)
raw = np.frombuffer(pydicom.dcmread(out).PixelData, dtype=np.uint8)
if fractional:
    values = raw[: rows * cols * len(frames)].astype(int)
    masks = (values > 0) & (2 * values >= 200)
else:
    masks = np.unpackbits(raw, bitorder="little")[: rows * cols * len(frames)].astype(bool)
masks = masks.reshape(len(frames), rows * cols)
print(json.dumps({"frames": ["".join("1" if b else "0" for b in m) for m in masks],
                  "segments": [[1, per], [2, per]], "positions": positions}))
