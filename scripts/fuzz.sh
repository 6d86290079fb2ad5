#!/usr/bin/env bash
# scripts/fuzz.sh DURATION: the virtio fuzz properties (virtqueue, transport, block, rng, net,
# vsock: VirtioFuzzTest, NetDeviceProperties, VsockPropertyTest) in their long-run profile for
# DURATION (seconds, or 30m, 2h) of wall time, then their figures: tries, chains the devices
# processed, failures (an exception out of device code, or a broken invariant such as an access
# outside guest RAM reaching the image), tries over 1 s. The properties are dealt round-robin to
# FUZZ_LANES parallel JVMs (default: one per CPU, as libFuzzer's -jobs); each lane splits DURATION
# evenly between its properties. A lane that does not end within DURATION plus 10 minutes is a
# hang (an unbounded loop) and is reported so. CI runs the same properties with their short fixed
# tries (mvn verify).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
root=$(repo_root)
[[ $# -eq 1 ]] || die "usage: scripts/fuzz.sh DURATION (seconds, or e.g. 30m, 2h)"
case $1 in
  *h) seconds=$(( ${1%h} * 3600 )) ;;
  *m) seconds=$(( ${1%m} * 60 )) ;;
  *s) seconds=${1%s} ;;
  *) seconds=$1 ;;
esac
[[ $seconds =~ ^[0-9]+$ && $seconds -gt 0 ]] || die "DURATION: expected seconds, Nm or Nh, got \"$1\""
lanes=${FUZZ_LANES:-$(nproc)}
[[ $lanes =~ ^[1-9][0-9]*$ ]] || die "FUZZ_LANES: expected a positive number, got \"$lanes\""
find_jdk
# method selectors with their parameter types, as JUnit's console launcher needs them
properties=(
  'VirtioFuzzTest#hostileRingsNeverEscapeAndEndInCompletionOrNeedsReset(dev.panamax.virtio.VirtioFuzzTest$HostileRing)'
  'VirtioFuzzTest#hostileBlockRequestsFailCleanly(java.util.List, boolean)'
  'VirtioFuzzTest#randomRegisterTrafficNeverThrowsAndResetRecovers(java.util.List, boolean, dev.panamax.virtio.VirtioFuzzTest$Kind)'
  'VirtioFuzzTest#wellFormedWorkloadRoundTrips(java.util.List, boolean)'
  'NetDeviceProperties#everyFrameIsDeliveredOnceInOrder(java.util.List, boolean, boolean)'
  'VsockPropertyTest#hostileSequencesNeverBreakTheDevice(java.util.List)'
)
((lanes <= ${#properties[@]})) || lanes=${#properties[@]}
target=$root/virtio/target
echo "fuzz: compiling" >&2
mvn -B -ntp -o -q -f "$root/pom.xml" test-compile dependency:build-classpath -pl virtio -am \
  -Dmdep.outputFile=target/fuzz-classpath.txt -Dmdep.includeScope=test >"$root/virtio/fuzz-build.log" 2>&1 \
  || die "the build failed; see virtio/fuzz-build.log"
rm -f "$root/virtio/fuzz-build.log"
classpath=$target/test-classes:$target/classes:$(cat "$target/fuzz-classpath.txt")
figures=$target/fuzz-figures.tsv
rm -f "$figures" "$target"/fuzz-lane-*.log
pids=()
for ((lane = 0; lane < lanes; lane++)); do
  selectors=()
  for ((i = lane; i < ${#properties[@]}; i += lanes)); do
    selectors+=(--select-method "dev.panamax.virtio.${properties[i]}")
  done
  count=$(( ${#selectors[@]} / 2 ))
  per=$(( seconds / count ))
  echo "fuzz: lane $lane: $count properties, $per s each" >&2
  # FuzzBudget appends to target/fuzz-figures.tsv relative to the working directory.
  (cd "$root/virtio" && exec timeout $(( seconds + 600 )) "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
    -Dpanamax.fuzz.seconds="$per" -cp "$classpath" org.junit.platform.console.ConsoleLauncher execute \
    --disable-banner --details=summary "${selectors[@]}") >"$target/fuzz-lane-$lane.log" 2>&1 &
  pids+=($!)
done
status=0
for ((lane = 0; lane < lanes; lane++)); do
  rc=0
  wait "${pids[lane]}" || rc=$?
  if ((rc == 124)); then
    echo "fuzz: HANG: lane $lane did not end within $(( seconds + 600 )) s (an unbounded loop?); see virtio/target/fuzz-lane-$lane.log" >&2
  elif ((rc != 0)); then
    echo "fuzz: lane $lane failed (exit $rc); see virtio/target/fuzz-lane-$lane.log" >&2
  fi
  ((rc == 0)) || status=1
done
[[ -s $figures ]] || die "no figures were written; see virtio/target/fuzz-lane-*.log"
awk -F'\t' -v wall="$seconds" -v lanes="$lanes" '
  { printf "%-75s %9d tries %11d chains %3d failures %3d slow %7.1f s %s\n", $1, $2, $3, $4, $5, $6, $7
    tries += $2; chains += $3; failures += $4; slow += $5 }
  END { printf "total: %d tries, %d chains in %d s on %d lanes (%.0f chains/s), %d failures, %d tries over 1 s\n",
          tries, chains, wall, lanes, chains / wall, failures, slow }' "$figures"
[[ $status -eq 0 ]] || { echo "fuzz: FAILED; see virtio/target/fuzz-lane-*.log" >&2; exit 1; }
