"""nibabel as the oracle for DataForge.Imaging's tests (run with Debian's /usr/bin/python3).

  nibabel_oracle.py dump OUTDIR FILE...   for each FILE (index n): OUTDIR/n.json with the header as
                                          nibabel reads it; OUTDIR/n.raw and OUTDIR/n.real with the
                                          stored and the scaled voxel values as little-endian float64
                                          in x-fastest (Fortran) order, when the file has data.
  nibabel_oracle.py generate OUTDIR       writes NIfTI-1/2 and Analyze files of every datatype and
                                          both byte orders with nibabel; prints their paths, one a line.
  nibabel_oracle.py canonical FILE OUT    saves nibabel.as_closest_canonical(FILE) as OUT.
  nibabel_oracle.py ornt FILE CODES       prints the affine, axis codes and voxels of FILE reoriented
                                          to CODES (e.g. LPS) with nibabel.orientations.
  nibabel_oracle.py stats FILE P...       prints numpy's percentiles P, mean and std of FILE's values.
  nibabel_oracle.py interp FILE ORDER X Y Z   prints scipy.ndimage.map_coordinates(order=ORDER,
                                          mode='mirror') of FILE's values at the voxel coordinates
                                          (X, Y, Z), three comma-separated lists.
  nibabel_oracle.py png FILE               prints the mode, size and pixels (row by row) of a PNG as
                                          PIL (python3-pil) decodes it.
"""
import json
import os
import sys

import numpy as np
import nibabel as nib
from nibabel import orientations


def _matrix(m):
    return None if m is None else [[float(v) for v in row] for row in np.asarray(m)]


def dump(outdir, files):
    for n, path in enumerate(files):
        img = nib.load(path)
        if isinstance(img, nib.Cifti2Image):  # CIFTI-2 is a NIfTI-2 file with an XML extension
            img = nib.Nifti2Image.from_filename(path)
        hdr = img.header
        info = {
            'class': type(img).__name__,
            'shape': [int(d) for d in img.shape],
            'dtype': np.dtype(img.get_data_dtype()).name,
            'endianness': hdr.endianness,
            'affine': _matrix(img.affine),
            'zooms': [float(z) for z in hdr.get_zooms()],
        }
        # nibabel moves the scaling and the data offset from the image's header copy to its proxy.
        info['slope'] = float(getattr(img.dataobj, 'slope', 1.0))
        info['inter'] = float(getattr(img.dataobj, 'inter', 0.0))
        if isinstance(hdr, nib.Nifti1Header):  # Nifti2Header derives from it
            qform, qcode = hdr.get_qform(coded=True)
            sform, scode = hdr.get_sform(coded=True)
            info['qform'] = _matrix(hdr.get_qform())
            info['qform_code'] = int(hdr['qform_code'])
            info['sform'] = _matrix(hdr.get_sform())
            info['sform_code'] = int(hdr['sform_code'])
            info['xyzt_units'] = int(hdr['xyzt_units'])
            info['vox_offset'] = int(getattr(img.dataobj, 'offset', hdr['vox_offset']))
            info['descrip'] = hdr['descrip'].item().decode('latin-1')
            info['intent_code'] = int(hdr['intent_code'])
        try:
            raw = np.asanyarray(img.dataobj.get_unscaled()) if hasattr(img.dataobj, 'get_unscaled') else np.asanyarray(img.dataobj)
            real = img.get_fdata(dtype=np.float64)
            info['has_data'] = True
        except (OSError, FileNotFoundError):
            info['has_data'] = False
        if info['has_data']:
            raw.astype('<f8').ravel(order='F').tofile(os.path.join(outdir, f'{n}.raw'))
            real.astype('<f8').ravel(order='F').tofile(os.path.join(outdir, f'{n}.real'))
        with open(os.path.join(outdir, f'{n}.json'), 'w') as f:
            json.dump(info, f, sort_keys=True)


