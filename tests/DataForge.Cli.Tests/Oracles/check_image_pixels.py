"""Every exported image listed in pixels.json (Pillow's decoding of the source) is, sample for sample, one of the
PNGs under OUT (read by Pillow). Prints the number matched; exits 1 naming the first source without a match."""
import json, os, sys
import numpy as np
from PIL import Image

root, out = sys.argv[1], sys.argv[2]
outputs = []
for r, _, files in os.walk(out):
    for f in files:
        if f.endswith(".png"):
            outputs.append(np.array(Image.open(os.path.join(r, f))))
matched = 0
for p in json.load(open(os.path.join(root, "pixels.json"))):
    want = np.array(p["samples"], dtype=np.int64).reshape(p["shape"])
    if not any(o.shape == want.shape and np.array_equal(o.astype(np.int64), want) for o in outputs):
        print("no output PNG has the samples of", p["path"])
        sys.exit(1)
    matched += 1
print(matched)
