#!/usr/bin/env bash
# Header-only read benchmark (issue 3): DataForge vs dcmdump (dcmtk) vs pydicom over the same generated corpus.
# Usage: bench/dicom-read.sh [COUNT=10000] [WORKDIR=$TMPDIR/dataforge-dicom-bench]
# Prints files per second for each reader and the ratios. Not a test: numbers depend on the machine.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
count="${1:-10000}"
work="${2:-${TMPDIR:-/tmp}/dataforge-dicom-bench}"
corpus="$work/corpus"
list="$work/files.txt"
driver="$here/dicom-read-bench.cs"

if [ ! -f "$list" ] || [ "$(wc -l < "$list")" -ne "$count" ]; then
  rm -rf "$corpus"; mkdir -p "$corpus"
  echo "generating $count files in $corpus"
  dotnet run -c Release --file "$driver" -- generate "$corpus" "$count" >/dev/null
  find "$corpus" -name '*.dcm' | sort > "$list"
fi
# Warm the page cache so every reader sees the same conditions.
cat $(cat "$list") > /dev/null

rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }

read -r n df1 < <(dotnet run -c Release --file "$driver" -- read "$list" 1)
cores="$(nproc)"
read -r _ dfn < <(dotnet run -c Release --file "$driver" -- read "$list" "$cores")

dcm_rate=""
if command -v dcmdump >/dev/null; then
  start=$(date +%s.%N)
  xargs -a "$list" dcmdump -q +P 0010,0010 > /dev/null
  end=$(date +%s.%N)
  dcm=$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')
  dcm_rate=$(rate "$n" "$dcm")
fi

py_rate=""
if /usr/bin/python3 -c 'import pydicom' 2>/dev/null; then
  read -r _ py < <(/usr/bin/python3 "$here/dicom-read-pydicom.py" "$list")
  py_rate=$(rate "$n" "$py")
fi

df1_rate=$(rate "$n" "$df1")
dfn_rate=$(rate "$n" "$dfn")
echo "files: $n (header-only: stop before Pixel Data)"
echo "DataForge, 1 thread:        $df1_rate files/s"
echo "DataForge, $cores threads:        $dfn_rate files/s (scaling x$(awk -v a="$dfn_rate" -v b="$df1_rate" 'BEGIN { printf "%.2f", a / b }'))"
[ -n "$dcm_rate" ] && echo "dcmdump -q +P 0010,0010:    $dcm_rate files/s (one process; DataForge 1 thread is x$(awk -v a="$df1_rate" -v b="$dcm_rate" 'BEGIN { printf "%.2f", a / b }'))"
[ -n "$py_rate" ] && echo "pydicom stop_before_pixels: $py_rate files/s (DataForge 1 thread is x$(awk -v a="$df1_rate" -v b="$py_rate" 'BEGIN { printf "%.2f", a / b }'))"
