"""Checks a label mask DataForge made from a DICOM SEG against the SEG's own bits, placed with nibabel.

  check_seg.py SEG MASK IMAGE SERIES_FOLDER MAPPING_JSON

MAPPING: {"segment number": class id}. The SEG's pixel data is unpacked with numpy (BINARY: np.unpackbits,
bitorder little, frames running on without padding; FRACTIONAL: value > 0 and 2 * value >= MaximumFractionalValue);
only the frames whose source image is in SERIES_FOLDER (a SEG may reference several series); each frame's pixels
are placed (with its own plane orientation and pixel spacing, else the shared ones) at the RAS+ position of PS3.3 C.7.6.2.1.1 through the image's inverse affine (frames
without a plane position take their source image's); segments are painted in number order, a voxel keeping the
first class painted on it. The mask must equal that volume and share the image's shape and affine. Prints the
number of labelled voxels per class.
"""
import glob
import json
import os
import sys

import nibabel as nb
import numpy as np
import pydicom

seg_path, mask_path, image_path, folder, mapping = sys.argv[1:6]
mapping = {int(k): int(v) for k, v in json.loads(mapping).items()}
ds = pydicom.dcmread(seg_path)
rows, cols, n = int(ds.Rows), int(ds.Columns), int(ds.NumberOfFrames)
raw = np.frombuffer(ds.PixelData, dtype=np.uint8)
if ds.SegmentationType == "BINARY":
    frames = np.unpackbits(raw, bitorder="little")[: rows * cols * n].reshape(n, rows, cols).astype(bool)
else:
    values = raw[: rows * cols * n].reshape(n, rows, cols).astype(int)
    frames = (values > 0) & (2 * values >= int(ds.MaximumFractionalValue))

sources = {}
for f in glob.glob(os.path.join(folder, "*.dcm")):
    d = pydicom.dcmread(f, stop_before_pixels=True)
    sources[d.SOPInstanceUID] = d
image = nb.load(image_path)
inverse = np.linalg.inv(image.affine)
shared = ds.SharedFunctionalGroupsSequence[0]
expected = np.zeros(image.shape[:3], dtype=np.int64)


def segment(f):
    return int(ds.PerFrameFunctionalGroupsSequence[f].SegmentIdentificationSequence[0].ReferencedSegmentNumber)


for f in sorted(range(n), key=lambda f: (segment(f), f)):
    fg = ds.PerFrameFunctionalGroupsSequence[f]
    label = mapping.get(segment(f), 0)
    source_uid = fg.DerivationImageSequence[0].SourceImageSequence[0].ReferencedSOPInstanceUID
    if label == 0 or source_uid not in sources:
        continue
    groups = fg if "PlaneOrientationSequence" in fg else shared
    iop = np.array(groups.PlaneOrientationSequence[0].ImageOrientationPatient, dtype=float)
    spacing = np.array(groups.PixelMeasuresSequence[0].PixelSpacing, dtype=float)
    if "PlanePositionSequence" in fg:
        ipp = np.array(fg.PlanePositionSequence[0].ImagePositionPatient, dtype=float)
    else:
        uid = fg.DerivationImageSequence[0].SourceImageSequence[0].ReferencedSOPInstanceUID
        ipp = np.array(sources[uid].ImagePositionPatient, dtype=float)
    r, c = np.nonzero(frames[f])
    lps = ipp + np.outer(c, spacing[1] * iop[:3]) + np.outer(r, spacing[0] * iop[3:])
    ras = lps * np.array([-1.0, -1.0, 1.0])
    voxels = ras @ inverse[:3, :3].T + inverse[:3, 3]
    index = np.rint(voxels).astype(int)
    assert np.abs(voxels - index).max() < 0.1, np.abs(voxels - index).max()
    free = expected[index[:, 0], index[:, 1], index[:, 2]] == 0
    chosen = index[free]
    expected[chosen[:, 0], chosen[:, 1], chosen[:, 2]] = label

mask = nb.load(mask_path)
assert mask.shape == image.shape[:3], (mask.shape, image.shape)
assert np.allclose(mask.affine, image.affine, atol=1e-4), (mask.affine, image.affine)
actual = np.asarray(mask.dataobj).astype(np.int64)
assert np.array_equal(actual, expected), int((actual != expected).sum())
print(json.dumps({str(k): int((expected == k).sum()) for k in sorted(set(mapping.values())) if k}))
