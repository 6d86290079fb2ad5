#!/usr/bin/env bash
# scripts/durability.sh [ROUNDS]: the SIGKILL durability test (DurabilityIT) for ROUNDS rounds
# (default 20, issue 15's figure; scripts/test runs 4): each round boots the test guest on an ext4
# data drive, lets it append fsync'ed records (buffered and O_DIRECT rounds alternate), SIGKILLs
# the VMM after a random number of acknowledgements and checks the image (e2fsck, every
# acknowledged record present). Runs where the suite would: on this host's KVM if it boots Linux,
# else in the nested test host (which gives a failed run one retry, as the suite does). Prints each
# round's line and a summary; exit 1 if any round lost data or the test did not pass.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$(repo_root)"
rounds=${1:-20}
[[ $rounds =~ ^[1-9][0-9]*$ ]] || die "usage: scripts/durability.sh [ROUNDS] (a positive number, default 20)"
find_jdk
ensure_build_tools
scripts/build-guest.sh >&2
mkdir -p build
log=build/durability.log
# a round takes 25 to 75 s in the nested host (more on a loaded machine); the inner per-test limit must hold all
limit=$(( rounds * 100 + 180 ))
echo "durability: $rounds rounds (log: $log)" >&2
status=0
mvn_batch verify -pl launcher -am -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test='NestedHostIT,DurabilityIT' -Dit.failIfNoSpecifiedTests=false -Dnested.it=DurabilityIT \
  -Dpanamax.durability.rounds="$rounds" -Dnested.test.timeout="$limit" -Dnested.phase.limit=$(( 2 * limit + 600 )) \
  >"$log" 2>&1 || status=$?
grep -o '\[durability\] .*' "$log" | awk '!seen[$0]++' || true
awk '/\[durability\] round/ { n++; if ($0 ~ /all on disk: true/) ok++; match($0, /after [0-9]+/); acked += substr($0, RSTART + 6, RLENGTH - 6) }
  END { printf "durability: %d rounds finished, %d with every acknowledged record on disk, %d records acknowledged in all\n", n, ok, acked }' \
  < <(grep -o '\[durability\] round.*' "$log" | awk '!seen[$0]++')
if ((status != 0)); then
  echo "durability: FAILED (mvn exit $status); see $log" >&2
  exit 1
fi
