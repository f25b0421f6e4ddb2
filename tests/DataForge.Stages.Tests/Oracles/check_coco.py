"""Checks a coco layout with plain json, numpy and PIL (Debian's /usr/bin/python3).

  check_coco.py OUT CLASS_IDS   (CLASS_IDS: the schema's class ids, comma-separated)

For every OUT/coco/annotations/SPLIT.json: ids unique; every annotation's image exists; its category is
one of the file's categories, which are the schema's classes but 0; its bbox lies inside the image; an
RLE's size is the image's; every image's file exists under OUT/coco/images/SPLIT and PIL reads it at
the width and height the file says. Exits 1 with the problems on stderr; prints a summary on stdout.
"""
import json
import os
import sys

import numpy as np
from PIL import Image


def main(out, class_ids):
    problems, summary = [], {}
    folder = os.path.join(out, 'coco', 'annotations')
    for name in sorted(os.listdir(folder)):
        split = name[:-len('.json')]
        with open(os.path.join(folder, name)) as f:
            coco = json.load(f)
        images = {im['id']: im for im in coco['images']}
        if len(images) != len(coco['images']):
            problems.append(f'{split}: image ids repeat')
        cats = {c['id'] for c in coco['categories']}
        if cats != set(class_ids) - {0}:
            problems.append(f'{split}: categories {sorted(cats)} are not the schema classes but background')
        ann_ids = [a['id'] for a in coco['annotations']]
        if len(set(ann_ids)) != len(ann_ids):
            problems.append(f'{split}: annotation ids repeat')
        for a in coco['annotations']:
            im = images.get(a['image_id'])
            if im is None:
                problems.append(f'{split}: annotation {a["id"]} names no image')
                continue
            if a['category_id'] not in cats:
                problems.append(f'{split}: annotation {a["id"]} has category {a["category_id"]}')
            x, y, w, h = np.asarray(a['bbox'], dtype=float)
            if not (np.isfinite([x, y, w, h]).all() and x >= 0 and y >= 0 and w > 0 and h > 0
                    and x + w <= im['width'] and y + h <= im['height']):
                problems.append(f'{split}: annotation {a["id"]} bbox outside its image')
            seg = a.get('segmentation')
            if isinstance(seg, dict) and list(seg['size']) != [im['height'], im['width']]:
                problems.append(f'{split}: annotation {a["id"]} RLE size is not the image size')
        for im in coco['images']:
            path = os.path.join(out, 'coco', 'images', split, im['file_name'])
            if not os.path.isfile(path):
                problems.append(f'{split}: image file {im["file_name"]} is missing')
                continue
            with Image.open(path) as png:
                if list(png.size) != [im['width'], im['height']]:
                    problems.append(f'{split}: image {im["id"]} is {png.size}, not {im["width"]}x{im["height"]}')
        summary[split] = {'images': len(coco['images']), 'annotations': len(coco['annotations']),
                          'patients': sorted({im['pseudonym'] for im in coco['images']}),
                          'files': len(os.listdir(os.path.join(out, 'coco', 'images', split)))}
    if problems:
        print('\n'.join(problems), file=sys.stderr)
        sys.exit(1)
    print(json.dumps(summary))


if __name__ == '__main__':
    main(sys.argv[1], [int(v) for v in sys.argv[2].split(',')])