def _rotation(rng):
    q = rng.normal(size=4)
    q /= np.linalg.norm(q)
    w, x, y, z = q
    return np.array([
        [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
        [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
        [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)]])


def _affine(rng, flip=False):
    aff = np.eye(4)
    zooms = rng.uniform(0.5, 3.0, size=3)
    rot = _rotation(rng)
    if flip:
        rot[:, 2] *= -1
    aff[:3, :3] = rot * zooms
    aff[:3, 3] = rng.uniform(-100, 100, size=3)
    return aff


def _data(rng, dtype, shape):
    dt = np.dtype(dtype)
    if dt.kind in 'iu':
        info = np.iinfo(dt)
        lo, hi = max(int(info.min), -(2 ** 40)), min(int(info.max), 2 ** 40)
        arr = rng.integers(lo, hi, size=shape, dtype=np.int64, endpoint=True).astype(dt)
        arr.flat[0] = info.min
        arr.flat[1] = info.max
        return arr
    return (rng.normal(size=shape) * 1000).astype(dt)


def generate(outdir):
    rng = np.random.default_rng(20261127)
    out = []

    def save(img, name):
        path = os.path.join(outdir, name)
        nib.save(img, path)
        out.append(path)

    dtypes = ['int8', 'uint8', 'int16', 'uint16', 'int32', 'float32', 'float64', 'int64', 'uint32', 'uint64']
    for i, dt in enumerate(dtypes):
        for endian in '<>':
            tag = 'le' if endian == '<' else 'be'
            shape = (5, 4, 3) if i % 2 == 0 else (4, 3, 2, 3)
            data = _data(rng, dt, shape)
            hdr = nib.Nifti1Header(endianness=endian)
            img = nib.Nifti1Image(data, _affine(rng, flip=(i % 3 == 0)), header=hdr)
            img.set_data_dtype(dt)
            img.set_qform(img.affine, code=1)
            sform = img.affine.copy()
            sform[0, 1] += 0.25  # a shear the qform cannot hold
            img.set_sform(sform, code=2)
            ext = '.nii.gz' if i % 4 == 1 else '.nii'
            save(img, f'n1_{dt}_{tag}{ext}')
            hdr2 = nib.Nifti2Header(endianness=endian)
            img2 = nib.Nifti2Image(data, _affine(rng), header=hdr2)
            img2.set_data_dtype(dt)
            save(img2, f'n2_{dt}_{tag}' + ('.nii' if i % 2 else '.nii.gz'))

    # Real values stored as integers: nibabel computes scl_slope and scl_inter.
    for dt in ['int16', 'uint8', 'int8']:
        real = rng.normal(size=(6, 5, 4)) * 3.7 + 100.25
        img = nib.Nifti1Image(real, _affine(rng))
        img.set_data_dtype(dt)
        save(img, f'scaled_{dt}.nii')

    # Pairs: NIfTI-1 .hdr/.img, big-endian; plain Analyze and SPM2 Analyze with an origin and a scale.
    data = _data(rng, 'int16', (7, 6, 5))
    pair = nib.Nifti1Pair(data, _affine(rng), header=nib.Nifti1Header(endianness='>'))
    pair.set_data_dtype('int16')
    save(pair, 'pair_be.hdr')
    ana = nib.AnalyzeImage(data, np.diag([-2.0, 3.0, 4.0, 1.0]))
    save(ana, 'analyze_plain.hdr')
    spm = nib.Spm2AnalyzeImage(rng.normal(size=(7, 6, 5)) * 50, np.array(
        [[-2.0, 0, 0, 10], [0, 3.0, 0, -12], [0, 0, 4.0, -8], [0, 0, 0, 1]]),
        header=nib.Spm2AnalyzeHeader(endianness='>'))
    spm.set_data_dtype('int16')
    save(spm, 'analyze_spm2_be.hdr')
    # SPM also writes a MATLAB .mat affine; without it the header's origin field is what counts.
    os.remove(os.path.join(outdir, 'analyze_spm2_be.mat'))

    # Analyze 7.5 in each datatype it defines and both byte orders; SPM99's funused1 (scl_slope) as the
    # scale factor on some, and .hdr.gz/.img.gz on one.
    for i, dt in enumerate(['uint8', 'int16', 'int32', 'float32', 'float64']):
        for endian in '<>':
            tag = 'le' if endian == '<' else 'be'
            zooms = rng.uniform(0.5, 3.0, size=3)
            shape = (6, 5, 4) if i % 2 == 0 else (5, 4, 3, 2)
            ana = nib.AnalyzeImage(_data(rng, dt, shape), np.diag([-zooms[0], zooms[1], zooms[2], 1.0]),
                                   header=nib.AnalyzeHeader(endianness=endian))
            ana.set_data_dtype(dt)
            save(ana, f'analyze_{dt}_{tag}' + ('.hdr.gz' if (i, endian) == (2, '>') else '.hdr'))
            spm = nib.Spm99AnalyzeImage(_data(rng, dt, shape), np.diag([-zooms[0], zooms[1], zooms[2], 1.0]),
                                        header=nib.Spm99AnalyzeHeader(endianness=endian))
            spm.set_data_dtype(dt)
            spm.header['scl_slope'] = 0.5 + i  # funused1: SPM's scale factor
            save(spm, f'spm99_{dt}_{tag}.hdr')
            mat = os.path.join(outdir, f'spm99_{dt}_{tag}.mat')
            if os.path.exists(mat):
                os.remove(mat)

    # Extensions before the data, time units and repetition time.
    img = nib.Nifti1Image(_data(rng, 'float32', (4, 4, 3, 5)), _affine(rng))
    img.header.extensions.append(nib.nifti1.Nifti1Extension('comment', b'DataForge test extension' * 3))
    img.header.set_xyzt_units('mm', 'sec')
    img.header['pixdim'][4] = 2.5
    img.header['descrip'] = b'extension and units'
    save(img, 'extension_units.nii')
    img = nib.Nifti1Image(_data(rng, 'uint8', (3, 3, 3)), _affine(rng))
    img.set_qform(None, code=0)
    img.set_sform(img.affine, code=4)
    save(img, 'sform_only.nii.gz')
    img = nib.Nifti1Image(_data(rng, 'int16', (3, 4, 5)), _affine(rng, flip=True))
    img.set_sform(None, code=0)
    img.set_qform(img.affine, code=1)
    save(img, 'qform_only_flipped.nii')
    print('\n'.join(out))


def _affine_text(aff):
    return json.dumps(_matrix(aff))


def canonical(path, out):
    img = nib.as_closest_canonical(nib.load(path))
    data = img.get_fdata(dtype=np.float32)  # real values, saved unscaled as float32
    nib.save(nib.Nifti1Image(data, img.affine), out)


def reorient(path, codes):
    img = nib.load(path)
    start = orientations.io_orientation(img.affine)
    target = orientations.axcodes2ornt(tuple(codes))
    transform = orientations.ornt_transform(start, target)
    out = img.as_reoriented(transform)
    data = np.asanyarray(out.dataobj)
    print(json.dumps({'codes': ''.join(nib.aff2axcodes(out.affine)), 'affine': _matrix(out.affine),
                      'shape': [int(d) for d in out.shape],
                      'data': [float(v) for v in np.asarray(data, dtype=np.float64).ravel(order='F')]}))


def stats(path, percentiles):
    data = nib.load(path).get_fdata(dtype=np.float64).ravel()
    print(json.dumps({'percentiles': [float(v) for v in np.percentile(data, [float(p) for p in percentiles])],
                      'mean': float(data.mean()), 'std': float(data.std())}))


def interp(path, order, xs, ys, zs):
    from scipy import ndimage
    data = nib.load(path).get_fdata(dtype=np.float64)
    coords = np.array([[float(v) for v in c.split(',')] for c in (xs, ys, zs)])
    values = ndimage.map_coordinates(data, coords, order=int(order), mode='mirror', prefilter=True)
    print(json.dumps([float(v) for v in values]))


def png(path):
    from PIL import Image
    with Image.open(path) as im:
        im.load()  # decodes and checks every chunk's CRC
        pixels = np.asarray(im)
        print(json.dumps({'mode': im.mode, 'size': list(im.size), 'info': sorted(im.info.keys()),
                          'pixels': [int(v) for v in pixels.ravel()]}))


if __name__ == '__main__':
    command = sys.argv[1]
    if command == 'dump':
        dump(sys.argv[2], sys.argv[3:])
    elif command == 'generate':
        generate(sys.argv[2])
    elif command == 'canonical':
        canonical(sys.argv[2], sys.argv[3])
    elif command == 'ornt':
        reorient(sys.argv[2], sys.argv[3])
    elif command == 'stats':
        stats(sys.argv[2], sys.argv[3:])
    elif command == 'png':
        png(sys.argv[2])
    elif command == 'interp':
        interp(*sys.argv[2:7])
    else:
        sys.exit(f'unknown command {command}')
