"""pydicom + numpy + PIL as the oracle of the png layout (run with Debian's /usr/bin/python3).

  check_png.py OUT MAPPING BITS [CENTER WIDTH FUNCTION]

MAPPING is a JSON list of {"dicom": original file, "sop": the new SOPInstanceUID}. For each entry the
PNGs OUT/png/*/*/*/SOP.png (or SOP-NNNN.png per frame) are read with PIL and compared with the
original's pixels put through pydicom's own Modality LUT (apply_modality_lut) and VOI LUT
(apply_windowing: the window given, else the instance's first, else its min/max as LINEAR_EXACT),
MONOCHROME1 inverted; colour through pydicom's convert_color_space to RGB. Prints one JSON list:
per PNG its path, PIL mode and size, the largest difference in grey levels, and its sidecar.
"""
import glob
import json
import os
import sys

import numpy as np
import pydicom
from PIL import Image
from pydicom.pixel_data_handlers.util import apply_modality_lut, apply_windowing, convert_color_space


def output_range(ds):
    # PS3.3 C.11.2.1.2: the VOI output range that pydicom's apply_windowing maps onto.
    bits = int(ds.BitsStored)
    lo, hi = (0, 2 ** bits - 1) if ds.PixelRepresentation == 0 else (-2 ** (bits - 1), 2 ** (bits - 1) - 1)
    if 'RescaleSlope' in ds and 'RescaleIntercept' in ds:
        lo, hi = lo * float(ds.RescaleSlope) + float(ds.RescaleIntercept), hi * float(ds.RescaleSlope) + float(ds.RescaleIntercept)
    return lo, hi


def expected(ds, frame_pixels, bits, window):
    if ds.PhotometricInterpretation in ('MONOCHROME1', 'MONOCHROME2'):
        values = apply_modality_lut(frame_pixels, ds).astype('float64')
        if window is not None:
            ds.WindowCenter, ds.WindowWidth, ds.VOILUTFunction = window
        elif 'WindowCenter' not in ds:
            lo, hi = float(values.min()), float(values.max())
            if hi <= lo:
                hi = lo + 1
            ds.WindowCenter, ds.WindowWidth, ds.VOILUTFunction = (lo + hi) / 2, hi - lo, 'LINEAR_EXACT'
        y_lo, y_hi = output_range(ds)
        fraction = (apply_windowing(values, ds) - y_lo) / (y_hi - y_lo)
        if ds.PhotometricInterpretation == 'MONOCHROME1':
            fraction = 1 - fraction
        return fraction * (255 if bits == 8 else 65535)
    if ds.PhotometricInterpretation.startswith('YBR'):
        return convert_color_space(frame_pixels, 'YBR_FULL', 'RGB').astype('float64')
    return frame_pixels.astype('float64')


def main(out, mapping, bits, window):
    results = []
    for entry in mapping:
        ds = pydicom.dcmread(entry['dicom'])
        frames = int(ds.get('NumberOfFrames', 1) or 1)
        arr = ds.pixel_array
        for f in range(frames):
            name = entry['sop'] if frames == 1 else '%s-%04d' % (entry['sop'], f + 1)
            found = glob.glob(os.path.join(out, 'png', '*', '*', '*', name + '.png'))
            if len(found) != 1:
                results.append({'sop': entry['sop'], 'frame': f, 'found': len(found)})
                continue
            with Image.open(found[0]) as im:
                im.load()
                mode, size, png = im.mode, list(im.size), np.asarray(im).astype('float64')
            frame_pixels = arr[f] if frames > 1 else arr
            want = expected(ds.copy(), frame_pixels, bits, window)
            with open(found[0][:-4] + '.json') as s:
                sidecar = json.load(s)
            results.append({'sop': entry['sop'], 'frame': f, 'found': 1, 'path': os.path.relpath(found[0], out),
                            'mode': mode, 'size': size, 'shape_ok': list(png.shape) == list(want.shape),
                            'max_diff': float(np.abs(png - want).max()) if png.shape == want.shape else None,
                            'pixel_spacing': [float(v) for v in ds.get('PixelSpacing', ds.get('ImagerPixelSpacing', []))] or None,
                            'sidecar': sidecar})
    print(json.dumps(results))


if __name__ == '__main__':
    w = (float(sys.argv[4]), float(sys.argv[5]), sys.argv[6]) if len(sys.argv) > 4 else None
    with open(sys.argv[2]) as m:
        main(sys.argv[1], json.load(m), int(sys.argv[3]), w)
