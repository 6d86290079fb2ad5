#!/usr/bin/env bash
# Benchmark: the embedded boot in a warm JVM. dev.panamax.bench.WarmBootBench (launcher's test
# classes) boots the test guest once with MicroVm.start (warm-up) and closes it, then, over
# BENCH_ROUNDS rounds, times MicroVm.start -> its vCPUs' start, -> first guest entry (the host
# kernel's first kvm:kvm_entry after a trace_marker, as boot-time.sh) and -> init's
# PANAMAX-INIT-OK, against a QEMU microvm process started from the same JVM and timed the same
# way (process start -> first entry -> marker); 1 vCPU and 128 MiB each, alternating. In the
# nested test host (or directly where /dev/kvm is hardware KVM). Last lines, medians:
#   warm-boot (median of N): MicroVm.start -> vCPUs start X ms; -> first guest entry Y ms; -> init marker Z s
#   warm-boot vs qemu-microvm process: start -> first entry ... (ratio); start -> init ... (ratio); first entry -> init ...
# In the nested host the JVM holds ApicKeyPin's idle vCPU, as density.sh and the nested ITs do.
# Env: BENCH_ROUNDS (5), BENCH_TIMEOUT (s per boot, 180), BENCH_PIN (1; 0: no pin).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SELF=$REPO/scripts/bench/warm-boot.sh
ROUNDS=${BENCH_ROUNDS:-5}
TIMEOUT=${BENCH_TIMEOUT:-180}
# shellcheck source=scripts/bench/lib.sh
source "$REPO/scripts/bench/lib.sh"
# shellcheck source=scripts/lib/common.sh
source "$REPO/scripts/lib/common.sh"

die() { echo "warm-boot: error: $*" >&2; exit 1; }
[[ $ROUNDS =~ ^[1-9][0-9]?$ ]] || die "BENCH_ROUNDS must be a count from 1 to 99, not '$ROUNDS'"
[[ $TIMEOUT =~ ^[1-9][0-9]*$ ]] || die "BENCH_TIMEOUT must be a number of seconds, not '$TIMEOUT'"

compile_bench_classes
enter_nested_host "$SELF" "$@"
find_jdk
# the first-entry times come from tracefs (as root); the nested host does not mount it by itself
T=/sys/kernel/tracing
[[ -d $T/events/kvm ]] || mount -t tracefs nodev "$T" 2>/dev/null || true
logs=$REPO/build/bench
mkdir -p "$logs"
bench_java 0 -Dpanamax.log.level=warning dev.panamax.bench.WarmBootBench "$REPO/build/guest" "$ROUNDS" \
	qemu-system-x86_64 "$TIMEOUT" 2> >(tee "$logs/warm-boot.err" >&2) | tee "$logs/warm-boot.log"
