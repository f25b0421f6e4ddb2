#!/usr/bin/env bash
# Benchmark: .nii.gz writing throughput of DataForge.Imaging against nibabel on the same volumes,
# at the same zlib level. Not a timed test. Prints both times and the ratio DataForge / nibabel
# (below 1.0: DataForge is faster). Also checks that nibabel reads DataForge's files back equal.
#   bench/imaging-nifti.sh [COUNT] [NX NY NZ] [LEVEL]    defaults: 4 volumes of 512x512x64 int16, level 6
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-4}; nx=${2:-512}; ny=${3:-512}; nz=${4:-64}; level=${5:-6}
python=/usr/bin/python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

dotnet build bench/imaging-nifti/imaging-nifti.csproj -c Release -o "$work/bin" -v q -nologo >/dev/null
driver="$work/bin/imaging-nifti"
"$driver" generate "$work/data" "$count" "$nx" "$ny" "$nz"
size=$(du -cb "$work"/data/v*.nii | tail -1 | cut -f1)

dataforge=$("$driver" write "$work/data" "$level")
nibabel=$("$python" - "$work/data" "$level" <<'PY'
import glob, os, sys, time
import numpy as np
import nibabel as nib
from nibabel.openers import Opener
folder, level = sys.argv[1], int(sys.argv[2])
Opener.default_compresslevel = level
out = os.path.join(folder, "nibabel")
os.makedirs(out, exist_ok=True)
images = []
for path in sorted(glob.glob(os.path.join(folder, "v*.nii"))):
    img = nib.load(path)
    data = np.asarray(img.dataobj)  # into memory, as DataForge's volumes are
    images.append((os.path.basename(path), nib.Nifti1Image(data, img.affine, img.header)))
nib.save(images[0][1], os.path.join(out, "warmup.nii.gz"))
start = time.perf_counter()
for name, img in images:
    nib.save(img, os.path.join(out, name + ".gz"))
print(f"{time.perf_counter() - start:.3f}")
PY
)
# DataForge's output must read back in nibabel with the same voxels and affine.
"$python" - "$work/data" <<'PY'
import glob, os, sys
import numpy as np
import nibabel as nib
folder = sys.argv[1]
for path in sorted(glob.glob(os.path.join(folder, "v*.nii"))):
    a = nib.load(path)
    b = nib.load(os.path.join(folder, "dataforge", os.path.basename(path) + ".gz"))
    assert np.array_equal(np.asarray(a.dataobj), np.asarray(b.dataobj)), path
    assert np.allclose(a.affine, b.affine, atol=1e-5), path
PY
df_size=$(du -cb "$work"/data/dataforge/*.nii.gz | tail -1 | cut -f1)
nb_size=$(du -cb "$work"/data/nibabel/v*.nii.gz | tail -1 | cut -f1)
"$python" - "$count" "$nx" "$ny" "$nz" "$level" "$size" "$dataforge" "$nibabel" "$df_size" "$nb_size" <<'PY'
import sys
count, nx, ny, nz, level, size = (int(v) for v in sys.argv[1:7])
df, nb = float(sys.argv[7]), float(sys.argv[8])
df_size, nb_size = int(sys.argv[9]), int(sys.argv[10])
mb = size / 1e6
print(f"volumes: {count} x {nx}x{ny}x{nz} int16 ({mb:.0f} MB), gzip level {level}")
print(f"DataForge: {df:.2f} s ({mb / df:.0f} MB/s), {df_size / 1e6:.1f} MB written")
print(f"nibabel:   {nb:.2f} s ({mb / nb:.0f} MB/s), {nb_size / 1e6:.1f} MB written")
print(f"ratio DataForge/nibabel: {df / nb:.2f}")
PY
