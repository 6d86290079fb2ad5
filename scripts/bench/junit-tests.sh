#!/usr/bin/env bash
# Benchmark (issue 11): a JUnit test class of 10 tests, each booting its own guest and running
# one exec (dev.panamax.bench.TenGuestExecsBench, through JUnit's console launcher, one JVM),
# sequentially and with 4 threads, against the same 10 boots done with 10 QEMU microvm processes
# from this shell script (each guest runs `uname -r` from its init and powers off), one after the
# other and 4 at a time (xargs -P 4). Same nested host, same kernel and initramfs, 1 vCPU and
# 128 MiB each; wall time from the first process start to the last exit. Last two lines:
#   sequential: panamax X s, qemu Y s, ratio panamax/qemu Z
#   parallel-4: panamax X s, qemu Y s, ratio panamax/qemu Z
# Env: BENCH_TIMEOUT (s for each whole run, 900).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SELF=$REPO/scripts/bench/junit-tests.sh
GUEST=$REPO/build/guest
TIMEOUT=${BENCH_TIMEOUT:-900}
# shellcheck source=scripts/bench/lib.sh
source "$REPO/scripts/bench/lib.sh"
# shellcheck source=scripts/lib/common.sh
source "$REPO/scripts/lib/common.sh"

die() { echo "junit-tests: error: $*" >&2; exit 1; }

if [[ ${PANAMAX_NESTED:-} != 1 ]]; then
	find_jdk
	ensure_build_tools
	echo "junit-tests: compiling the test classes (mvn test-compile)" >&2
	(cd "$REPO" && mvn_batch -q process-test-classes -pl launcher -am) >&2
fi
enter_nested_host "$SELF" "$@"
find_jdk

logs=$REPO/build/bench
mkdir -p "$logs"
cp="$REPO/launcher/target/test-classes:$REPO/launcher/target/classes:$(cat "$REPO/launcher/target/it-classpath.txt")"

# seconds the JUnit run takes; the test report shows each test's result
panamax_run() { # MODE LOG [launcher options...]
	local log=$2 t0
	shift 2
	t0=$EPOCHREALTIME
	timeout "$TIMEOUT" "$JAVA_HOME/bin/java" -XX:UseAVX=0 --enable-native-access=ALL-UNNAMED \
		-Dpanamax.log.level=warning -Dpanamax.consoles.dir="$logs/junit-consoles" -cp "$cp" \
		org.junit.platform.console.ConsoleLauncher execute --disable-banner --details=summary \
		--select-class dev.panamax.bench.TenGuestExecsBench "$@" >"$log" 2>&1 \
		|| die "the JUnit run failed (log: $log)"
	grep -q "10 tests successful" "$log" || die "not 10 successful tests (log: $log)"
	awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f\n", b - a }'
}

qemu_boot() { # N: one guest, its console in a log; fails unless uname's answer is there
	local log=$logs/junit-qemu-$1.log
	timeout 300 qemu-system-x86_64 -enable-kvm -M microvm,acpi=off -cpu host -m 128 -smp 1 \
		-nodefaults -no-user-config -nographic -no-reboot -serial stdio \
		-kernel "$GUEST/bzImage" -initrd "$GUEST/initramfs.cpio.gz" \
		-append "console=ttyS0 quiet panic=-1 reboot=t pmx_after=reboot pmx_cmd=\"echo PMX-UNAME-\$(uname -r)\"" \
		</dev/null >"$log" 2>&1 || true
	grep -q "PMX-UNAME-6\." "$log" || { echo "junit-tests: qemu guest $1 printed no uname (log: $log)" >&2; return 1; }
}
export -f qemu_boot
export GUEST logs

qemu_run() { # PARALLELISM
	local t0=$EPOCHREALTIME
	seq 1 10 | timeout "$TIMEOUT" xargs -P "$1" -I{} bash -c 'qemu_boot {}' || die "a QEMU guest failed"
	awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f\n", b - a }'
}

p_seq=$(panamax_run seq "$logs/junit-seq.log")
echo "panamax sequential: $p_seq s" >&2
p_par=$(panamax_run par "$logs/junit-par.log" --config junit.jupiter.execution.parallel.enabled=true \
	--config junit.jupiter.execution.parallel.config.strategy=fixed \
	--config junit.jupiter.execution.parallel.config.fixed.parallelism=4)
echo "panamax parallel-4: $p_par s" >&2
q_seq=$(qemu_run 1)
echo "qemu sequential: $q_seq s" >&2
q_par=$(qemu_run 4)
echo "qemu parallel-4: $q_par s" >&2
echo "sequential: panamax $p_seq s, qemu $q_seq s, ratio panamax/qemu $(ratio "$p_seq" "$q_seq")"
echo "parallel-4: panamax $p_par s, qemu $q_par s, ratio panamax/qemu $(ratio "$p_par" "$q_par")"
