#!/usr/bin/env bash
# Benchmark: guest sequential read throughput on virtio-blk, Panamax against QEMU's microvm
# machine, same guest kernel and initramfs, same image, same nested host, in one run.
# Each VMM boots the guest BENCH_ROUNDS times (alternating); the guest reads the whole
# image once per boot (init's blkread). Prints each round and, last, one line:
#   virtio-blk seq read: panamax X MB/s, qemu-microvm Y MB/s, ratio panamax/qemu Z
# Env: BENCH_ROUNDS (3), BENCH_IMAGE_MIB (256), BENCH_TIMEOUT (s per boot, 300).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SELF=$REPO/scripts/bench/blk-read.sh
GUEST=$REPO/build/guest
IMAGE=$REPO/build/bench/blk-read.img
ROUNDS=${BENCH_ROUNDS:-3}
TIMEOUT=${BENCH_TIMEOUT:-300}
ARGS="console=ttyS0 quiet panic=-1 pmx_cmd=blkread pmx_after=reboot"

# shellcheck source=scripts/bench/lib.sh
source "$REPO/scripts/bench/lib.sh"
# shellcheck source=scripts/lib/common.sh
source "$REPO/scripts/lib/common.sh" # ensure_pkgs

die() { echo "blk-read: error: $*" >&2; exit 1; }

if [[ ${PANAMAX_NESTED:-} != 1 ]]; then
	# random bytes: cheap here, slow under the nested host's emulation
	mib=${BENCH_IMAGE_MIB:-256}
	mkdir -p "$(dirname "$IMAGE")"
	if [[ ! -f $IMAGE || $(stat -c %s "$IMAGE") -ne $((mib << 20)) ]]; then
		head -c "$((mib << 20))" /dev/urandom >"$IMAGE"
	fi
fi
enter_nested_host "$SELF" "$@"

# One boot; prints the guest's MB/s.
mbps() { # LOG
	local line bytes seconds
	line=$(grep -a 'PMX-BLKREAD' "$1" | tail -n 1) || die "no PMX-BLKREAD line in $1"
	bytes=${line#*bytes=}; bytes=${bytes%% *}
	seconds=${line#*seconds=}; seconds=${seconds%%[!0-9.]*}
	awk -v b="$bytes" -v s="$seconds" 'BEGIN { if (s <= 0) s = 0.01; printf "%.1f\n", b / s / 1e6 }'
}

run_panamax() {
	timeout "$TIMEOUT" "$REPO/scripts/panamax" --kernel "$GUEST/bzImage" --initrd "$GUEST/initramfs.cpio.gz" \
		--append "$ARGS reboot=k" --mem 256 --drive "$IMAGE,ro" </dev/null >"$1" 2>&1 || true
}

run_qemu() {
	timeout "$TIMEOUT" qemu-system-x86_64 -enable-kvm -M microvm,acpi=off -cpu host -m 256 -nodefaults \
		-no-user-config -nographic -no-reboot -serial stdio -kernel "$GUEST/bzImage" \
		-initrd "$GUEST/initramfs.cpio.gz" -append "$ARGS reboot=t" \
		-drive "id=d0,file=$IMAGE,format=raw,if=none,readonly=on" -device virtio-blk-device,drive=d0 \
		</dev/null >"$1" 2>&1 || true
}

logs=$REPO/build/bench
p_all=() q_all=()
for round in $(seq 1 "$ROUNDS"); do
	run_panamax "$logs/blk-read-panamax.log"
	p=$(mbps "$logs/blk-read-panamax.log")
	run_qemu "$logs/blk-read-qemu.log"
	q=$(mbps "$logs/blk-read-qemu.log")
	echo "round $round: panamax $p MB/s, qemu-microvm $q MB/s" >&2
	p_all+=("$p") q_all+=("$q")
done
p=$(printf '%s\n' "${p_all[@]}" | median)
q=$(printf '%s\n' "${q_all[@]}" | median)
ratio=$(awk -v p="$p" -v q="$q" 'BEGIN { printf "%.2f", p / q }')
echo "virtio-blk seq read: panamax $p MB/s, qemu-microvm $q MB/s, ratio panamax/qemu $ratio (median of $ROUNDS)"
