#!/usr/bin/env bash
# Benchmark: wall time from starting the VMM until the guest's init prints PANAMAX-INIT-OK,
# Panamax (JVM start included) against QEMU's microvm machine, same kernel (bzImage) and
# initramfs, same nested host, alternating over BENCH_ROUNDS boots each. Last line:
#   boot-to-init: panamax X s, qemu-microvm Y s, ratio panamax/qemu Z (median of N)
# Env: BENCH_ROUNDS (3), BENCH_TIMEOUT (s per boot, 180).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SELF=$REPO/scripts/bench/boot-time.sh
GUEST=$REPO/build/guest
ROUNDS=${BENCH_ROUNDS:-3}
TIMEOUT=${BENCH_TIMEOUT:-180}
ARGS="console=ttyS0 quiet panic=-1 pmx_after=reboot"
# shellcheck source=scripts/bench/lib.sh
source "$REPO/scripts/bench/lib.sh"
# shellcheck source=scripts/lib/common.sh
source "$REPO/scripts/lib/common.sh" # ensure_pkgs

die() { echo "boot-time: error: $*" >&2; exit 1; }

enter_nested_host "$SELF" "$@"

logs=$REPO/build/bench
mkdir -p "$logs"
p_all=() q_all=()
for round in $(seq 1 "$ROUNDS"); do
	p=$(time_to_marker "$TIMEOUT" "$logs/boot-panamax.log" "$REPO/scripts/panamax" --kernel "$GUEST/bzImage" \
		--initrd "$GUEST/initramfs.cpio.gz" --append "$ARGS reboot=k" --mem 256)
	[[ -n $p ]] || die "Panamax never reached init (console: $logs/boot-panamax.log)"
	q=$(time_to_marker "$TIMEOUT" "$logs/boot-qemu.log" qemu-system-x86_64 -enable-kvm -M microvm,acpi=off \
		-cpu host -m 256 -nodefaults -no-user-config -nographic -no-reboot -serial stdio \
		-kernel "$GUEST/bzImage" -initrd "$GUEST/initramfs.cpio.gz" -append "$ARGS reboot=t")
	[[ -n $q ]] || die "QEMU never reached init (console: $logs/boot-qemu.log)"
	echo "round $round: panamax $p s, qemu-microvm $q s" >&2
	p_all+=("$p") q_all+=("$q")
done
p=$(printf '%s\n' "${p_all[@]}" | median)
q=$(printf '%s\n' "${q_all[@]}" | median)
ratio=$(awk -v p="$p" -v q="$q" 'BEGIN { printf "%.2f", p / q }')
echo "boot-to-init: panamax $p s, qemu-microvm $q s, ratio panamax/qemu $ratio (median of $ROUNDS)"
