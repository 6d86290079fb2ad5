# shellcheck shell=bash
# Shared by the benchmarks: source it.

# time_to_marker TIMEOUT LOG CMD...: runs CMD with its console in LOG; prints the seconds from
# start until PANAMAX-INIT-OK appears, or nothing when it never does. After the marker CMD gets
# 10 s to end by itself (the guest reboots), then it is killed.
time_to_marker() {
	local timeout=$1 log=$2 pid t0 t_marker='' line deadline fd
	shift 2
	: >"$log"
	t0=$EPOCHREALTIME
	exec {fd}< <(exec "$@" </dev/null 2>&1)
	pid=$!
	deadline=$((SECONDS + timeout))
	while ((SECONDS < deadline)); do
		line=
		if IFS= read -r -t "$((deadline - SECONDS))" -u "$fd" line; then
			printf '%s\n' "${line%$'\r'}" >>"$log"
			if [[ -z $t_marker && $line == *PANAMAX-INIT-OK* ]]; then
				t_marker=$EPOCHREALTIME
				((deadline - SECONDS <= 10)) || deadline=$((SECONDS + 10))
			fi
		else
			[[ -z $line ]] || printf '%s\n' "$line" >>"$log"
			break
		fi
	done
	kill "$pid" 2>/dev/null || true
	exec {fd}<&-
	[[ -z $t_marker ]] || awk -v a="$t0" -v b="$t_marker" 'BEGIN { printf "%.3f\n", b - a }'
}

# median: of the numbers on stdin, one per line.
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# med N...: the median of its arguments; n/a when there are none (every run of a kind failed).
med() { (($# > 0)) && printf '%s\n' "$@" | median || echo n/a; }

# ratio P Q: P / Q to two decimals; n/a unless both are positive numbers (a failed or missing run).
ratio() { awk -v p="$1" -v q="$2" 'BEGIN { if (p + 0 > 0 && q + 0 > 0) printf "%.2f", p / q; else print "n/a" }'; }

# enter_nested_host SELF ARGS...: (needs scripts/lib/common.sh) on the host, prepares what a benchmark needs (the guest,
# Panamax's build, QEMU) where builds are fast, then re-runs SELF inside the nested test host
# (or directly where /dev/kvm is hardware; see nested-host.sh). Inside, it returns at once.
enter_nested_host() {
	local self=$1 repo
	shift
	[[ ${PANAMAX_NESTED:-} != 1 ]] || return 0
	repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	"$repo/scripts/build-guest.sh" >&2
	"$repo/scripts/panamax" --version >/dev/null
	ensure_pkgs qemu-system-x86
	cd "$repo" || exit
	# the benchmark's settings must reach its run inside
	NESTED_ENV="${NESTED_ENV:-} $(compgen -v BENCH_ | tr '\n' ' ')" exec "$repo/scripts/nested-host.sh" "$self" "$@"
}

# compile_bench_classes: (needs scripts/lib/common.sh) outside the nested host, compiles the
# modules' test classes, where the Java halves of the benchmarks live; inside, nothing.
compile_bench_classes() {
	[[ ${PANAMAX_NESTED:-} != 1 ]] || return 0
	find_jdk
	ensure_build_tools
	echo "bench: compiling the test classes (mvn process-test-classes)" >&2
	(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && mvn_batch -q process-test-classes -pl launcher -am) >&2
}

# bench_java TIMEOUT ARGS...: java (after find_jdk) on launcher's test classpath, which holds
# every module's test classes, killed after TIMEOUT seconds (0: never). In the nested host the JIT stays off the AVX and SHA that QEMU-TCG
# emulates badly, as in the ITs' JVMs (see NestedRun).
bench_java() {
	local repo opts=() limit=$1
	shift
	repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	# in the nested host: C1 only, as the nested ITs and scripts/panamax (TCG has run HotSpot's
	# half-patched method entries); benchmarks that start VMs hold ApicKeyPin's idle vCPU
	# (BENCH_PIN=0 not), which keeps VM starts from flipping L1 KVM's apic_sw_disabled key
	if [[ ${PANAMAX_NESTED:-} == 1 ]]; then
		opts=(-XX:UseAVX=0 -XX:-UseSHA -XX:TieredStopAtLevel=1)
		[[ ${BENCH_PIN:-1} == 0 ]] || opts+=(-Dpanamax.nested.pin-apic-key=true)
	fi
	timeout "$limit" "$JAVA_HOME/bin/java" "${opts[@]}" --enable-native-access=ALL-UNNAMED \
		-cp "$repo/launcher/target/test-classes:$repo/launcher/target/classes:$(cat "$repo/launcher/target/it-classpath.txt")" "$@"
}
