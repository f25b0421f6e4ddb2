"""Compares polygon masks with PIL's scanline fill (Debian's /usr/bin/python3, PIL and numpy).

  coco_polygon.py   stdin: {"height": H, "width": W, "cases": [{"polygons": [[x, y, ...], ...], "mask": [row-major 0/1]}, ...]}

COCO's pixel (x, y) covers [x, x + 1) x [y, y + 1), so its centre is (x + 0.5, y + 0.5); PIL's pixel (x, y) is
centred on (x, y). PIL is given the polygon shifted by -0.5 so both describe the same region. The two rasterisers
differ only in how they treat pixels the outline passes through, so for each case this prints the number of pixels
where the masks disagree (and of those set only in the given mask), the largest distance from such a pixel's centre to the outline, PIL's and the given
mask's pixel counts, and the shoelace area.
"""
import json
import sys

import numpy as np
from PIL import Image, ImageDraw


def segment_distance(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    t = np.clip(((px - ax) * dx + (py - ay) * dy) / length, 0, 1) if length > 0 else 0
    return np.hypot(px - (ax + t * dx), py - (ay + t * dy))


def main():
    doc = json.load(sys.stdin)
    h, w = doc['height'], doc['width']
    results = []
    for case in doc['cases']:
        image = Image.new('L', (w, h), 0)
        draw = ImageDraw.Draw(image)
        distance = np.full((h, w), np.inf)
        ys, xs = np.mgrid[0:h, 0:w]
        cx, cy = xs + 0.5, ys + 0.5
        shoelace = 0.0
        for p in case['polygons']:
            pts = np.asarray(p, dtype=float).reshape(-1, 2)
            draw.polygon([(x - 0.5, y - 0.5) for x, y in pts], fill=1, outline=1)
            for i in range(len(pts)):
                a, b = pts[i], pts[(i + 1) % len(pts)]
                distance = np.minimum(distance, segment_distance(cx, cy, a[0], a[1], b[0], b[1]))
            x, y = pts[:, 0], pts[:, 1]
            shoelace += abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2
        pil = np.asarray(image, dtype=np.uint8)
        ours = np.asarray(case['mask'], dtype=np.uint8).reshape(h, w)
        differ = pil != ours
        only_ours = (ours == 1) & (pil == 0)
        results.append({
            'disagree': int(differ.sum()),
            'only_ours': int(only_ours.sum()),
            'only_ours_max_distance': float(distance[only_ours].max()) if only_ours.any() else 0.0,
            'max_distance': float(distance[differ].max()) if differ.any() else 0.0,
            'pil_area': int(pil.sum()),
            'area': int(ours.sum()),
            'shoelace': shoelace,
        })
    print(json.dumps(results))


if __name__ == '__main__':
    main()
