#!/usr/bin/env bash
# Reference scenario for Panamax: QEMU's microvm machine under KVM boots the test guest
# (scripts/build-guest.sh) until its init prints PANAMAX-INIT-OK on the serial console.
#
# Usage: scripts/bench/qemu-microvm-boot.sh
# stdout: exactly one line on success, `qemu-microvm boot-to-init: X.XXX s` (wall time
# from QEMU's start to the marker); everything else goes to stderr.
# Exit: 0 marker seen; 1 no marker (timeout, crash: one error line on stderr); other
# codes come from nested-host.sh (124 timeout, 125 L1 failure).
# Where it runs: on a host with hardware KVM or already inside the nested host (L1) it
# boots directly; elsewhere (this PVM machine) it builds the guest here, if needed, and
# re-runs itself inside scripts/nested-host.sh.
# Env: BENCH_TIMEOUT (s, 120) for the boot; BENCH_KERNEL (bzImage|vmlinux, bzImage);
#      GUEST_DIR (<repo>/build/guest); BENCH_LOG (<repo>/build/bench/qemu-microvm-boot.log,
#      the guest console); nested-host.sh's NESTED_* variables.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SELF=$REPO/scripts/bench/qemu-microvm-boot.sh
GUEST_DIR=${GUEST_DIR:-$REPO/build/guest}
KERNEL=$GUEST_DIR/${BENCH_KERNEL:-bzImage}
INITRD=$GUEST_DIR/initramfs.cpio.gz
TIMEOUT=${BENCH_TIMEOUT:-120}
LOG=${BENCH_LOG:-$REPO/build/bench/qemu-microvm-boot.log}

# shellcheck source=scripts/bench/lib.sh
source "$REPO/scripts/bench/lib.sh"
# shellcheck source=scripts/lib/common.sh
source "$REPO/scripts/lib/common.sh" # ensure_pkgs, hardware_kvm

die() { echo "qemu-microvm-boot: error: $*" >&2; exit 1; }

if [[ ${PANAMAX_NESTED:-} != 1 ]]; then
	# Build (or find cached) guest outside L1: building under TCG would take ages.
	"$REPO/scripts/build-guest.sh" "$GUEST_DIR" >&2 || die "guest build failed"
	if ! hardware_kvm; then
		cd "$REPO" # nested-host.sh shares the cwd's repository writable (for the log)
		export GUEST_DIR BENCH_LOG
		NESTED_ENV="${NESTED_ENV:-} GUEST_DIR BENCH_LOG BENCH_TIMEOUT BENCH_KERNEL" \
			exec "$REPO/scripts/nested-host.sh" "$SELF" "$@"
	fi
	ensure_pkgs qemu-system-x86
fi

[[ -c /dev/kvm ]] || die "no /dev/kvm here"
[[ -f $KERNEL && -f $INITRD ]] || die "guest not built: $KERNEL, $INITRD"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not installed"
mkdir -p "$(dirname "$LOG")"
: >"$LOG"

# -no-reboot: the guest's `reboot -f` ends QEMU. reboot=t (triple fault), not reboot=k:
# microvm has no i8042, and the kernel's keyboard-reset retries take ~10 s in L2.
t=$(time_to_marker "$TIMEOUT" "$LOG" qemu-system-x86_64 -enable-kvm -M microvm,acpi=off -cpu host -m 256 \
	-nodefaults -no-user-config -nographic -no-reboot -serial stdio \
	-kernel "$KERNEL" -initrd "$INITRD" \
	-append "console=ttyS0 quiet reboot=t panic=-1 pmx_after=reboot")
[[ -n $t ]] || die "no PANAMAX-INIT-OK within $TIMEOUT s (console: $LOG): $(tail -n 1 "$LOG")"
echo "qemu-microvm boot-to-init: $t s"
