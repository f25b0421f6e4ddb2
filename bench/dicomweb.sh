#!/usr/bin/env bash
# DICOMweb pull benchmark (issue 19), not a test: `dataforge pull` of a synthetic CT corpus from a local Orthanc
# (WADO-RS over loopback, into the private cache) against curl fetching the same series through WADO-RS in the
# same run (the transfer floor: one request per series, the multipart body written to disk, nothing parsed).
# Orthanc listens on every interface, so the script runs itself in a network namespace of its own
# (`unshare -n`, loopback only); it needs orthanc and orthanc-dicomweb (Debian).
#
#   bench/dicomweb.sh [DIR]     env: PATIENTS (default 10) x SLICES (default 200) slices of MATRIX (512) pixels
#                               square, 16 bit (2,000 CT slices, 1 GB); PORT (default 8042); ROUNDS (default 3)
#
# Prints the median wall and CPU seconds of each over interleaved rounds and the ratio DataForge/curl wall time
# (target <= 1.3), and checks that DataForge's cache holds the bytes Orthanc was given. DataForge fetches two
# series at once; curl one after the other, as a script would.
set -euo pipefail
cd "$(dirname "$0")/.."
PATIENTS=${PATIENTS:-10}; SLICES=${SLICES:-200}; MATRIX=${MATRIX:-512}; PORT=${PORT:-8042}; ROUNDS=${ROUNDS:-3}
DIR=${1:-${TMPDIR:-/tmp}/dataforge-dicomweb-bench}
. bench/lib.sh
if [ -z "${DATAFORGE_BENCH_CLI:-}" ]; then
  # Published before the namespace is entered: publishing may need the network (runtime packs).
  DF=$(publish_cli "$DIR.bin")
  exec unshare -n env DATAFORGE_BENCH_CLI="$DF" bash -c 'ip link set lo up && exec bash "$0" "$@"' "$0" "$@"
fi
DF=$DATAFORGE_BENCH_CLI
ORTHANC=$(command -v Orthanc || echo /usr/sbin/Orthanc)
[ -x "$ORTHANC" ] && ls /usr/share/orthanc/plugins/libOrthancDicomWeb* >/dev/null 2>&1 \
  || { echo "Orthanc or its DICOMweb plugin is missing: apt-get install orthanc orthanc-dicomweb" >&2; exit 2; }

ct_corpus "$DF" "$DIR" "$PATIENTS" "$SLICES" "$MATRIX"
FILES=$(find "$DIR/raw" -name '*.dcm' | wc -l)
BYTES=$(du -sb "$DIR/raw" | cut -f1)

# Orthanc with a generated configuration, storage in the bench folder, stopped by its pid on exit.
PASSWORD=bench-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
# The storage is kept between runs of the same corpus (uploading is not what is measured).
[ -f "$DIR/orthanc/.uploaded-$FILES" ] || rm -rf "$DIR/orthanc"
mkdir -p "$DIR/orthanc"
cat > "$DIR/orthanc/config.json" <<JSON
{ "Name": "bench", "HttpPort": $PORT, "DicomServerEnabled": false, "AuthenticationEnabled": true,
  "RegisteredUsers": { "bench": "$PASSWORD" }, "RemoteAccessAllowed": true, "StorageCompression": false,
  "StorageDirectory": "$DIR/orthanc/storage", "IndexDirectory": "$DIR/orthanc/storage",
  "Plugins": ["/usr/share/orthanc/plugins"], "DicomWeb": { "Enable": true, "Root": "/dicom-web/" } }
JSON
"$ORTHANC" "$DIR/orthanc/config.json" > "$DIR/orthanc/log.txt" 2>&1 &
ORTHANC_PID=$!
trap 'kill "$ORTHANC_PID" 2>/dev/null || true' EXIT
AUTH="bench:$PASSWORD"
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 300); do curl -sf -u "$AUTH" "$BASE/system" >/dev/null && break; sleep 0.2; done
if [ ! -f "$DIR/orthanc/.uploaded-$FILES" ]; then
  find "$DIR/raw" -name '*.dcm' -print0 | xargs -0 -P 2 -n 1 sh -c 'curl -sf -u "$0" -H "Content-Type: application/dicom" --data-binary @"$2" "$1/instances" >/dev/null' "$AUTH" "$BASE"
  touch "$DIR/orthanc/.uploaded-$FILES"
