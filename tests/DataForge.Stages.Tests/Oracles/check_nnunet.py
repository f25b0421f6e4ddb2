"""Checks an nnU-Net v2 raw dataset folder the way nnU-Net's verify_dataset_integrity does, with nibabel.

Usage: check_nnunet.py DATASET_DIR THRESHOLD. Prints JSON: numTraining, the training and test case ids,
the label map; exits 1 with the reason on the first broken rule. THRESHOLD: each label must be exactly
the image's voxels above it, mapped to the highest label id (the synthetic masks are one class)."""
import json
import os
import sys

import nibabel
import numpy as np

root, threshold = sys.argv[1], float(sys.argv[2])


def fail(reason):
    print(reason, file=sys.stderr)
    sys.exit(1)


dataset = json.load(open(os.path.join(root, "dataset.json")))
for key in ("channel_names", "labels", "numTraining", "file_ending"):
    if key not in dataset:
        fail("dataset.json lacks " + key)
ending = dataset["file_ending"]
labels = dataset["labels"]
ids = sorted(labels.values())
if ids != list(range(len(ids))) or labels.get("background") != 0:
    fail("labels are not consecutive from background 0: %r" % labels)
channels = len(dataset["channel_names"])

images = sorted(f for f in os.listdir(os.path.join(root, "imagesTr")) if f.endswith(ending))
cases = sorted({f[: -len(ending) - 5] for f in images})
if len(cases) != dataset["numTraining"]:
    fail("numTraining %d but %d cases in imagesTr" % (dataset["numTraining"], len(cases)))
labelled = sorted(f[: -len(ending)] for f in os.listdir(os.path.join(root, "labelsTr")) if f.endswith(ending))
if labelled != cases:
    fail("imagesTr and labelsTr cases differ")
for case in cases:
    for c in range(channels):
        if not os.path.exists(os.path.join(root, "imagesTr", "%s_%04d%s" % (case, c, ending))):
            fail("case %s lacks channel %d" % (case, c))
    image = nibabel.load(os.path.join(root, "imagesTr", case + "_0000" + ending))
    label = nibabel.load(os.path.join(root, "labelsTr", case + ending))
    if image.shape != label.shape:
        fail("case %s: shapes %r and %r" % (case, image.shape, label.shape))
    if not np.allclose(image.affine, label.affine, atol=1e-4):
        fail("case %s: affines differ" % case)
    values = np.asarray(label.dataobj)
    if not set(np.unique(values).tolist()) <= set(ids):
        fail("case %s: label values %r not in %r" % (case, np.unique(values).tolist(), ids))
    expected = np.where(image.get_fdata() > threshold, max(ids), 0)
    if not np.array_equal(values, expected):
        fail("case %s: label is not the thresholded image" % case)
tests = sorted(f[: -len(ending) - 5] for f in os.listdir(os.path.join(root, "imagesTs"))) if os.path.isdir(os.path.join(root, "imagesTs")) else []
for case in tests:
    nibabel.load(os.path.join(root, "imagesTs", case + "_0000" + ending)).get_fdata()
print(json.dumps({"numTraining": dataset["numTraining"], "training": cases, "test": tests, "labels": labels,
                  "channel_names": dataset["channel_names"]}))
