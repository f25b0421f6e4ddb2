"""Checks masks and landmarks carried through harmonise steps into an nnU-Net v2 raw dataset, with nibabel and scipy.

Usage: check_harmonised_labels.py OUT_DIR MASK_ANNOTATION LANDMARK_ANNOTATION SX SY SZ [ACQUIRED_DIR]
For each training case: image and label share shape and affine (nnU-Net's rule, 1e-4); the voxel sizes are the
target spacing; the label is the acquired-grid mask (ACQUIRED_DIR/PSEUDONYM/*.nii.gz, by default
OUT/labels/ANNOTATION/PSEUDONYM/*.nii.gz) sampled with scipy.ndimage.map_coordinates(order=0) at the positions the
two affines give (classes renumbered by dataset.json); a published harmonised mask, if any, is the same; the image's voxels under the mask have mean 0 and std 1 (zscore over
the mask). Landmarks: a kept point's voxel is inv(image affine) @ position; a dropped point lies outside the grid.
Exits 1 with the reason on the first failure; prints a JSON summary."""
import glob
import json
import os
import sys

import nibabel
import numpy as np
from scipy import ndimage

out, annotation, marks = sys.argv[1], sys.argv[2], sys.argv[3]
spacing = [float(v) for v in sys.argv[4:7]]
acquired = sys.argv[7] if len(sys.argv) > 7 else os.path.join(out, "labels", annotation)


def fail(reason):
    print(reason, file=sys.stderr)
    sys.exit(1)


def one(pattern):
    found = sorted(glob.glob(pattern))
    if len(found) != 1:
        fail("expected one file for %s, found %d" % (pattern, len(found)))
    return found[0]


dataset = json.load(open(os.path.join(out, "dataset.json")))
ids = sorted(dataset["labels"].values())
if ids != list(range(len(ids))) or dataset["labels"].get("background") != 0:
    fail("labels are not consecutive from background 0")
cases = sorted(f[: -len("_0000.nii.gz")] for f in os.listdir(os.path.join(out, "imagesTr")))
if len(cases) != dataset["numTraining"]:
    fail("numTraining differs from the cases in imagesTr")
closest_tie = 1.0
for case in cases:
    patient = case[:-4]
    image = nibabel.load(os.path.join(out, "imagesTr", case + "_0000.nii.gz"))
    label = nibabel.load(os.path.join(out, "labelsTr", case + ".nii.gz"))
    if image.shape != label.shape or not np.allclose(image.affine, label.affine, atol=1e-4):
        fail("case %s: image and label grids differ" % case)
    if not np.allclose(image.header.get_zooms()[:3], spacing, atol=1e-4):
        fail("case %s: voxel size %r, not %r" % (case, image.header.get_zooms()[:3], spacing))
    source = nibabel.load(one(os.path.join(acquired, patient, "*.nii.gz")))
    published = glob.glob(os.path.join(out, "labels", annotation, "harmonised", patient, "*.nii.gz"))
    grid = np.indices(label.shape[:3]).reshape(3, -1)
    world = label.affine @ np.vstack([grid, np.ones(grid.shape[1])])
    coords = (np.linalg.inv(source.affine) @ world)[:3]
    frac = np.abs(coords - np.floor(coords) - 0.5)
    closest_tie = min(closest_tie, float(frac.min()))
    if frac.min() < 1e-3:
        fail("case %s: a sample falls half-way between voxels; the nearest neighbour is ill-posed, choose other spacings" % case)
    expected = ndimage.map_coordinates(np.asarray(source.dataobj), coords, order=0, mode="nearest").reshape(label.shape[:3])
    harmonised = nibabel.load(published[0]) if published else None
    if harmonised is not None and (not np.array_equal(np.asarray(harmonised.dataobj), expected) or not np.allclose(harmonised.affine, label.affine, atol=1e-4)):
        fail("case %s: the published harmonised mask is not the nearest-neighbour sample of the acquired mask" % case)
    present = sorted(v for v in np.unique(expected).tolist() if v != 0)
    renumbered = np.zeros_like(expected)
    for rank, value in enumerate(present, start=1):
        renumbered[expected == value] = rank
    if not np.array_equal(np.asarray(label.dataobj), renumbered):
        fail("case %s: labelsTr is not the nearest-neighbour sample of the acquired mask" % case)
    values = image.get_fdata()[np.asarray(label.dataobj) > 0]
    if values.size == 0 or abs(values.mean()) > 1e-3 or abs(values.std() - 1) > 1e-3:
        fail("case %s: voxels under the mask have mean %g, std %g" % (case, values.mean(), values.std()))

kept = dropped = 0
original = {(i["patient"], i["series"], p["name"]): p for i in json.load(open(os.path.join(out, "labels", marks + ".json")))["items"] for p in i["points"]}
moved = json.load(open(os.path.join(out, "labels", marks + ".harmonised.json")))
after = {(i["patient"], i["series"], p["name"]): p for i in moved["items"] for p in i["points"]}
for (patient, series, name), point in original.items():
    folder = "imagesTr" if os.path.exists(os.path.join(out, "imagesTr", patient + "_000_0000.nii.gz")) else "imagesTs"
    path = os.path.join(out, folder, patient + "_000_0000.nii.gz")
    if not os.path.exists(path):
        continue
    image = nibabel.load(path)
    voxel = (np.linalg.inv(image.affine) @ np.array(point["position"] + [1.0]))[:3]
    inside = all(-0.5 <= v < n - 0.5 for v, n in zip(voxel, image.shape[:3]))
    if (patient, series, name) in after:
        if not inside:
            fail("%s: kept point %s lies outside the harmonised grid" % (patient, name))
        if after[(patient, series, name)]["position"] != point["position"]:
            fail("%s: point %s moved in the world" % (patient, name))
        if not np.allclose(after[(patient, series, name)]["voxel"], voxel, atol=2e-3):
            fail("%s: point %s voxel %r, nibabel says %r" % (patient, name, after[(patient, series, name)]["voxel"], voxel.tolist()))
        kept += 1
    else:
        if inside:
            fail("%s: point %s was dropped but lies inside the harmonised grid" % (patient, name))
        dropped += 1
print(json.dumps({"cases": len(cases), "kept": kept, "dropped": dropped, "closest_tie": closest_tie}))
