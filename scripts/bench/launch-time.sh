#!/usr/bin/env bash
# Benchmark: how long the launcher takes to start, with and without its AOT cache (see
# scripts/panamax), against the JVM alone and QEMU, in the nested test host (where
# scripts/nested-host.sh runs it; directly on a host with hardware KVM, or with BENCH_HERE=1 on
# this one). BENCH_ROUNDS runs of each, alternating; medians of wall time:
#   launch: --version aot A s, no-aot B s (ratio A/B); --probe aot C s, no-aot D s (ratio C/D);
#   java -version J s; qemu -version Q s; panamax --version/qemu -version ratio A/Q
# Env: BENCH_ROUNDS (5), BENCH_HERE (1: measure on this machine, no nested host).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SELF=$REPO/scripts/bench/launch-time.sh
ROUNDS=${BENCH_ROUNDS:-5}
# shellcheck source=scripts/bench/lib.sh
source "$REPO/scripts/bench/lib.sh"
# shellcheck source=scripts/lib/common.sh
source "$REPO/scripts/lib/common.sh" # ensure_pkgs, find_jdk

[[ ${BENCH_HERE:-0} == 1 ]] || enter_nested_host "$SELF" "$@"
"$REPO/scripts/panamax" --version >/dev/null # built, with its cache
find_jdk

seconds() { # CMD...: wall seconds of one run, output discarded
	local t0=$EPOCHREALTIME
	"$@" >/dev/null 2>&1 || true
	awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f\n", b - a }'
}
declare -A runs
for _ in $(seq 1 "$ROUNDS"); do
	for arg in --version --probe; do
		runs[aot$arg]+=" $(seconds "$REPO/scripts/panamax" "$arg")"
		runs[noaot$arg]+=" $(PANAMAX_AOT=0 seconds "$REPO/scripts/panamax" "$arg")"
	done
	runs[java]+=" $(seconds "$JAVA_HOME/bin/java" -version)"
	if command -v qemu-system-x86_64 >/dev/null; then
		runs[qemu]+=" $(seconds qemu-system-x86_64 -version)"
	fi
done
m() { [[ -n ${runs[$1]:-} ]] && tr ' ' '\n' <<<"${runs[$1]# }" | median || echo 0; }
av=$(m aot--version) nv=$(m noaot--version) ap=$(m aot--probe) np=$(m noaot--probe) j=$(m java) q=$(m qemu)
where=$([[ ${PANAMAX_NESTED:-} == 1 ]] && echo "nested host" || echo "$(hostname)")
echo "launch ($where, median of $ROUNDS): --version aot $av s, no-aot $nv s (ratio $(ratio "$av" "$nv"));" \
	"--probe aot $ap s, no-aot $np s (ratio $(ratio "$ap" "$np")); java -version $j s; qemu -version $q s;" \
	"panamax --version/qemu -version $(ratio "$av" "$q")"
