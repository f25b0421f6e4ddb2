"""Checks COCO boxes carried through resample and crop_or_pad against scipy.ndimage (Debian's /usr/bin/python3).

  check_box_geometry.py   stdin: {"cases": [{"height": H, "width": W, "spacing": [row, column],
                                   "steps": [{"resample": [sx, sy]} | {"crop_or_pad": [mx, my]}, ...],
                                   "size": [W', H'],
                                   "boxes": [{"bbox": [x, y, w, h]} | {"polygons": [[x, y, ...]]} | {"rle": [counts...]}, ...],
                                   "output": [{"bbox": ..., "area": ..., "polygons"?: ..., "rle"?: {"size", "counts"}} | null, ...]}]}

Each input box is rasterised on the acquired image: a bbox as the pixels whose centres lie inside it, polygons as
the pixels whose centres are inside (even-odd rule), an RLE with coco_rle.py's decoder.
The raster goes through the steps as the README documents the grids: resample along x and y to n' = round(n * s / t)
(halves away from zero) reading old index c + (j - c') * t / s with c = (n - 1) / 2, c' = (n' - 1) / 2, with
scipy.ndimage.map_coordinates(order=0, mode='nearest'); crop_or_pad cutting or padding with zeros, the first kept
index floor((n - m) / 2). Checks: the final size is the harmonised image's; a box whose raster is empty was dropped
(output null) and every other kept; each side of the output bbox within one pixel of the raster's extent; an output
RLE equal to the resampled raster; a given bbox's corners and an uncut polygon's vertices where the index maps put
them (to 1/1000 pixel; the bbox clipped to the image); the area within the raster's outline of its pixel count (the RLE's exactly).
Prints {"boxes": N, "dropped": D, "max_side_error": E}; exits 1 with the problems on stderr.
"""
import json
import os
import sys

import numpy as np
from scipy import ndimage

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import coco_rle  # noqa: E402


def raster(box, h, w):
    if 'rle' in box:
        counts = box['rle']
        if isinstance(counts, str):
            counts = coco_rle.from_string(counts)
        return coco_rle.to_mask(counts, h, w).astype(np.uint8)
    if 'polygons' in box:
        # even-odd rule on pixel centres (PIL's fill also paints the outline, up to a pixel beyond it)
        cy, cx = np.mgrid[0:h, 0:w] + 0.5
        mask = np.zeros((h, w), dtype=bool)
        for p in box['polygons']:
            xs, ys = np.asarray(p[0::2], dtype=float), np.asarray(p[1::2], dtype=float)
            inside = np.zeros((h, w), dtype=bool)
            for (ax, ay, bx, by) in zip(xs, ys, np.roll(xs, -1), np.roll(ys, -1)):
                if ay == by:
                    continue
                crosses = (cy >= min(ay, by)) & (cy < max(ay, by))
                x_at = ax + (cy - ay) * (bx - ax) / (by - ay)
                inside ^= crosses & (cx < x_at)
            mask |= inside
        return mask.astype(np.uint8)
    x, y, bw, bh = box['bbox']
    cx = np.arange(w) + 0.5
    cy = np.arange(h) + 0.5
    inside_x = (cx >= x) & (cx <= x + bw)
    inside_y = (cy >= y) & (cy <= y + bh)
    return (inside_y[:, None] & inside_x[None, :]).astype(np.uint8)


def resample(mask, spacing, target):
    # mask is [rows, columns]; spacing and target are [x (columns), y (rows)]
    axes = []
    for axis, n in ((1, mask.shape[1]), (0, mask.shape[0])):
        s, t = spacing[1 - axis], target[1 - axis]
        m = max(1, int(np.floor(n * s / t + 0.5)))
        ratio = t / s
        axes.append((n - 1) / 2.0 + (np.arange(m) - (m - 1) / 2.0) * ratio)
    cols, rows = axes
    grid = np.meshgrid(rows, cols, indexing='ij')
    return ndimage.map_coordinates(mask, grid, order=0, mode='nearest')


def crop_or_pad(mask, shape):
    out = np.zeros((shape[1], shape[0]), dtype=mask.dtype)
    src = [slice(None), slice(None)]
    dst = [slice(None), slice(None)]
    for axis, m in ((1, shape[0]), (0, shape[1])):
        n = mask.shape[axis]
        if n >= m:
            start = (n - m) // 2
            src[axis], dst[axis] = slice(start, start + m), slice(0, m)
        else:
            start = (m - n) // 2
            src[axis], dst[axis] = slice(0, n), slice(start, start + n)
    out[tuple(dst)] = mask[tuple(src)]
    return out


