#!/usr/bin/env bash
# Benchmark: restore-to-responsive against cold boot, for Panamax and for QEMU (issue 14). The
# test guest (bzImage + initramfs, 1 vCPU, 128 MiB) boots to its shell once per VMM and is saved
# there: Panamax through its API (PATCH /vm Paused, PUT /snapshot/create Full), QEMU through its
# monitor (migrate "exec:cat > FILE" of the running guest, QEMU's savevm to a file). Then, over
# BENCH_ROUNDS alternating rounds, each VMM is timed from its process start until the guest
# answers a typed `echo pmx-answer-$((6*7))` on its serial console:
#   cold boot  a fresh boot: the command is typed once init's PANAMAX-INIT-OK is out
#   restore    scripts/panamax --snapshot-load STATE,MEM / qemu -incoming "exec:cat FILE":
#              the command is typed at once (it waits in the UART until the guest reads it)
# A command lost to a tty not yet reading is typed again every 5 s. Everything runs in the
# nested test host (its tmpfs /tmp holds the snapshot files). Ends with the medians and the ratios:
#   panamax: cold boot X s, restore Y s, cold/restore R
#   qemu-<machine>: cold boot X s, restore Y s, cold/restore R
#   restore panamax/qemu: R; files: panamax state S, memory M (allocated A); qemu state Q
# Env: BENCH_ROUNDS (3), BENCH_TIMEOUT (s per run, 180), BENCH_QEMU_MACHINE (microvm,acpi=off).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SELF=$REPO/scripts/bench/snapshot-restore.sh
GUEST=$REPO/build/guest
ROUNDS=${BENCH_ROUNDS:-3}
TIMEOUT=${BENCH_TIMEOUT:-180}
QEMU_MACHINE=${BENCH_QEMU_MACHINE:-microvm,acpi=off}
MEM=128
ARGS="console=ttyS0 quiet panic=-1"
# shellcheck source=scripts/bench/lib.sh
source "$REPO/scripts/bench/lib.sh"
# shellcheck source=scripts/lib/common.sh
source "$REPO/scripts/lib/common.sh" # ensure_pkgs

die() { echo "snapshot-restore: error: $*" >&2; exit 1; }

enter_nested_host "$SELF" "$@"
command -v curl >/dev/null && command -v socat >/dev/null || die "needs curl and socat"

logs=$REPO/build/bench/snapshot
mkdir -p "$logs"
work=$(mktemp -d /tmp/pmx-snapbench.XXXXXX)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT

ANSWER='pmx-answer-$((6*7))' # typed; the echo of the typed line never matches its output
cat >"$work/vm.json" <<EOF
{"boot-source": {"kernel_image_path": "$GUEST/bzImage", "initrd_path": "$GUEST/initramfs.cpio.gz",
                 "boot_args": "$ARGS reboot=k"},
 "machine-config": {"vcpu_count": 1, "mem_size_mib": $MEM}}
EOF
qemu=(qemu-system-x86_64 -enable-kvm -M "$QEMU_MACHINE" -cpu host -m "$MEM" -nodefaults -no-user-config -nographic
	-no-reboot -serial stdio -kernel "$GUEST/bzImage" -initrd "$GUEST/initramfs.cpio.gz" -append "$ARGS reboot=t")

# answer LOG WAIT CMD...: runs CMD with its console in LOG and its stdin a fifo; types the
# command once a console line matches WAIT (a regex; empty: at once), again every 5 s until the
# answer; prints the seconds from start to the answer line, or nothing. Ends CMD.
answer() {
	local log=$1 wait=$2 t0 t='' line deadline fd in pid typed=0 next=0
	shift 2
	: >"$log"
	rm -f "$work/in"
	mkfifo "$work/in"
	exec {in}<>"$work/in"
	t0=$EPOCHREALTIME
	exec {fd}< <(exec "$@" <"$work/in" 2>&1)
	pid=$!
	deadline=$((SECONDS + TIMEOUT))
	[[ -n $wait ]] || { printf 'echo %s\n' "$ANSWER" >&"$in"; typed=1; next=$((SECONDS + 5)); }
	while ((SECONDS < deadline)); do
		line=
		if IFS= read -r -t 1 -u "$fd" line; then
			line=${line%$'\r'}
			printf '%s\n' "$line" >>"$log"
			if [[ $line == pmx-answer-42 ]]; then
				t=$EPOCHREALTIME
				break
			fi
			if ((!typed)) && [[ $line =~ $wait ]]; then
				printf 'echo %s\n' "$ANSWER" >&"$in"
				typed=1 next=$((SECONDS + 5))
			fi
		elif (($? <= 128)); then
			break # the VMM ended
		fi
		if ((typed && SECONDS >= next)); then
			printf 'echo %s\n' "$ANSWER" >&"$in"
			next=$((SECONDS + 5))
		fi
	done
	kill "$pid" 2>/dev/null || true
	sleep 0.2
	kill -9 "$pid" 2>/dev/null || true
	exec {fd}<&- {in}>&-
	[[ -z $t ]] || awk -v a="$t0" -v b="$t" 'BEGIN { printf "%.3f\n", b - a }'
}

