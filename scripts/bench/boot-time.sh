#!/usr/bin/env bash
# Benchmark: the test guest's boot under Panamax (JVM start included) and QEMU's microvm machine,
# same kernel (bzImage) and initramfs, same nested host, 1 vCPU and 128 MiB, alternating over
# BENCH_ROUNDS boots each. Per boot, from the host kernel's trace (tracefs, as root):
#   start -> entry   the VMM's exec to its first KVM_RUN entering the guest (kvm:kvm_entry)
#   entry -> init    from there to init's PANAMAX-INIT-OK on the console
#   total            exec to PANAMAX-INIT-OK (wall clock)
#   exits            every exit to the host kernel from exec to the VMM's end (the guest reboots
#                    right after the marker), by reason (a kvm:kvm_exit hist trigger), and port
#                    I/O exits by port (kvm:kvm_pio), which count QEMU's the same way
# plus Panamax's own counters for the same boot (its metrics file: vcpu exits, i8042 accesses)
# and, in one more boot each with the guest idling 4 s in init, the VMM's footprint (VmRSS and
# threads 2 s after the marker): Panamax with its default JVM options and with BENCH_FOOTPRINT_OPTS.
# Each round also boots Panamax without its AOT cache (PANAMAX_AOT=0), for the cache's effect.
# Ends with lines, medians over the rounds, ratios panamax/qemu:
#   boot-split: start->entry P/Q s (ratio), entry->init P/Q s (ratio), total P/Q s (ratio)
#   boot-to-init: panamax X s, qemu-microvm Y s, ratio panamax/qemu Z (median of N)
#   exits: panamax A, qemu B, ratio; then by reason and port
#   footprint: panamax R MiB (T threads), with BENCH_FOOTPRINT_OPTS R2 MiB, qemu Q MiB ...
# Env: BENCH_ROUNDS (3), BENCH_TIMEOUT (s per boot, 180), BENCH_FOOTPRINT_OPTS (JVM options).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SELF=$REPO/scripts/bench/boot-time.sh
GUEST=$REPO/build/guest
ROUNDS=${BENCH_ROUNDS:-3}
TIMEOUT=${BENCH_TIMEOUT:-180}
FOOTPRINT_OPTS=${BENCH_FOOTPRINT_OPTS:--XX:+UseSerialGC -Xms4m -Xmx32m -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -Xss256k -XX:ReservedCodeCacheSize=16m}
ARGS="console=ttyS0 quiet panic=-1 pmx_after=reboot"
MEM=128
T=/sys/kernel/tracing
# shellcheck source=scripts/bench/lib.sh
source "$REPO/scripts/bench/lib.sh"
# shellcheck source=scripts/lib/common.sh
source "$REPO/scripts/lib/common.sh" # ensure_pkgs

die() { echo "boot-time: error: $*" >&2; exit 1; }

enter_nested_host "$SELF" "$@"

logs=$REPO/build/bench
mkdir -p "$logs"
[[ -d $T/events/kvm ]] || mount -t tracefs nodev "$T" 2>/dev/null || true
[[ -w $T/trace_marker && -d $T/events/kvm/kvm_entry ]] || die "no tracefs with kvm events at $T (needs root)"

panamax_config() { # FILE METRICS ARGS: a config file for this boot, with a metrics file
	cat >"$1" <<-EOF
		{"boot-source": {"kernel_image_path": "$GUEST/bzImage", "initrd_path": "$GUEST/initramfs.cpio.gz",
		                 "boot_args": "$3 reboot=k"},
		 "machine-config": {"vcpu_count": 1, "mem_size_mib": $MEM, "smt": false},
		 "metrics": {"metrics_path": "$2"}}
	EOF
}
qemu_cmd() { # ARGS
	echo qemu-system-x86_64 -enable-kvm -M microvm,acpi=off -cpu host -m "$MEM" -nodefaults -no-user-config \
		-nographic -no-reboot -serial stdio -kernel "$GUEST/bzImage" -initrd "$GUEST/initramfs.cpio.gz" \
		-append "'$1 reboot=t'"
}

hist_triggers() { # '' adds the two hist triggers, '!' removes them (quietly: they may not be there)
	echo "${1}hist:keys=exit_reason:sort=hitcount.descending:size=256" 2>/dev/null >"$T/events/kvm/kvm_exit/trigger" || true
	echo "${1}hist:keys=port.hex,rw:sort=hitcount.descending:size=256" 2>/dev/null >"$T/events/kvm/kvm_pio/trigger" || true
}
trace_reset() {
	echo 0 >"$T/tracing_on"
	echo >"$T/trace"
	# the first events are the ones wanted: a full buffer drops new ones, and stays quick to read
	echo 0 >"$T/options/overwrite"
	echo 512 >"$T/buffer_size_kb"
	echo 1 >"$T/events/kvm/kvm_entry/enable"
	hist_triggers '!' # a trigger left from an earlier boot goes, with its counts
	hist_triggers ''
	echo 1 >"$T/tracing_on"
}
trace_collect() { # PREFIX: writes PREFIX.exits, PREFIX.pio, PREFIX.entry (seconds exec -> first entry)
	echo 0 >"$T/tracing_on"
	cp "$T/events/kvm/kvm_exit/hist" "$1.exits"
	cp "$T/events/kvm/kvm_pio/hist" "$1.pio"
	hist_triggers '!'
	echo 0 >"$T/events/kvm/kvm_entry/enable"
	echo 1 >"$T/options/overwrite" # tracefs as it was (on a host with hardware KVM it is the host's)
	awk '/pmx-vmm-start/ && !s { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) s = $i + 0 }
		/kvm_entry:/ && s && !e { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) e = $i + 0 }
		END { if (s && e) printf "%.3f\n", e - s }' "$T/trace" >"$1.entry"
}