def point_map(case):
    """The continuous map of a COCO point (pixel corners) through the steps: x -> index x - 0.5, each step's index
    map inverted (resample: j = (i - start) / ratio; crop_or_pad: j = i - start), back with + 0.5."""
    spacing = [case['spacing'][1], case['spacing'][0]]
    size = [case['width'], case['height']]
    maps = []
    for step in case['steps']:
        if 'resample' in step:
            t = step['resample']
            m = [max(1, int(np.floor(size[a] * spacing[a] / t[a] + 0.5))) for a in (0, 1)]
            ratio = [t[a] / spacing[a] for a in (0, 1)]
            start = [(size[a] - 1) / 2.0 - (m[a] - 1) / 2.0 * ratio[a] for a in (0, 1)]
            maps.append((start, ratio))
            size, spacing = m, list(t)
        else:
            m = step['crop_or_pad']
            start = [(size[a] - m[a]) // 2 if size[a] >= m[a] else -((m[a] - size[a]) // 2) for a in (0, 1)]
            maps.append((start, [1.0, 1.0]))
            size = list(m)

    def apply(x, y):
        p = [x - 0.5, y - 0.5]
        for start, ratio in maps:
            p = [(p[a] - start[a]) / ratio[a] for a in (0, 1)]
        return p[0] + 0.5, p[1] + 0.5
    return apply, size


def main():
    doc = json.load(sys.stdin)
    problems, count, dropped, worst = [], 0, 0, 0.0
    for c, case in enumerate(doc['cases']):
        h, w = case['height'], case['width']
        spacing = [case['spacing'][1], case['spacing'][0]]
        rasters = [raster(b, h, w) for b in case['boxes']]
        size = (h, w)
        for step in case['steps']:
            if 'resample' in step:
                target = step['resample']
                rasters = [resample(r, spacing, target) for r in rasters]
                size = rasters[0].shape if rasters else size
                spacing = list(target)
            else:
                rasters = [crop_or_pad(r, step['crop_or_pad']) for r in rasters]
                size = (step['crop_or_pad'][1], step['crop_or_pad'][0])
        if list(case['size']) != [size[1], size[0]]:
            problems.append(f'case {c}: the harmonised image is {case["size"]}, scipy gives {[size[1], size[0]]}')
        apply, (fw, fh) = point_map(case)
        for b, (r, out) in enumerate(zip(rasters, case['output'])):
            count += 1
            where = f'case {c} box {b + 1}'
            given = case['boxes'][b]
            if out is not None and 'bbox' in given:
                # the continuous box: its corners mapped, clipped to the harmonised image (to 1/1000 pixel)
                x, y, bw, bh = given['bbox']
                (x0, y0), (x1, y1) = apply(x, y), apply(x + bw, y + bh)
                expect = [max(0, x0), max(0, y0), min(fw, x1), min(fh, y1)]
                got = [out['bbox'][0], out['bbox'][1], out['bbox'][0] + out['bbox'][2], out['bbox'][1] + out['bbox'][3]]
                if max(abs(a - e) for a, e in zip(got, expect)) > 0.002:
                    problems.append(f'{where}: bbox {out["bbox"]}, the mapped corners give {expect}')
            if out is not None and 'polygons' in given and all(0 <= v for p in out['polygons'] for v in p):
                mapped = [apply(p[i], p[i + 1]) for p in given['polygons'] for i in range(0, len(p), 2)]
                inside = all(0 <= px <= fw and 0 <= py <= fh for px, py in mapped)
                ours = [(p[i], p[i + 1]) for p in out['polygons'] for i in range(0, len(p), 2)]
                if inside and (len(ours) != len(mapped) or max(abs(a - e) for o, m in zip(ours, mapped) for a, e in zip(o, m)) > 0.002):
                    problems.append(f'{where}: polygon {out["polygons"]}, the mapped vertices give {mapped}')
            if not r.any():
                dropped += 1
                if out is not None:
                    problems.append(f'{where}: nothing is left on the harmonised image but the box was kept')
                continue
            if out is None:
                problems.append(f'{where}: {int(r.sum())} pixels are left but the box was dropped')
                continue
            ys, xs = np.nonzero(r)
            extent = [xs.min(), ys.min(), xs.max() + 1, ys.max() + 1]
            x, y, bw, bh = out['bbox']
            ours = [x, y, x + bw, y + bh]
            error = max(abs(a - e) for a, e in zip(ours, extent))
            worst = max(worst, float(error))
            if error > 1:
                problems.append(f'{where}: bbox {out["bbox"]} is {error:.3f} px from the raster extent {extent}')
            if 'rle' in out:
                mask = coco_rle.to_mask(coco_rle.from_string(out['rle']['counts']), size[0], size[1])
                if list(out['rle']['size']) != [size[0], size[1]]:
                    problems.append(f'{where}: RLE size {out["rle"]["size"]}')
                elif not np.array_equal(mask, r):
                    problems.append(f'{where}: the RLE differs from scipy in {int((mask != r).sum())} pixels')
                if out['area'] != int(r.sum()):
                    problems.append(f'{where}: area {out["area"]}, the mask has {int(r.sum())} pixels')
            elif abs(out['area'] - r.sum()) > (extent[2] - extent[0]) + (extent[3] - extent[1]) + 2:
                problems.append(f'{where}: area {out["area"]} is far from the raster\'s {int(r.sum())} pixels')
    if problems:
        print('\n'.join(problems), file=sys.stderr)
        sys.exit(1)
    print(json.dumps({'boxes': count, 'dropped': dropped, 'max_side_error': worst}))


if __name__ == '__main__':
    main()
