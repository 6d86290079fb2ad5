#!/usr/bin/env bash
# scripts/fuzz.sh DURATION: the virtio fuzz properties (virtqueue, transport, block, rng, net,
# vsock: VirtioFuzzTest, NetDeviceProperties, VsockPropertyTest) in their long-run profile for
# DURATION (seconds, or 30m, 2h), split evenly between the properties, then their figures:
# tries, chains the devices processed, failures (an exception out of device code, or a broken
# invariant such as an access outside guest RAM reaching the image), tries over 1 s. A run that
# does not end within DURATION plus 10 minutes is a hang (an unbounded loop) and is reported so.
# CI runs the same properties with their short fixed tries (mvn verify).
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
find_jdk
properties=6 # hostile rings, hostile block requests, register traffic, block round trips, net, vsock
per=$(( (seconds + properties - 1) / properties ))
figures="$root/virtio/target/fuzz-figures.tsv"
rm -f "$figures"
echo "fuzz: $properties properties, $per s each" >&2
status=0
timeout $(( seconds + 600 )) mvn -B -ntp -o -q -f "$root/pom.xml" verify -DskipITs -pl virtio -am \
  -Dtest='VirtioFuzzTest,NetDeviceProperties,VsockPropertyTest' -Dsurefire.failIfNoSpecifiedTests=false \
  -Dpanamax.fuzz.seconds="$per" >"$root/virtio/target/fuzz.log" 2>&1 || status=$?
if [[ $status -eq 124 ]]; then
  echo "fuzz: HANG: the run did not end within $(( seconds + 600 )) s (an unbounded loop?); see virtio/target/fuzz.log" >&2
fi
[[ -s $figures ]] || die "no figures were written (build failed?); see virtio/target/fuzz.log"
awk -F'\t' '
  { printf "%-75s %9d tries %11d chains %3d failures %3d slow %7.1f s %s\n", $1, $2, $3, $4, $5, $6, $7
    tries += $2; chains += $3; failures += $4; slow += $5; secs += $6 }
  END { printf "total: %d tries, %d chains (%.0f chains/s), %d failures, %d tries over 1 s, %.0f s\n",
          tries, chains, chains / (secs > 0 ? secs : 1), failures, slow, secs }' "$figures"
[[ $status -eq 0 ]] || { echo "fuzz: FAILED (exit $status); see virtio/target/fuzz.log" >&2; exit 1; }
