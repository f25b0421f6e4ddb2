#!/usr/bin/env bash
# Decoding benchmark (issue 18), not a test: one synthetic CT series compressed as JPEG Lossless SV1 (.70,
# dcmcjpeg +e1), JPEG Lossless selection value 6 (.57, dcmcjpeg +el +sv 6: DataForge's own lossless decoder),
# JPEG-LS (.80, dcmcjpls) and JPEG 2000 (.90, gdcmconv --j2k); DataForge decodes every frame to
# real values (as the volume stage does) with 1 thread and with every core, against gdcmconv --raw and
# dcmdjpeg / dcmdjpls decompressing the same files one process per file (as they are used), in the same run.
#
#   bench/decode.sh [DIR]     env: SLICES (default 200) slices of MATRIX (default 512) pixels square, 16 bit
#
# Prints slices/s of each and DataForge(1 thread)/faster anchor (the issue's target: >= 1.0).
set -euo pipefail
cd "$(dirname "$0")/.."
SLICES=${SLICES:-200}; MATRIX=${MATRIX:-512}
DIR=${1:-${TMPDIR:-/tmp}/dataforge-decode-bench}
. bench/lib.sh
for tool in dcmcjpeg dcmcjpls dcmdjpeg dcmdjpls gdcmconv; do
  command -v $tool >/dev/null || { echo "$tool is missing: apt-get install dcmtk libgdcm-tools" >&2; exit 2; }
done

DF=$(publish_cli "$DIR.bin")
ct_corpus "$DF" "$DIR" 1 "$SLICES" "$MATRIX"
compress() {   # compress NAME TOOL OPTIONS...: DIR/NAME holds every slice of DIR/raw compressed
  local name=$1 tool=$2; shift 2
  if [ ! -f "$DIR/.$name-$SLICES-$MATRIX" ]; then
    rm -rf "$DIR/$name"; mkdir -p "$DIR/$name"
    find "$DIR/raw" -name '*.dcm' | sort | while read -r f; do "$tool" "$@" "$f" "$DIR/$name/$(basename "$f")"; done
    touch "$DIR/.$name-$SLICES-$MATRIX"
  fi
}
compress jpeg-lossless dcmcjpeg +e1
compress jpeg-lossless-sv6 dcmcjpeg +el +sv 6
compress jpeg-ls dcmcjpls
compress j2k gdcmconv --j2k

seconds() { local start end; start=$(date +%s.%N); "$@" >/dev/null 2>&1; end=$(date +%s.%N); awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }'; }
per_file() {   # per_file TOOL OPTIONS...: every file of $files decompressed by one process each, into a scratch folder
  local tool=$1; shift
  mkdir -p "$DIR/scratch"
  while read -r f; do "$tool" "$@" "$f" "$DIR/scratch/out.dcm"; done < "$files"
}
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.1f", n / s }'; }

cores=$(nproc)
printf '%-18s %10s %10s %12s %10s %8s\n' syntax "df -j1" "df -j$cores" "gdcmconv" "dcmtk" "ratio"
for set in "jpeg-lossless dcmdjpeg" "jpeg-lossless-sv6 dcmdjpeg" "jpeg-ls dcmdjpls" "j2k -"; do
  read -r name dcmtk <<<"$set"
  files="$DIR/$name.list"; find "$DIR/$name" -name '*.dcm' | sort > "$files"
  n=$(wc -l < "$files")
  cat $(cat "$files") > /dev/null   # page cache warm for everyone
  read -r _ df1 < <(dotnet run -c Release --file bench/decode-bench.cs -- decode "$files" 1)
  read -r _ dfn < <(dotnet run -c Release --file bench/decode-bench.cs -- decode "$files" "$cores")
  gdcm=$(seconds per_file gdcmconv --raw)
  if [ "$dcmtk" = - ]; then dt=""; best=$gdcm; else dt=$(seconds per_file "$dcmtk"); best=$(awk -v a="$gdcm" -v b="$dt" 'BEGIN { print (a < b ? a : b) }'); fi
  printf '%-18s %10s %10s %12s %10s %8s\n' "$name" "$(rate "$n" "$df1")" "$(rate "$n" "$dfn")" "$(rate "$n" "$gdcm")" \
    "$([ -n "$dt" ] && rate "$n" "$dt" || echo n/a)" "$(awk -v a="$best" -v b="$df1" 'BEGIN { printf "%.2fx", a / b }')"
done
echo "slices/s; ratio = DataForge on one thread against the faster anchor (one process per file, as they are used)"
