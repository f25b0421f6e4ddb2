"""Checks an nnU-Net v2 raw dataset folder the way nnU-Net's verify_dataset_integrity does, with nibabel.

Usage: check_nnunet.py DATASET_DIR THRESHOLD | SPEC.json. Prints JSON: numTraining, the training and test case ids,
the label map, the overlapping voxels per case; exits 1 with the reason on the first broken rule. THRESHOLD: each
label must be exactly the image's voxels above it, mapped to the highest label id (the synthetic masks are one class).
SPEC.json: {case: [[threshold, label name(, slices)], ...]}: the masks of each training case in painting order, each the
image's voxels above its threshold (in the first SLICES along the third array axis only, when given); the label must be them painted in that order (a later mask over an earlier one) with
dataset.json's id of each name, and every training case must be in the spec. "overlaps" counts the voxels that two or
more of a case's masks claim.
With --reference DIR (dcm2niix's conversions with BIDS sidecars): every image in imagesTr and imagesTs is matched to
the conversion holding the same voxel values (in any axis order) and must be of the channel's modality per the
sidecar's Modality; "modalities" maps each case to it."""
import json
import os
import sys

import nibabel
import numpy as np

args = sys.argv[1:]
reference = None
if "--reference" in args:
    at = args.index("--reference")
    reference = args[at + 1]
    del args[at:at + 2]
root = args[0]
spec = json.load(open(args[1])) if args[1].endswith(".json") else None
threshold = None if spec is not None else float(args[1])


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
# nnU-Net v2's LabelManager: a label named 'ignore' is the ignore label and must be the highest.
if "ignore" in labels and labels["ignore"] != max(v for k, v in labels.items() if k != "ignore") + 1:
    fail("the ignore label is not the highest: %r" % labels)
# regions_class_order belongs to region-based training only (labels given as lists of ids).
if "regions_class_order" in dataset and not any(isinstance(v, list) for v in labels.values()):
    fail("dataset.json has regions_class_order without region labels")
channels = len(dataset["channel_names"])
overlaps = {}

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
    data = image.get_fdata()
    if spec is None:
        expected = np.where(data > threshold, max(ids), 0)
    else:
        if case not in spec:
            fail("case %s is in imagesTr but not among the labelled cases expected" % case)
        expected = np.zeros(data.shape, dtype=np.int64)
        claims = np.zeros(data.shape, dtype=np.int64)
        for mask in spec[case]:
            level, name = mask[0], mask[1]
            above = data > level
            if len(mask) > 2:
                above[:, :, mask[2]:] = False
            expected[above] = labels[name]
            claims += above
        overlaps[case] = int((claims >= 2).sum())
    if not np.array_equal(values, expected):
        fail("case %s: label is not the expected masks painted in order (%d voxels differ)" % (case, int((values != expected).sum())))
tests = sorted(f[: -len(ending) - 5] for f in os.listdir(os.path.join(root, "imagesTs"))) if os.path.isdir(os.path.join(root, "imagesTs")) else []
for case in tests:
    nibabel.load(os.path.join(root, "imagesTs", case + "_0000" + ending)).get_fdata()
modalities = {}
if reference is not None:
    # A volume's voxel values in sorted order do not depend on the axis order it is stored in.
    known = []
    for name in sorted(os.listdir(reference)):
        if name.endswith(".nii") or name.endswith(".nii.gz"):
            sidecar = os.path.join(reference, name[: -len(".nii.gz")] if name.endswith(".gz") else name[:-4]) + ".json"
            values = np.sort(nibabel.load(os.path.join(reference, name)).get_fdata().ravel())
            known.append((values, json.load(open(sidecar))["Modality"]))
    for folder, names in (("imagesTr", cases), ("imagesTs", tests)):
        for case in names:
            values = np.sort(nibabel.load(os.path.join(root, folder, case + "_0000" + ending)).get_fdata().ravel())
            found = [m for v, m in known if v.shape == values.shape and np.allclose(v, values, atol=1e-3)]
            if len(found) != 1:
                fail("%s/%s matches %d reference conversions" % (folder, case, len(found)))
            if found[0] != dataset["channel_names"]["0"]:
                fail("%s/%s is %s, not the channel's %s" % (folder, case, found[0], dataset["channel_names"]["0"]))
            modalities[case] = found[0]
print(json.dumps({"numTraining": dataset["numTraining"], "training": cases, "test": tests, "labels": labels,
                  "channel_names": dataset["channel_names"], "overlaps": overlaps, "modalities": modalities}))
