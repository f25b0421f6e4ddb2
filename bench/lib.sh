# Shared by the bench scripts (source it after `cd` to the repository root).

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# publish_cli OUTDIR: the tool as users install it (the files of its linux-x64 tool package: self-contained, one
# composite ReadyToRun image, see src/DataForge.Cli/DataForge.Cli.csproj); prints its path.
publish_cli() {
  dotnet publish src/DataForge.Cli -c Release -r linux-x64 -o "$1" -v q -nologo >/dev/null
  echo "$1/dataforge"
}

# ct_corpus DF DIR PATIENTS SLICES MATRIX: DIR/raw holds PATIENTS synthetic CT series of SLICES slices,
# MATRIX pixels square, 16 bit; generated once per size (a marker file remembers which).
ct_corpus() {
  local df=$1 dir=$2 patients=$3 slices=$4 matrix=$5
  if [ ! -f "$dir/.generated-$patients-$slices-$matrix" ]; then
    rm -rf "$dir"; mkdir -p "$dir"
    "$df" synth "$dir/raw" --patients "$patients" --slices "$slices" --matrix "$matrix" --modalities CT >&2
    touch "$dir/.generated-$patients-$slices-$matrix"
  fi
}