# boot NAME LOG IDLE_SAMPLE CMD...: one boot with the trace on; prints the seconds to the marker.
# With IDLE_SAMPLE=1 it also writes LOG.rss ("VmRSS_kB threads") 2 s after the marker.
boot() {
	local name=$1 log=$2 sample=$3 t0 t_marker='' line deadline fd pid watchdog
	shift 3
	: >"$log"
	trace_reset
	t0=$EPOCHREALTIME
	exec {fd}< <(exec bash -c 'echo pmx-vmm-start >'"$T"'/trace_marker; exec "$@"' _ "$@" </dev/null 2>&1)
	pid=$!
	# a VMM that hangs must not hold the benchmark: it is killed at the deadline whatever its state
	(sleep $((TIMEOUT + 25)); kill -9 "$pid") >/dev/null 2>&1 &
	watchdog=$!
	deadline=$((SECONDS + TIMEOUT))
	while ((SECONDS < deadline)); do
		line=
		if IFS= read -r -t "$((deadline - SECONDS))" -u "$fd" line; then
			printf '%s\n' "${line%$'\r'}" >>"$log"
			if [[ -z $t_marker && $line == *PANAMAX-INIT-OK* ]]; then
				t_marker=$EPOCHREALTIME
				((deadline - SECONDS <= 20)) || deadline=$((SECONDS + 20))
				if ((sample)); then
					sleep 2
					awk '/^VmRSS:/ { r = $2 } /^Threads:/ { t = $2 } END { print r, t }' "/proc/$pid/status" >"$log.rss"
				fi
			fi
		else
			[[ -z $line ]] || printf '%s\n' "$line" >>"$log"
			break
		fi
	done
	kill "$pid" 2>/dev/null || true
	kill "$watchdog" 2>/dev/null || true
	exec {fd}<&-
	trace_collect "$log"
	[[ -n $t_marker ]] || die "$name never reached init (console: $log)"
	awk -v a="$t0" -v b="$t_marker" 'BEGIN { printf "%.3f\n", b - a }'
}

# Panamax's metrics file: each line holds the change since the last; prints "FIELD=SUM ..." for GROUP.
metrics_sum() { # FILE GROUP
	python3 - "$1" "$2" <<-'EOF'
		import json, sys
		total = {}
		for line in open(sys.argv[1]):
		    for k, v in json.loads(line).get(sys.argv[2], {}).items():
		        total[k] = total.get(k, 0) + v
		print(" ".join(f"{k}={v}" for k, v in total.items()))
	EOF
}
hits() { awk '/Hits:/ { print $2 }' "$1"; }
# SVM exit codes (the nested host is AMD) by name; other codes stay numbers.
reasons() { # HIST
	awk 'BEGIN { n[120] = "hlt"; n[123] = "io"; n[1024] = "npf"; n[124] = "msr"; n[114] = "cpuid"; n[96] = "intr";
		n[100] = "vintr"; n[127] = "shutdown"; n[129] = "vmmcall"; n[141] = "xsetbv"; n[110] = "rdtsc"; n[119] = "pause";
		n[1025] = "avic_ipi"; n[1026] = "avic_unaccel"; n[78] = "#pf"; n[70] = "#ud"; n[97] = "nmi"; n[137] = "wbinvd" }
		/^\{ exit_reason:/ { gsub(/[{}]/, ""); r = $2; c = $4; printf "%s%s=%s", sep, (r in n ? n[r] : r), c; sep = " " }
		END { print "" }' "$1"
}
ports() { # HIST: "0x64r=N 0x60w=N ...", the 8 busiest
	awk '/^\{ port:/ { gsub(/[{},]/, ""); printf "%s%s%s=%s", sep, $2, ($4 == 1 ? "w" : "r"), $6; sep = " "; if (++k == 8) exit }
		END { print "" }' "$1"
}

