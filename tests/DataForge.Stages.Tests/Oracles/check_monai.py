"""Checks a MONAI datalist: every entry's paths exist (relative to the datalist's folder), nibabel loads
each image and label, and an image and its label share shape and affine. Prints JSON: the case ids
(image file names without extension) per list.

Usage: check_monai.py DATALIST [SPEC.json]. SPEC: {case: [[threshold, class id, annotation(, slices)], ...]}, each case's
masks in painting order, each the image's voxels above its threshold (in the first SLICES along the third array axis
only, when given). With it, an entry's member named like an annotation must
be that mask (on the image's grid), no other annotation may be named, and the label must be the masks painted in order
(a later one over an earlier one); "masks" lists the annotation members checked."""
import json
import os
import sys

import nibabel
import numpy as np

path = sys.argv[1]
spec = json.load(open(sys.argv[2])) if len(sys.argv) > 2 else None
annotations = sorted({m[2] for masks in spec.values() for m in masks}) if spec else []
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
        case = os.path.basename(entry["image"])[: -len(".nii.gz")]
        checked = []
        if spec is not None and "label" in entry:
            if case not in spec:
                sys.exit("case %s has a label but no masks were expected" % case)
            data = image.get_fdata()
            expected = np.zeros(data.shape, dtype=np.int64)
            for mask in spec[case]:
                level, class_id, annotation = mask[:3]
                above = data > level
                if len(mask) > 3:
                    above[:, :, mask[3]:] = False
                if annotation not in entry:
                    sys.exit("case %s: no member %s" % (case, annotation))
                own = nibabel.load(os.path.join(base, entry[annotation]))
                if own.shape != image.shape or not np.allclose(own.affine, image.affine, atol=1e-4):
                    sys.exit("case %s: the mask of %s is not on the image's grid" % (case, annotation))
                if not np.array_equal(np.asarray(own.dataobj), np.where(above, class_id, 0)):
                    sys.exit("case %s: the mask of %s is not the thresholded image" % (case, annotation))
                expected[above] = class_id
                checked.append(annotation)
            for annotation in annotations:
                if annotation in entry and annotation not in checked:
                    sys.exit("case %s names a mask of %s, which it does not have" % (case, annotation))
            if not np.array_equal(np.asarray(label.dataobj), expected):
                sys.exit("case %s: the label is not the masks painted in order" % case)
        result[key].append({"case": case, "label": "label" in entry, "masks": checked})
print(json.dumps(result))
