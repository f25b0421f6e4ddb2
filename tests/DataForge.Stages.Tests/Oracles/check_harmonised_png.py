"""numpy + scipy + nibabel + pydicom + PIL as the oracle of harmonise steps before PNG rendering.

  check_harmonised_png.py SOURCE STEPS_JSON BITS [window LO HI] PNG...

SOURCE is dicom:FILE (a 2D image: pydicom's pixel_array through apply_modality_lut; axis x is the column,
y the row; spacing from PixelSpacing, else ImagerPixelSpacing, else 1) or nifti:FILE (a volume as nibabel reads
it, e.g. dcm2niix's conversion of the same series). STEPS_JSON is the manifest's harmonise list; supported here:
reorient (nibabel's ornt_transform / apply_orientation; skipped for 2D images), resample (linear: new size
round(n * spacing / target), centre of the field of view kept, scipy.ndimage.map_coordinates order 1 mode
mirror; a 2D image keeps one slice), clip (numpy percentiles), normalise zscore (population std). The result is
windowed by [LO, HI] when given, else by its own min and max (LINEAR_EXACT), inverted for MONOCHROME1, rounded half to even to BITS bits.
Each PNG (one per slice along the third axis, in order) is read with PIL. Prints JSON: shape of the result,
per PNG its size and the largest difference in grey levels.
"""
import json
import sys

import nibabel
import numpy as np
from PIL import Image
from scipy import ndimage


def load(source):
    kind, path = source.split(":", 1)
    if kind == "dicom":
        import pydicom
        from pydicom.pixel_data_handlers.util import apply_modality_lut
        ds = pydicom.dcmread(path)
        v = apply_modality_lut(ds.pixel_array, ds).astype(np.float32).astype(np.float64)
        spacing = [1.0, 1.0]
        for keyword in ("PixelSpacing", "ImagerPixelSpacing"):
            if keyword in ds:
                spacing = [float(x) for x in getattr(ds, keyword)]
                break
        # (rows, columns) -> (x = column, y = row, z)
        data = v.T[:, :, np.newaxis]
        affine = np.diag([-spacing[1], -spacing[0], 1.0, 1.0])
        return data, affine, True, ds.PhotometricInterpretation == "MONOCHROME1"
    img = nibabel.load(path)
    return np.asarray(img.get_fdata(dtype=np.float64)), img.affine, False, False


def resample(data, affine, target, flat):
    zooms = np.sqrt((affine[:3, :3] ** 2).sum(axis=0))
    if flat:
        target = [target[0], target[1], zooms[2]]
    coords = []
    for a in range(3):
        n = data.shape[a]
        m = max(1, int(np.floor(n * zooms[a] / target[a] + 0.5)))
        ratio = target[a] / zooms[a]
        start = (n - 1) / 2.0 - (m - 1) / 2.0 * ratio
        coords.append(start + np.arange(m) * ratio)
    grid = np.meshgrid(*coords, indexing="ij")
    out = ndimage.map_coordinates(data.astype(np.float32), grid, order=1, mode="mirror")
    return out.astype(np.float64)


def main():
    data, affine, flat, inverted = load(sys.argv[1])
    steps = json.loads(sys.argv[2])
    bits = int(sys.argv[3])
    pngs = sys.argv[4:]
    window = None
    if pngs and pngs[0] == "window":
        window = (float(pngs[1]), float(pngs[2]))
        pngs = pngs[3:]
    for step in steps:
        (name, value), = step.items()
        if name == "reorient":
            if flat:
                continue
            current = nibabel.orientations.io_orientation(affine)
            wanted = nibabel.orientations.axcodes2ornt(tuple(value))
            transform = nibabel.orientations.ornt_transform(current, wanted)
            affine = affine @ nibabel.orientations.inv_ornt_aff(transform, data.shape)
            data = nibabel.orientations.apply_orientation(data, transform)
        elif name == "resample":
            data = resample(data, affine, value["spacing"], flat)
            affine = None if flat else affine  # only the zooms are read after this in these tests
        elif name == "clip":
            lo, hi = np.percentile(data.astype(np.float32).ravel(), value["percentiles"])
            data = np.clip(data, lo, hi)
        elif name == "normalise" and value["method"] == "zscore":
            data = (data - data.mean()) / data.std()
        else:
            raise SystemExit("step not supported by this oracle: " + json.dumps(step))
    lo, hi = window if window else (float(data.min()), float(data.max()))
    if hi <= lo:
        hi = lo + 1
    top = 255.0 if bits == 8 else 65535.0
    fraction = np.clip((data - lo) / (hi - lo), 0, 1)
    if inverted:
        fraction = 1 - fraction
    levels = np.round(fraction * top)
    rows = []
    for k, png in enumerate(pngs):
        pixels = np.asarray(Image.open(png)).astype(np.float64)
        expected = levels[:, :, k].T  # PNG row r, column c = voxel (c, r, k)
        same = pixels.shape == expected.shape
        rows.append({"png": png, "size": list(pixels.shape),
                     "max_diff": float(np.max(np.abs(pixels - expected))) if same else None})
    print(json.dumps({"shape": list(data.shape), "pngs": rows}))


main()
