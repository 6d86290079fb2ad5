#!/usr/bin/env bash
# Benchmark: density and launch rate. dev.panamax.bench.DensityBench (launcher's test classes)
# boots N test guests of 64 MiB (1 vCPU) side by side in its one JVM, each to init's
# PANAMAX-INIT-OK, keeps them running until all got there, stops them, then does the same with N
# QEMU microvm processes; N = 2, 4, 8, ... up to BENCH_MAX, starts BENCH_STAGGER_MS apart, each
# step bounded by BENCH_TIMEOUT. A VMM's ramp ends at the first step where a guest did not reach
# init in time (reported with its last console line). In the nested test host (or directly
# where /dev/kvm is hardware KVM), by default with one CPU (NESTED_CPUS=1: single-threaded TCG;
# with two, L1's kernel died with 13 to 16 guests running, see README Benchmarks) and 40 minutes
# (NESTED_TIMEOUT: the ramp up to Panamax's 20 took 17 minutes, QEMU's 20 adds about 4; a
# frozen L1 prints nothing and is only ended by it), starts staggered there. BENCH_MAX is 20, the issue's goal. Last lines:
#   density (64 MiB guests, ...): panamax P at once in one JVM (...), qemu Q processes (...)
#   launch rate (n=N, both complete): panamax X guests/s, qemu Y guests/s, ratio panamax/qemu R
#   footprint per guest (n=N, VMM PSS minus touched guest RAM, over n): panamax A MiB, qemu B MiB, ratio R
# (each complete step also prints its VMMs' RSS and PSS, the guests' touched RAM counted page by
# page in /proc/PID/pagemap, and threads: one JVM against N processes).
# A step where guests miss their marker prints a report on each: two samples 10 s apart (its
# jiffies and system_state read from guest RAM, exits, its threads' CPU time), the JVM's busiest
# threads, then its vCPUs' RIP named by the guest kernel's symbols and its last kernel messages.
# Env: BENCH_MAX, BENCH_FROM (the first N, 2), BENCH_STAGGER_MS (nested 3000, else 100),
# BENCH_TIMEOUT (s per step, 420), BENCH_PEER (qemu, or none: Panamax alone), BENCH_PANAMAX (1, or 0:
# QEMU alone, which tells the nested host's own limits from Panamax's), BENCH_PIN (in the nested
# host 1: hold ApicKeyPin's idle vCPU for the whole run, as the nested ITs do; 0: do not).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SELF=$REPO/scripts/bench/density.sh
TIMEOUT=${BENCH_TIMEOUT:-420}
# shellcheck source=scripts/bench/lib.sh
source "$REPO/scripts/bench/lib.sh"
# shellcheck source=scripts/lib/common.sh
source "$REPO/scripts/lib/common.sh"

die() { echo "density: error: $*" >&2; exit 1; }

compile_bench_classes
export NESTED_CPUS=${NESTED_CPUS:-1} NESTED_TIMEOUT=${NESTED_TIMEOUT:-2400}
enter_nested_host "$SELF" "$@"
find_jdk
max=${BENCH_MAX:-20}
if [[ ${PANAMAX_NESTED:-} == 1 ]]; then stagger=${BENCH_STAGGER_MS:-3000}; else stagger=${BENCH_STAGGER_MS:-100}; fi
[[ $max =~ ^[1-9][0-9]{0,2}$ ]] || die "BENCH_MAX must be a count from 1 to 999, not '$max'"
[[ $stagger =~ ^[0-9]+$ ]] || die "BENCH_STAGGER_MS must be milliseconds, not '$stagger'"
[[ $TIMEOUT =~ ^[1-9][0-9]*$ ]] || die "BENCH_TIMEOUT must be a number of seconds, not '$TIMEOUT'"
from=${BENCH_FROM:-2}
[[ $from =~ ^[1-9][0-9]{0,2}$ ]] || die "BENCH_FROM must be a count from 1 to 999, not '$from'"
case ${BENCH_PEER:-qemu} in
qemu) peer=qemu-system-x86_64 ;;
none) peer=none ;;
*) die "BENCH_PEER must be qemu or none, not '$BENCH_PEER'" ;;
esac
case ${BENCH_PANAMAX:-1} in
1) with_panamax=true ;;
0) with_panamax=false ;;
*) die "BENCH_PANAMAX must be 1 or 0, not '$BENCH_PANAMAX'" ;;
esac
logs=$REPO/build/bench
mkdir -p "$logs"
# the guest kernel's symbols name a stalled vCPU's RIP (the report goes without them if nm fails)
map=$logs/guest.map
nm -n "$REPO/build/guest/vmlinux" >"$map" 2>/dev/null || map=
bench_java 0 -Dpanamax.log.level=warning -Ddensity.from="$from" -Ddensity.guestMap="$map" \
	-Ddensity.panamax="$with_panamax" \
	dev.panamax.bench.DensityBench "$REPO/build/guest" "$max" "$stagger" "$TIMEOUT" "$peer" 2> >(tee "$logs/density.err" >&2) | tee "$logs/density.log"
