"""Checks label volumes made from COCO masks (Debian's /usr/bin/python3: numpy, PIL, nibabel, pydicom).

  check_coco_masks.py   stdin: {"cases": [{"nifti": PATH, "dicom": PATH, "height": H, "width": W,
                                          "objects": [{"class": ID, "rle": [counts...]} | {"class": ID, "polygons": [[x, y, ...]]}]}]}

For each case the expected class map of the 2D image is drawn here: an uncompressed RLE decoded with numpy
(column-major runs from a run of 0s), a polygon filled with PIL (shifted by -0.5: PIL centres pixel (x, y) on
(x, y), COCO on (x + 0.5, y + 0.5)), earlier objects keeping overlapped pixels. Each pixel (row r, column c) is
placed with the DICOM file's geometry (pydicom: P = IPP + c * dc * row cosines + r * dr * column cosines, LPS)
through the inverse of the NIfTI's affine (nibabel, RAS) and the label read there. Prints per case the pixels
that differ, those of them more than 1.21 px from every polygon outline (PIL's own rounding, see
CocoPolygonTests), and the label values of the volume.
"""
import json
import sys

import nibabel as nib
import numpy as np
import pydicom
from PIL import Image, ImageDraw

from coco_rle import to_mask as rle_mask  # the same folder: one RLE decoder for every oracle


def outline_distance(polygons, h, w):
    ys, xs = np.mgrid[0:h, 0:w]
    cx, cy = xs + 0.5, ys + 0.5
    d = np.full((h, w), np.inf)
    for p in polygons:
        pts = np.asarray(p, dtype=float).reshape(-1, 2)
        for i in range(len(pts)):
            a, b = pts[i], pts[(i + 1) % len(pts)]
            dx, dy = b - a
            t = np.clip(((cx - a[0]) * dx + (cy - a[1]) * dy) / (dx * dx + dy * dy), 0, 1)
            d = np.minimum(d, np.hypot(cx - (a[0] + t * dx), cy - (a[1] + t * dy)))
    return d


def main():
    results = []
    for case in json.load(sys.stdin)['cases']:
        h, w = case['height'], case['width']
        expected = np.zeros((h, w), dtype=np.int64)
        polygons = []
        for o in case['objects']:
            if 'rle' in o:
                m = rle_mask(o['rle'], h, w)
            else:
                image = Image.new('L', (w, h), 0)
                for p in o['polygons']:
                    ImageDraw.Draw(image).polygon([(x - 0.5, y - 0.5) for x, y in np.asarray(p, float).reshape(-1, 2)], fill=1, outline=1)
                m = np.asarray(image, dtype=np.uint8)
                polygons += o['polygons']
            expected[(m == 1) & (expected == 0)] = o['class']
        img = nib.load(case['nifti'])
        labels = np.asarray(img.dataobj)
        inverse = np.linalg.inv(img.affine)
        ds = pydicom.dcmread(case['dicom'])
        ipp = np.asarray(ds.ImagePositionPatient, float)
        iop = np.asarray(ds.ImageOrientationPatient, float)
        dr, dc = (float(v) for v in ds.PixelSpacing)
        rows, cols = np.mgrid[0:h, 0:w]
        lps = ipp[None, None, :] + cols[..., None] * dc * iop[None, None, :3] + rows[..., None] * dr * iop[None, None, 3:]
        ras = np.concatenate([-lps[..., :1], -lps[..., 1:2], lps[..., 2:3], np.ones((h, w, 1))], axis=-1)
        vox = np.rint(ras @ inverse.T)[..., :3].astype(int)
        got = labels[vox[..., 0], vox[..., 1], vox[..., 2]] if labels.ndim == 3 else labels[vox[..., 0], vox[..., 1]]
        differ = got != expected
        far = differ & (outline_distance(polygons, h, w) > 1.21) if polygons else differ
        results.append({'differ': int(differ.sum()), 'differ_off_outline': int(far.sum()),
                        'values': sorted(int(v) for v in np.unique(labels)), 'painted': int((got != 0).sum()),
                        'volume_nonzero': int((labels != 0).sum())})
    print(json.dumps(results))


if __name__ == '__main__':
    main()
