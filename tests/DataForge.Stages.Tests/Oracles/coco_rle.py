"""A small numpy implementation of COCO's RLE (cocoapi maskApi.c: rleEncode, rleToString, rleFrString)
to cross-check DataForge's. Reads one JSON document on stdin, prints one on stdout.

  coco_rle.py encode   {"height": H, "width": W, "masks": [[row-major 0/1...], ...]}  ->  {"counts": [string...], "runs": [[int...]...]}
  coco_rle.py decode   {"height": H, "width": W, "counts": [string...]}               ->  {"masks": [[row-major 0/1...], ...]}
"""
import json
import sys

import numpy as np


def runs_of(mask):
    flat = np.asarray(mask, dtype=np.uint8).ravel(order='F')  # column-major, as COCO
    change = np.flatnonzero(np.diff(np.concatenate([[0], flat, [1 - flat[-1] if flat.size else 0]])))
    runs = np.diff(np.concatenate([[0], change])).tolist()
    # runs alternate 0s, 1s, ... starting with 0s; the closing sentinel adds the final length
    return [int(r) for r in runs]


def to_string(counts):
    out = []
    for i, x in enumerate(counts):
        if i > 2:
            x -= counts[i - 2]
        more = True
        while more:
            c = x & 0x1f
            x >>= 5
            more = (x != -1) if (c & 0x10) else (x != 0)
            if more:
                c |= 0x20
            out.append(chr(c + 48))
    return ''.join(out)


def from_string(s):
    counts, p = [], 0
    while p < len(s):
        x, k, more = 0, 0, True
        while more:
            c = ord(s[p]) - 48
            x |= (c & 0x1f) << (5 * k)
            more = bool(c & 0x20)
            p += 1
            k += 1
            if not more and (c & 0x10):
                x |= -1 << (5 * k)
        if len(counts) > 2:
            x += counts[-2]
        counts.append(x)
    return counts


def to_mask(counts, h, w):
    flat = np.zeros(h * w, dtype=np.uint8)
    at, value = 0, 0
    for r in counts:
        flat[at:at + r] = value
        at += r
        value = 1 - value
    return flat.reshape((h, w), order='F')


def main():
    command = sys.argv[1]
    doc = json.load(sys.stdin)
    h, w = doc['height'], doc['width']
    if command == 'encode':
        masks = [np.asarray(m, dtype=np.uint8).reshape(h, w) for m in doc['masks']]
        runs = [runs_of(m) for m in masks]
        # a mask ending in 1s: runs_of's sentinel appends nothing extra; a mask of 0s only is one run
        print(json.dumps({'counts': [to_string(r) for r in runs], 'runs': runs}))
    else:
        print(json.dumps({'masks': [to_mask(from_string(s), h, w).ravel().tolist() for s in doc['counts']]}))


if __name__ == '__main__':
    main()
