"""Writes a small BIDS-style tree with nibabel, with identifiers planted in headers, extensions and sidecars.

  write_bids.py ROOT        writes ROOT/bids (NIfTI, BIDS folders, JSON sidecars), ROOT/legacy (Analyze 7.5
                            pairs named SUBJECT_t1.hdr/.img) and ROOT/masks (NIfTI masks mirroring bids/);
                            prints one JSON object: {"planted": [...identifiers...], "images": {relpath: {...}}}
                            with each image's shape and affine as nibabel reads them.
"""
import json
import os
import sys

import numpy as np
import nibabel as nib

PLANTED = ['Doe^Jane', 'Jane Doe', 'Jane', 'Doe', 'PID-7731', 'SN-99123', 'Planted General Hospital',
           '2019-03-04', '20190304', '14:25:36', 'Dr Quill', 'Quill', 'PID-ANA-5531', 'ACC-4412',
           '1.2.826.0.1.3680043.2.1143.777', 'sub-01', 'sub-02', 'sub-03', 'ses-1', 'ses-2', 'LEG004', 'LEG005']


def _affine(rng, zooms):
    # An oblique LPI-ish grid, so that reorienting to RAS has work to do.
    angle = rng.uniform(0.1, 0.3)
    rot = np.array([[np.cos(angle), -np.sin(angle), 0], [np.sin(angle), np.cos(angle), 0], [0, 0, 1]])
    flip = np.diag([-1.0, -1.0, 1.0])
    aff = np.eye(4)
    aff[:3, :3] = flip @ rot @ np.diag(zooms)
    aff[:3, 3] = rng.uniform(-60, 60, size=3)
    return aff


def _data(shape):
    i, j, k = np.meshgrid(*[np.arange(n) for n in shape], indexing='ij')
    centre = (np.array(shape) - 1) / 2.0
    r = np.sqrt(((i - centre[0]) / shape[0]) ** 2 + ((j - centre[1]) / shape[1]) ** 2 + ((k - centre[2]) / shape[2]) ** 2)
    return (1000 * (r < 0.35) + 40 * i + 7 * j + 3 * k).astype(np.int16)


def _sidecar(path, extra):
    side = {
        'Modality': 'MR', 'Manufacturer': 'Siemens', 'MagneticFieldStrength': 3, 'RepetitionTime': 2.3,
        'EchoTime': 0.00298, 'FlipAngle': 9, 'SeriesDescription': 'T1 MPRAGE Jane Doe',
        'PatientName': 'Doe^Jane', 'PatientID': 'PID-7731', 'PatientBirthDate': '19700101',
        'AcquisitionDateTime': '2019-03-04T14:25:36.000000', 'AcquisitionTime': '14:25:36.000000',
        'InstitutionName': 'Planted General Hospital', 'DeviceSerialNumber': 'SN-99123',
        'ReferringPhysicianName': 'Dr Quill', 'AccessionNumber': 'ACC-4412',
        'StudyInstanceUID': '1.2.826.0.1.3680043.2.1143.777', 'ConversionSoftware': 'dcm2niix',
        'ConversionSoftwareVersion': 'v1.0.20220720',
    }
    side.update(extra)
    with open(path, 'w') as f:
        json.dump(side, f, indent=2)


def main(root):
    rng = np.random.default_rng(8)
    images = {}
    shape = (12, 10, 8)
    cases = [('sub-01', 'ses-1'), ('sub-01', 'ses-2'), ('sub-02', None), ('sub-03', None)]
    for n, (sub, ses) in enumerate(cases):
        folder = os.path.join(sub, ses, 'anat') if ses else os.path.join(sub, 'anat')
        stem = f'{sub}_{ses}_T1w' if ses else f'{sub}_T1w'
        rel = f'{folder}/{stem}.nii.gz'
        os.makedirs(os.path.join(root, 'bids', folder), exist_ok=True)
        aff = _affine(rng, [1.0, 1.2, 1.5])
        img = nib.Nifti1Image(_data(shape), aff)
        img.set_qform(aff, code=1)
        img.header['descrip'] = b'Jane Doe PID-7731 2019-03-04'
        img.header['aux_file'] = b'Planted General Hospital'
        img.header['intent_name'] = b'Doe^Jane'
        img.header['db_name'] = b'SN-99123'
        img.header.extensions.append(nib.nifti1.Nifti1Extension('comment', b'PatientName=Doe^Jane PatientID=PID-7731'))
        nib.save(img, os.path.join(root, 'bids', rel))
        _sidecar(os.path.join(root, 'bids', folder, stem + '.json'), {})
        back = nib.load(os.path.join(root, 'bids', rel))
        images[rel] = {'shape': list(back.shape), 'affine': back.affine.tolist()}
        if n != 3:  # sub-03 has no mask: an unlabelled case
            os.makedirs(os.path.join(root, 'masks', folder), exist_ok=True)
            mask = (_data(shape) >= 1000).astype(np.uint8)
            nib.save(nib.Nifti1Image(mask, back.affine), os.path.join(root, 'masks', rel))
    # Analyze 7.5 pairs (no orientation: nibabel's x-flipped, centred affine), with planted data_history text.
    os.makedirs(os.path.join(root, 'legacy'), exist_ok=True)
    for subject in ['LEG004', 'LEG005']:
        hdr = nib.AnalyzeHeader()
        img = nib.AnalyzeImage(_data(shape), np.diag([-1.0, 1.2, 1.5, 1.0]), header=hdr)
        img.header['db_name'] = b'PID-ANA-5531'
        img.header['descrip'] = b'Jane Doe 20190304'
        img.header['aux_file'] = b'Dr Quill'
        rel = f'{subject}_t1.hdr'
        nib.save(img, os.path.join(root, 'legacy', rel))
        back = nib.load(os.path.join(root, 'legacy', rel))
        images[rel] = {'shape': list(back.shape), 'affine': back.affine.tolist()}
    print(json.dumps({'planted': PLANTED, 'images': images}))


if __name__ == '__main__':
    main(sys.argv[1])
