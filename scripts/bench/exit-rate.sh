#!/usr/bin/env bash
# Benchmark: port-I/O exits per second. A hand-made long-mode guest does `out 0x80, al` N times
# and halts (no kernel, no devices: only the exit path), run by
#   panamax-vcpuloop  Panamax's VcpuLoop on its own thread, the port on a device Bus
#                     (dev.panamax.vcpu.ExitRateBench, vcpu's test classes)
#   java-bare-run     the same JVM calling VcpuFd.run() in a loop, reading each exit as the C
#                     loop does: FFM's share, no dispatch
#   c-kvm-run         scripts/bench/exit-rate.c, built here with gcc: the floor on this KVM
# each BENCH_ROUNDS times on a fresh VM, after one unprinted run of each (the JIT's warm-up).
# Runs wherever /dev/kvm is (hand-made guests run on PVM too), else in the nested test host.
# Last lines, medians, ratios against the C loop (exits per second, higher is better):
#   exit-rate: panamax-vcpuloop X/s, java-bare-run Y/s, c-kvm-run Z/s; ratio panamax/c R
# Env: BENCH_EXITS (100000), BENCH_ROUNDS (3), BENCH_TIMEOUT (s for each program, 900).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SELF=$REPO/scripts/bench/exit-rate.sh
EXITS=${BENCH_EXITS:-100000}
ROUNDS=${BENCH_ROUNDS:-3}
TIMEOUT=${BENCH_TIMEOUT:-900}
C_BIN=$REPO/build/bench/exit-rate-c
# shellcheck source=scripts/bench/lib.sh
source "$REPO/scripts/bench/lib.sh"
# shellcheck source=scripts/lib/common.sh
source "$REPO/scripts/lib/common.sh" # find_jdk, ensure_build_tools, mvn_batch

die() { echo "exit-rate: error: $*" >&2; exit 1; }
[[ $EXITS =~ ^[1-9][0-9]{0,8}$ ]] || die "BENCH_EXITS must be a count from 1 to 999999999, not '$EXITS'"
[[ $ROUNDS =~ ^[1-9][0-9]?$ ]] || die "BENCH_ROUNDS must be a count from 1 to 99, not '$ROUNDS'"

compile_bench_classes
if [[ ${PANAMAX_NESTED:-} != 1 ]]; then
	mkdir -p "$(dirname "$C_BIN")"
	gcc -O2 -Wall -o "$C_BIN" "$REPO/scripts/bench/exit-rate.c" || die "cannot build $C_BIN"
	if [[ ! -c /dev/kvm ]]; then
		cd "$REPO"
		NESTED_ENV="${NESTED_ENV:-} $(compgen -v BENCH_ | tr '\n' ' ')" exec "$REPO/scripts/nested-host.sh" "$SELF" "$@"
	fi
fi
[[ -c /dev/kvm ]] || die "no /dev/kvm here"
[[ -x $C_BIN ]] || die "$C_BIN not built"
find_jdk

logs=$REPO/build/bench
mkdir -p "$logs"
: >"$logs/exit-rate.log"
bench_java "$TIMEOUT" dev.panamax.vcpu.ExitRateBench "$EXITS" "$ROUNDS" >>"$logs/exit-rate.log" 2>&1 || die "the Java run failed (log: $logs/exit-rate.log)"
timeout "$TIMEOUT" "$C_BIN" "$EXITS" "$ROUNDS" >>"$logs/exit-rate.log" 2>&1 \
	|| die "the C run failed (log: $logs/exit-rate.log)"
grep '^exit-rate' "$logs/exit-rate.log" >&2

rate() { # KIND: median exits per second over the rounds
	grep "^exit-rate $1 " "$logs/exit-rate.log" | sed 's/.*exits=\([0-9]*\) seconds=\([0-9.]*\)/\1 \2/' |
		awk '{ printf "%.0f\n", $1 / $2 }' | median
}
p=$(rate panamax-vcpuloop) j=$(rate java-bare-run) c=$(rate c-kvm-run)
[[ -n $p && -n $j && -n $c ]] || die "missing figures (log: $logs/exit-rate.log)"
where=$([[ ${PANAMAX_NESTED:-} == 1 ]] && echo "nested host" || echo "$(hostname)")
echo "exit-rate ($where, $EXITS exits, median of $ROUNDS): panamax-vcpuloop $p/s, java-bare-run $j/s," \
	"c-kvm-run $c/s; ratio panamax/c $(ratio "$p" "$c"), java-bare-run/c $(ratio "$j" "$c")"
