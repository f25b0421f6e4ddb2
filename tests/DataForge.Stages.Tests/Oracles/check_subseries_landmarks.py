"""Checks landmarks of a series cut into sub-series volumes against dcm2niix's conversion, with nibabel and numpy
(Debian's /usr/bin/python3).

  check_subseries_landmarks.py LABELS OURS THEIRS POINTS
    LABELS  a label file (labels/ANNOTATION.json or .harmonised.json) of one series
    OURS    the folder of our published volumes (nifti/PSEUDONYM), named VOLUME.nii.gz
    THEIRS  dcm2niix's volumes of the same series (*.nii)
    POINTS  JSON: {name: [x, y, z] RAS mm} the points given to DataForge

For each of dcm2niix's volumes: which of the points lie inside it (the voxel index from nibabel's affine, centres
at integers, inside [-0.5, n - 0.5)). For each label item: the volume it names, the dcm2niix volume whose grid it is
(ours turned to dcm2niix's axis order with nibabel's orientation tools: same shape, affine within 1e-4 mm), and the
largest distance between our affine applied to a point's voxel and the point's position. Prints JSON:
{"references": {file: [names inside]}, "items": [{"volume", "reference", "max_error_mm", "points"}]}.
"""
import glob
import json
import os
import sys

import nibabel
import numpy as np
from nibabel.orientations import io_orientation, ornt_transform


def inside(image, position):
    ijk = np.linalg.inv(image.affine) @ np.append(position, 1.0)
    return bool(all(-0.5 <= ijk[a] < image.shape[a] - 0.5 for a in range(3)))


def main(labels, ours, theirs, points):
    with open(labels) as f:
        items = json.load(f)['items']
    points = {k: np.asarray(v, dtype=float) for k, v in json.loads(points).items()}
    references = {os.path.basename(p): nibabel.load(p) for p in sorted(glob.glob(os.path.join(theirs, '*.nii')))}
    out = {'references': {name: sorted(n for n, p in points.items() if inside(image, p)) for name, image in references.items()},
           'items': []}
    for item in items:
        volume = item.get('volume') or item['series']
        image = nibabel.load(os.path.join(ours, volume + '.nii.gz'))
        match = None
        for name, ref in references.items():
            turned = image.as_reoriented(ornt_transform(io_orientation(image.affine), io_orientation(ref.affine)))
            if turned.shape[:3] == ref.shape[:3] and np.abs(turned.affine - ref.affine).max() <= 1e-4:
                match = name
        error = 0.0
        for p in item['points']:
            world = image.affine @ np.append(np.asarray(p['voxel'], dtype=float), 1.0)
            error = max(error, float(np.abs(world[:3] - points[p['name']]).max()))
        out['items'].append({'volume': volume, 'reference': match, 'max_error_mm': error,
                             'points': sorted(p['name'] for p in item['points'])})
    print(json.dumps(out))


if __name__ == '__main__':
    main(*sys.argv[1:5])