fi
cat "$DIR"/raw/*/*/*/*.dcm > /dev/null

now() { date +%s.%N; }
run() { local t0; t0=$(now); /usr/bin/time -o "$DIR/.cpu" -f "%U %S" "$@" > /dev/null 2>&1 || true; echo "$(now) - $t0" | bc; }
cpu() { awk 'END {print $1 + $2}' "$DIR/.cpu"; }

# The floor: curl asks for each series as stored (the series' URLs listed beforehand, not timed).
curl -sf -u "$AUTH" "$BASE/dicom-web/studies?limit=100000" | python3 -c '
import json, sys
for s in json.load(sys.stdin): print(s["0020000D"]["Value"][0])' > "$DIR/.studies"
: > "$DIR/.series"
while read -r st; do
  curl -sf -u "$AUTH" "$BASE/dicom-web/studies/$st/series" | python3 -c '
import json, sys
st = sys.argv[1]
for s in json.load(sys.stdin): print(st + "/series/" + s["0020000E"]["Value"][0])' "$st" >> "$DIR/.series"
done < "$DIR/.studies"
fetch_all() {
  rm -rf "$DIR/curl"; mkdir -p "$DIR/curl"; local n=0
  while read -r s; do
    n=$((n + 1))
    curl -sf -u "$AUTH" -H 'Accept: multipart/related; type="application/dicom"; transfer-syntax=*' \
      -o "$DIR/curl/$n.multipart" "$BASE/dicom-web/studies/$s"
  done < "$DIR/.series"
}
export -f fetch_all; export DIR AUTH BASE

mkdir -p "$DIR/project"
cat > "$DIR/project/dataforge.yaml" <<YAML
version: 1
name: dicomweb-bench
sources:
  - id: pacs
    kind: dicomweb
    url: $BASE/dicom-web
    auth: {basic: env:BENCH_PACS_AUTH}
YAML
export BENCH_PACS_AUTH="$AUTH"
# Interleaved rounds (curl, then a cold pull), medians: on a shared machine one pair can swing either way.
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
: > "$DIR/.rounds"
for round in $(seq "$ROUNDS"); do
  t_curl=$(run bash -c fetch_all); c_curl=$(cpu)
  rm -rf "$DIR/project/.dataforge"
  t_df=$( cd "$DIR/project" && run "$DF" pull ); c_df=$(cpu)
  echo "$t_curl $c_curl $t_df $c_df" >> "$DIR/.rounds"
  echo "round $round: curl ${t_curl} s, dataforge ${t_df} s"
done
T_CURL=$(cut -d' ' -f1 "$DIR/.rounds" | median); C_CURL=$(cut -d' ' -f2 "$DIR/.rounds" | median)
T_DF=$(cut -d' ' -f3 "$DIR/.rounds" | median); C_DF=$(cut -d' ' -f4 "$DIR/.rounds" | median)
CURL_BYTES=$(du -sb "$DIR/curl" | cut -f1)
CACHED=$(find "$DIR/project/.dataforge/pacs/pacs/objects" -type f | wc -l)
SAME=$( (cd "$DIR/raw" && find . -name '*.dcm' -exec sha256sum {} + | cut -c1-64 | sort) | sha256sum | cut -c1-16)
GOT=$( (find "$DIR/project/.dataforge/pacs/pacs/objects" -type f -exec sha256sum {} + | cut -c1-64 | sort) | sha256sum | cut -c1-16)
T_DF2=$( cd "$DIR/project" && run "$DF" pull )

echo "corpus: $FILES CT slices, $((BYTES / 1048576)) MB, $(wc -l < "$DIR/.series") series, Orthanc on loopback"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "medians of $ROUNDS rounds:"
echo "curl (WADO-RS per series): ${T_CURL} s (CPU ${C_CURL} s), $((CURL_BYTES / 1048576)) MB written"
echo "dataforge pull (cold):     ${T_DF} s (CPU ${C_DF} s), $CACHED instances cached"
echo "dataforge pull (again):    ${T_DF2} s (nothing to fetch: the query only)"
echo "ratio dataforge/curl wall time: $(echo "scale=2; $T_DF / $T_CURL" | bc) (target <= 1.3); CPU time: $(echo "scale=2; $C_DF / $C_CURL" | bc)"
if [ "$SAME" = "$GOT" ]; then echo "cache: the bytes Orthanc was given, instance for instance"; else echo "cache: DIFFERS from the corpus ($GOT vs $SAME)"; fi
