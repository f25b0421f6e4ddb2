"""nibabel's view of volumes made from NIfTI/Analyze sources after `reorient: RAS` + `resample: SPACING`.

  check_nifti_sources.py SPACING ORIGINALS_JSON OUTPUT...
      ORIGINALS_JSON: a JSON list of original image paths. For each original, nibabel computes the expected
      grid after the harmonise steps (as_closest_canonical, then DataForge's documented resample rule: size
      round(n * zoom / spacing), field-of-view centre fixed in world space). Prints one JSON object:
      {"expected": [{path, shape, affine, centre}], "outputs": [{path, shape, affine, axcodes, zooms, centre, dtype}]}.
"""
import json
import sys

import numpy as np
import nibabel as nib


def centre(img):
    shape = np.array(img.shape[:3], dtype=float)
    return (img.affine @ np.append((shape - 1) / 2.0, 1.0))[:3]


def main(spacing, originals_json, outputs):
    spacing = float(spacing)
    expected = []
    for path in json.load(open(originals_json)):
        img = nib.load(path)
        canon = nib.as_closest_canonical(img)
        zooms = np.array(canon.header.get_zooms()[:3], dtype=float)
        shape = np.array([int(round(n * z / spacing)) for n, z in zip(canon.shape[:3], zooms)])
        directions = canon.affine[:3, :3] / zooms
        linear = directions * spacing
        c = centre(canon)
        aff = np.eye(4)
        aff[:3, :3] = linear
        aff[:3, 3] = c - linear @ ((shape - 1) / 2.0)
        expected.append({'path': path, 'shape': shape.tolist(), 'affine': aff.tolist(), 'centre': c.tolist()})
    result = []
    for path in outputs:
        img = nib.load(path)
        result.append({'path': path, 'shape': list(img.shape), 'affine': img.affine.tolist(),
                       'axcodes': ''.join(nib.aff2axcodes(img.affine)),
                       'zooms': [float(z) for z in img.header.get_zooms()[:3]],
                       'centre': centre(img).tolist(), 'dtype': str(img.get_data_dtype())})
    print(json.dumps({'expected': expected, 'outputs': result}))


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
