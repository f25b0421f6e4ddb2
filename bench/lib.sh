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

# set_aside PATH...: moves what an earlier run left out of the way (a rename into $DIR/.trash, emptied when the script
# exits) instead of deleting it before a timed run. On an ext4 without a journal, the kernel skips inodes freed in the
# last minute (five when their table is not yet written back) each time it creates a file, so an `rm -rf` of 2,000
# files just before a build raised that build's system time from 2.4 to 6-7 s: deleting between runs measured the
# deletion, not the contender. Needs DIR set; the script empties the trash at its end (empty_trash_on_exit, called
# at the top level: a trap set in a command substitution would fire when that subshell ends).
set_aside() {
  local p
  mkdir -p "$DIR/.trash"
  for p in "$@"; do if [ -e "$p" ]; then mv "$p" "$(mktemp -d "$DIR/.trash/XXXXXX")/"; fi; done
}
empty_trash_on_exit() { trap 'rm -rf "$DIR/.trash"' EXIT; }