"$REPO/scripts/panamax" --version >/dev/null # built and its AOT cache present before the clock runs
declare -a p_total q_total p_entry q_entry p_exits q_exits n_total n_entry
for round in $(seq 1 "$ROUNDS"); do
	panamax_config "$logs/panamax-vm.json" "$logs/panamax-metrics.$round" "$ARGS"
	rm -f "$logs/panamax-metrics.$round" "$logs/panamax-metrics-noaot.$round"
	p=$(boot panamax "$logs/boot-panamax.$round.log" 0 "$REPO/scripts/panamax" --config-file "$logs/panamax-vm.json")
	q=$(boot qemu "$logs/boot-qemu.$round.log" 0 bash -c "exec $(qemu_cmd "$ARGS")")
	panamax_config "$logs/panamax-vm-noaot.json" "$logs/panamax-metrics-noaot.$round" "$ARGS"
	n=$(PANAMAX_AOT=0 boot panamax "$logs/boot-panamax-noaot.$round.log" 0 "$REPO/scripts/panamax" \
		--config-file "$logs/panamax-vm-noaot.json")
	n_total+=("$n") n_entry+=("$(cat "$logs/boot-panamax-noaot.$round.log.entry")")
	p_total+=("$p") q_total+=("$q")
	p_entry+=("$(cat "$logs/boot-panamax.$round.log.entry")") q_entry+=("$(cat "$logs/boot-qemu.$round.log.entry")")
	p_exits+=("$(hits "$logs/boot-panamax.$round.log.exits")") q_exits+=("$(hits "$logs/boot-qemu.$round.log.exits")")
	echo "round $round: panamax $p s (entry ${p_entry[-1]} s, ${p_exits[-1]} exits), qemu-microvm $q s" \
		"(entry ${q_entry[-1]} s, ${q_exits[-1]} exits), panamax without AOT cache $n s (entry ${n_entry[-1]} s)" >&2
done

# footprint: one boot each, the guest idling 4 s in init after the marker
idle="$ARGS pmx_cmd=\"sleep 4\""
panamax_config "$logs/panamax-idle.json" "$logs/panamax-idle-metrics" "${idle//\"/\\\"}"
rm -f "$logs"/idle-*.rss
# a failed footprint boot costs its figure only
(boot panamax "$logs/idle-panamax.log" 1 "$REPO/scripts/panamax" --config-file "$logs/panamax-idle.json" >/dev/null) || true
(PANAMAX_JAVA_OPTS="$FOOTPRINT_OPTS" boot panamax "$logs/idle-panamax-small.log" 1 "$REPO/scripts/panamax" \
	--config-file "$logs/panamax-idle.json" >/dev/null) || true
(boot qemu "$logs/idle-qemu.log" 1 bash -c "exec $(qemu_cmd "$idle")" >/dev/null) || true
for f in panamax panamax-small qemu; do [[ -s $logs/idle-$f.log.rss ]] || echo "0 0" >"$logs/idle-$f.log.rss"; done

pt=$(med "${p_total[@]}") qt=$(med "${q_total[@]}")
pe=$(med "${p_entry[@]}") qe=$(med "${q_entry[@]}")
pg=$(awk -v a="$pt" -v b="$pe" 'BEGIN { printf "%.3f", a - b }') qg=$(awk -v a="$qt" -v b="$qe" 'BEGIN { printf "%.3f", a - b }')
px=$(med "${p_exits[@]}") qx=$(med "${q_exits[@]}")
last=$ROUNDS
read -r p_rss p_thr <"$logs/idle-panamax.log.rss"
read -r s_rss s_thr <"$logs/idle-panamax-small.log.rss"
read -r q_rss q_thr <"$logs/idle-qemu.log.rss"
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
echo "boot-split (median of $ROUNDS): start->entry panamax $pe s, qemu $qe s, ratio $(ratio "$pe" "$qe");" \
	"entry->init panamax $pg s, qemu $qg s, ratio $(ratio "$pg" "$qg"); total ratio $(ratio "$pt" "$qt")"
nt=$(med "${n_total[@]}") ne=$(med "${n_entry[@]}")
echo "  panamax without its AOT cache: start->entry $ne s, total $nt s; with/without: start->entry $(ratio "$pe" "$ne"), total $(ratio "$pt" "$nt")"
echo "boot-to-init: panamax $pt s, qemu-microvm $qt s, ratio panamax/qemu $(ratio "$pt" "$qt") (median of $ROUNDS)"
echo "exits per boot (host kernel's count, median): panamax $px, qemu $qx, ratio $(ratio "$px" "$qx")"
echo "  panamax by reason (round $last): $(reasons "$logs/boot-panamax.$last.log.exits")"
echo "  qemu by reason (round $last):    $(reasons "$logs/boot-qemu.$last.log.exits")"
echo "  panamax port exits by port: $(ports "$logs/boot-panamax.$last.log.pio")"
echo "  qemu port exits by port:    $(ports "$logs/boot-qemu.$last.log.pio")"
echo "  panamax's own counters (round $last): vcpu $(metrics_sum "$logs/panamax-metrics.$last" vcpu);" \
	"i8042 $(metrics_sum "$logs/panamax-metrics.$last" i8042)"
echo "footprint (1 vCPU, $MEM MiB, idle in init): panamax $(mib "$p_rss") MiB ($p_thr threads)," \
	"with BENCH_FOOTPRINT_OPTS $(mib "$s_rss") MiB ($s_thr threads), qemu $(mib "$q_rss") MiB ($q_thr threads);" \
	"ratio $(ratio "$p_rss" "$q_rss"), with the options $(ratio "$s_rss" "$q_rss")"
echo "  BENCH_FOOTPRINT_OPTS=$FOOTPRINT_OPTS"