# source_vm NAME LOG CMD...: starts CMD in the background (stdin the fifo $work/NAME.in), waits
# for the guest to answer a typed command; 0 when it did.
source_vm() {
	local name=$1 log=$2 i
	shift 2
	mkfifo "$work/$name.in"
	exec {src_in}<>"$work/$name.in"
	"$@" <"$work/$name.in" >"$log" 2>&1 &
	src_pid=$!
	pids+=("$src_pid")
	for ((i = 0; i < TIMEOUT; i++)); do
		grep -q PANAMAX-INIT-OK "$log" && break
		sleep 1
	done
	for ((i = 0; i < TIMEOUT; i++)); do
		((i % 5)) || printf 'echo %s\n' "$ANSWER" >&"$src_in"
		grep -qx $'pmx-answer-42\r\\?' "$log" && return 0
		sleep 1
	done
	return 1
}

"$REPO/scripts/panamax" --version >/dev/null # built before the clock runs

# Panamax's snapshot, through the API, of the guest at its shell prompt
sock=$work/api.sock
source_vm panamax "$logs/source-panamax.log" "$REPO/scripts/panamax" --api-sock "$sock" --config-file "$work/vm.json" \
	|| die "the Panamax guest to snapshot never answered (console: $logs/source-panamax.log)"
curl -sf --unix-socket "$sock" -X PATCH http://localhost/vm -d '{"state": "Paused"}' \
	|| die "PATCH /vm Paused failed"
curl -sf --unix-socket "$sock" -X PUT http://localhost/snapshot/create -d "{\"snapshot_type\": \"Full\", \
	\"snapshot_path\": \"$work/vm.snap\", \"mem_file_path\": \"$work/vm.mem\"}" || die "PUT /snapshot/create failed"
kill -9 "$src_pid"
exec {src_in}>&-

# QEMU's, through its monitor: the running guest migrated into a file
qemu_state=''
qmon=$work/qemu.mon
if source_vm qemu "$logs/source-qemu.log" "${qemu[@]}" -monitor "unix:$qmon,server=on,wait=off"; then
	echo "migrate \"exec:cat > $work/qemu.state\"" | socat -t 2 - "UNIX-CONNECT:$qmon" >/dev/null
	for ((i = 0; i < 120; i++)); do
		status=$(echo "info migrate" | socat -t 2 - "UNIX-CONNECT:$qmon" | tr -d '\r' | awk '/^Migration status:/ { print $3 }')
		[[ $status == completed || $status == failed ]] && break
		sleep 1
	done
	[[ $status == completed ]] && qemu_state=$work/qemu.state \
		|| echo "snapshot-restore: QEMU's migration to a file ended '$status'; no QEMU restore figures" >&2
else
	echo "snapshot-restore: the QEMU guest to save never answered (console: $logs/source-qemu.log)" >&2
fi
kill -9 "$src_pid" 2>/dev/null || true
exec {src_in}>&-

declare -a p_cold p_restore q_cold q_restore
for round in $(seq 1 "$ROUNDS"); do
	p=$(answer "$logs/cold-panamax.$round.log" PANAMAX-INIT-OK "$REPO/scripts/panamax" --config-file "$work/vm.json")
	r=$(answer "$logs/restore-panamax.$round.log" '' "$REPO/scripts/panamax" --snapshot-load "$work/vm.snap,$work/vm.mem")
	q=$(answer "$logs/cold-qemu.$round.log" PANAMAX-INIT-OK "${qemu[@]}")
	s=''
	[[ -z $qemu_state ]] || s=$(answer "$logs/restore-qemu.$round.log" '' "${qemu[@]}" -incoming "exec:cat $qemu_state")
	[[ -n $p && -n $r ]] || die "round $round: a Panamax run never answered (logs: $logs/*.$round.log)"
	p_cold+=("$p") p_restore+=("$r")
	[[ -z $q ]] || q_cold+=("$q")
	[[ -z $s ]] || q_restore+=("$s")
	echo "round $round: panamax cold boot $p s, restore $r s; qemu cold boot ${q:-n/a} s, restore ${s:-n/a} s" >&2
done

pc=$(med "${p_cold[@]}") pr=$(med "${p_restore[@]}")
qc=$(med "${q_cold[@]+"${q_cold[@]}"}") qr=$(med "${q_restore[@]+"${q_restore[@]}"}")
echo "panamax (median of $ROUNDS): cold boot $pc s, restore $pr s, cold/restore $(ratio "$pc" "$pr")"
echo "qemu-${QEMU_MACHINE%%,*} (median of ${#q_cold[@]}/${#q_restore[@]}): cold boot $qc s, restore $qr s," \
	"cold/restore $(ratio "$qc" "$qr")"
echo "restore panamax/qemu: $(ratio "$pr" "$qr"); files: panamax state $(stat -c %s "$work/vm.snap") B," \
	"memory $(stat -c %s "$work/vm.mem") B (allocated $(($(stat -c '%b * %B' "$work/vm.mem")))) B);" \
	"qemu state ${qemu_state:+$(stat -c %s "$qemu_state") B}"
