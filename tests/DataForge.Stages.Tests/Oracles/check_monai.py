"""Checks a MONAI datalist: every entry's paths exist (relative to the datalist's folder), nibabel loads
each image and label, and an image and its label share shape and affine. Prints JSON: the case ids
(image file names without extension) per list."""
import json
import os
import sys

import nibabel
import numpy as np

path = sys.argv[1]
base = os.path.dirname(path)
datalist = json.load(open(path))
result = {}
for key, entries in datalist.items():
    if key == "labels":
        continue
    result[key] = []
    for entry in entries:
        image_path = os.path.join(base, entry["image"])
        if not os.path.exists(image_path):
            sys.exit("missing image " + entry["image"])
        image = nibabel.load(image_path)
        image.get_fdata()
        if "label" in entry:
            label_path = os.path.join(base, entry["label"])
            if not os.path.exists(label_path):
                sys.exit("missing label " + entry["label"])
            label = nibabel.load(label_path)
            if label.shape != image.shape or not np.allclose(label.affine, image.affine, atol=1e-4):
                sys.exit("image and label grids differ for " + entry["image"])
        result[key].append({"case": os.path.basename(entry["image"])[: -len(".nii.gz")], "label": "label" in entry})
print(json.dumps(result))
