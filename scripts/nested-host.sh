#!/usr/bin/env bash
# Runs CMD inside the nested test host: a Debian 6.1 kernel (L1) under QEMU-TCG with
# nested SVM, which has a real /dev/kvm (kvm_amd). This machine's own /dev/kvm is PVM
# and cannot boot Linux guests (see shared/NESTED-HOST.md).
#
# Usage: scripts/nested-host.sh CMD [ARG...]
# Inside L1, CMD runs chrooted in the host's / (overlay: read-only host files plus
# tmpfs writes that vanish with L1), in the same working directory, with the caller's
# repository (git top-level of the cwd, or the cwd) writable at its own path, fresh
# tmpfs /tmp and /run, stdin /dev/null, PANAMAX_NESTED=1, HOME, PATH (the caller's plus
# the usual dirs), JAVA_HOME if set, and the variables named in NESTED_ENV.
# CMD's stdout and stderr stream to ours; L1's kernel console goes to
# build/nested/last-console.log (and NESTED_CONSOLE_LOG if set). Exit status: CMD's, or
#   123  L1's kernel reported a soft lockup or RCU stall (it is ended at once)
#   124  NESTED_TIMEOUT expired        125  L1 failed to boot or died
# Env: NESTED_TIMEOUT (s, 1200), NESTED_BOOT_TIMEOUT (s, 180), NESTED_MEM_MIB (6144),
#      NESTED_CPUS (2), NESTED_CONSOLE_LOG (a second copy of L1's console), NESTED_ENV ("VAR ..."), NESTED_VERBOSE=1 (timings on stderr),
#      NESTED_FORCE=1 (boot L1 even where /dev/kvm is hardware KVM), NESTED_KEEP_RUN=1
#      (keep build/nested/run.* with cmd.sh, console.log, qemu.err for debugging).
# Already inside L1, or on a host with hardware KVM, CMD simply runs here.
set -euo pipefail

REPO_SELF=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NDIR=$REPO_SELF/build/nested
L1_INIT=$REPO_SELF/scripts/nested/init
L1_MODULES=(irqbypass kvm ccp kvm-amd virtio_ring virtio virtio_pci_modern_dev
	virtio_pci_legacy_dev virtio_pci virtio_console netfs fscache 9pnet 9pnet_virtio
	9p overlay tun)
TIMEOUT=${NESTED_TIMEOUT:-1200}
BOOT_TIMEOUT=${NESTED_BOOT_TIMEOUT:-180}
MEM=${NESTED_MEM_MIB:-6144}
CPUS=${NESTED_CPUS:-2}

# shellcheck source=scripts/lib/common.sh
source "$REPO_SELF/scripts/lib/common.sh" # ensure_pkgs, apt_update, hardware_kvm
die() { echo "nested-host: error: $1" >&2; exit "${2:-125}"; }
log() { [[ ${NESTED_VERBOSE:-0} != 1 ]] || echo "nested-host: $*" >&2; }

(($# > 0)) || die "usage: nested-host.sh CMD [ARG...]" 2

if [[ ${PANAMAX_NESTED:-} == 1 ]] || { [[ ${NESTED_FORCE:-0} != 1 ]] && hardware_kvm; }; then
	exec "$@"
fi


ensure_pkgs qemu-system-x86 busybox-static cpio xz-utils socat
mkdir -p "$NDIR"

# --- L1 kernel: newest linux-image-6.1.0-N-amd64, only vmlinuz + the modules kept --
# A cached kernel is used as is (no apt query per run); delete build/nested/kernel-* to
# pick up a newer one.
KDIR=$(find "$NDIR" -maxdepth 1 -name 'kernel-*' -type d -exec test -f '{}/.complete' ';' -print |
	sort -V | tail -n 1)
# A cache from before a module joined L1_MODULES is fetched again.
for m in "${L1_MODULES[@]}"; do
	[[ -z $KDIR || -f $KDIR/modules/$m.ko ]] || { rm -rf "$KDIR"; KDIR=; }
done
if [[ -z $KDIR ]]; then
	newest_kernel_pkg() {
		apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-amd64$' 2>/dev/null |
			cut -d' ' -f1 | sort -V | tail -n 1
	}
	KPKG=$(newest_kernel_pkg)
	[[ -n $KPKG ]] || { apt_update; KPKG=$(newest_kernel_pkg); }
	[[ -n $KPKG ]] || die "no linux-image-6.1.0-*-amd64 package found in apt"
	echo "nested-host: fetching L1 kernel $KPKG" >&2
	tmp=$(mktemp -d "$NDIR/dl.XXXXXX")
	downloaded() { echo "$(du -sm "$tmp" 2>/dev/null | cut -f1) MiB of $KPKG downloaded"; }
	download() { apt-get download -qq -o APT::Sandbox::User=root "$KPKG" >/dev/null 2>&1; }
	(cd "$tmp" && run_with_progress nested-host downloaded download) \
		|| { rm -rf "$tmp"; die "apt-get download $KPKG failed"; }
	KVER=${KPKG#linux-image-}
	mkdir -p "$tmp/x/modules"
	dpkg-deb --fsys-tarfile "$tmp"/*.deb | tar -x -C "$tmp/x" --wildcards \
		"./boot/vmlinuz-$KVER" "./lib/modules/$KVER/kernel/*.ko" \
		|| { rm -rf "$tmp"; die "cannot unpack $KPKG"; }
	mv "$tmp/x/boot/vmlinuz-$KVER" "$tmp/x/vmlinuz"
	for m in "${L1_MODULES[@]}"; do
		f=$(find "$tmp/x/lib/modules" -name "$m.ko" | head -n 1)
		[[ -n $f ]] || { rm -rf "$tmp"; die "$KPKG has no module $m.ko"; }
		mv "$f" "$tmp/x/modules/"
	done
	rm -rf "$tmp/x/boot" "$tmp/x/lib"
	touch "$tmp/x/.complete"
	KDIR=$NDIR/kernel-$KVER
	rm -rf "$KDIR"
	mv "$tmp/x" "$KDIR" 2>/dev/null || true # a concurrent run may have won
	rm -rf "$tmp"
fi

# QEMU boots the uncompressed ELF through its PVH entry: decompressing the bzImage
# under TCG costs ~3 s per boot. The payload (xz for Debian) is cut out of the bzImage
# by its header fields; without it, the bzImage boots.
L1_KERNEL=$KDIR/vmlinux
if [[ ! -s $L1_KERNEL ]]; then
	hdr() { od -An -t "u$2" -j "$1" -N "$2" "$KDIR/vmlinuz" | tr -d ' '; }
	setup_sects=$(hdr $((0x1f1)) 1)
	payload_at=$((((${setup_sects:-0} > 0 ? setup_sects : 4) + 1) * 512 + $(hdr $((0x248)) 4)))
	tmp=$(mktemp "$KDIR/vmlinux.XXXXXX")
	# Only xz's status counts: the size trailer after the stream is left unread.
	if (set +o pipefail; dd if="$KDIR/vmlinuz" iflag=skip_bytes,count_bytes bs=1M status=none \
		skip="$payload_at" count="$(hdr $((0x24c)) 4)" | xz -dc --single-stream >"$tmp" 2>/dev/null) &&
		{ ! command -v readelf >/dev/null || readelf -n "$tmp" | grep 'Xen.*0x00000012' >/dev/null; }; then
		mv "$tmp" "$L1_KERNEL"
	else
		rm -f "$tmp"
		L1_KERNEL=$KDIR/vmlinuz
	fi
fi

# --- L1 initramfs: busybox + modules + scripts/nested/init, keyed by their hash -----
IKEY=$(
	{
		basename "$KDIR"
		dpkg-query -W -f='${Version}' busybox-static
		echo "${L1_MODULES[*]}"
		sha256sum <"$L1_INIT"
	} | sha256sum | cut -c1-16
)
INITRD=$NDIR/l1-$IKEY.cpio.gz
if [[ ! -s $INITRD ]]; then
	tmp=$(mktemp -d "$NDIR/initrd.XXXXXX")
	mkdir -p "$tmp"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,lib/modules}
	cp /bin/busybox "$tmp/bin/"
	while IFS= read -r applet; do
		[[ -e $tmp/$applet ]] || ln -s /bin/busybox "$tmp/$applet"
	done < <(/bin/busybox --list-full)
	cp "$KDIR"/modules/*.ko "$tmp/lib/modules/"
	echo "${L1_MODULES[*]}" >"$tmp/lib/modules/order" # init loads them in this order
	install -m 0755 "$L1_INIT" "$tmp/init"
	(cd "$tmp" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -1) \
		>"$tmp.cpio.gz" || { rm -rf "$tmp" "$tmp.cpio.gz"; die "cannot build the L1 initramfs"; }
	rm -rf "$tmp"
	mv "$tmp.cpio.gz" "$INITRD"
	# Old ones go once no concurrent run can still be about to load them.
	find "$NDIR" -maxdepth 1 -name 'l1-*.cpio.gz' ! -name "${INITRD##*/}" -mmin +60 -delete
fi

# --- the command, handed over through a run directory shared as 9p tag pmxrun --------
CWD=$PWD
REPO=$CWD
if command -v git >/dev/null && top=$(git rev-parse --show-toplevel 2>/dev/null); then
	REPO=$top
fi
[[ $REPO != / ]] || die "will not share / writable: run from inside a repository or directory"
# Run directories of runs that were killed (SIGKILL skips the trap) go after a day.
find "$NDIR" -maxdepth 1 -name 'run.*' -mmin +1440 -exec rm -rf '{}' + 2>/dev/null || true
RUN=$(mktemp -d "$NDIR/run.XXXXXX")
printf '%s\n' "$REPO" >"$RUN/repo"
{
	echo "export PANAMAX_NESTED=1 LANG=C.UTF-8 TERM=dumb"
	printf 'export HOME=%q\n' "${HOME:-/root}"
	path=${PATH:-}
	for d in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do
		[[ :$path: == *:$d:* ]] || path=${path:+$path:}$d
	done
	printf 'export PATH=%q\n' "$path"
	[[ -z ${JAVA_HOME:-} ]] || printf 'export JAVA_HOME=%q\n' "$JAVA_HOME"
	for v in ${NESTED_ENV:-}; do
		[[ -n ${!v+x} ]] && printf 'export %s=%q\n' "$v" "${!v}"
	done
	printf 'cd -- %q || exit 126\n' "$CWD"
	printf 'exec'
	printf ' %q' "$@"
	echo
} >"$RUN/cmd.sh"

QPID=
CATPID=
# shellcheck disable=SC2317 # runs from the EXIT trap
cleanup() {
	if [[ -n $QPID ]] && kill -0 "$QPID" 2>/dev/null; then
		# Ended from outside (a hang): where each L1 CPU was, for the diagnosis, before QEMU goes.
		dump_l1_cpus
		kill "$QPID" 2>/dev/null || true
		wait "$QPID" 2>/dev/null || true
	fi
	[[ -z $CATPID ]] || kill "$CATPID" 2>/dev/null || true
	if [[ -f $RUN/console.log ]]; then
		cp "$RUN/console.log" "$NDIR/last-console.log"
		[[ -z ${NESTED_CONSOLE_LOG:-} ]] || cp "$RUN/console.log" "$NESTED_CONSOLE_LOG" 2>/dev/null || true
	fi
	if [[ -n ${NESTED_CONSOLE_LOG:-} && -s $RUN/l1-cpus.txt ]]; then
		cp "$RUN/l1-cpus.txt" "$RUN/l1-kallsyms.gz" "$(dirname "$NESTED_CONSOLE_LOG")/" 2>/dev/null || true
	fi
	[[ -n ${NESTED_KEEP_RUN:-} ]] || rm -rf "$RUN"
}
# QEMU's monitor: every L1 CPU's registers (L1's kernel symbols are in l1-kallsyms.gz, which
# L1's init writes at boot; KASLR moves them each boot; a CPU inside the guest shows the tiny
# guest's addresses, see build/guest-src/*/System.map).
# shellcheck disable=SC2317 # runs from the EXIT trap
dump_l1_cpus() {
	[[ -S $RUN/monitor.sock ]] || return 0
	printf 'info cpus\ninfo registers -a\n' |
		timeout 10 socat -t 5 - "UNIX-CONNECT:$RUN/monitor.sock" >"$RUN/l1-cpus.txt" 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A vCPU stuck in L1's KVM has locked up an L1 CPU (soft lockup, then RCU stalls): L1 panics
# 40 s into a soft lockup and prints the stuck CPU's stack first (loglevel 5 shows the trace's
# KERN_WARNING lines, quiet would not), and the watch loop below ends L1 at an RCU stall. Not
# sooner: a busy host starves QEMU's vCPU threads, and at 20 s an idle L1 CPU was once taken
# for locked up.
L1_CMDLINE="console=ttyS0 panic=-1 loglevel=5 softlockup_panic=1 watchdog_thresh=20 softlockup_all_cpu_backtrace=1 rcupdate.rcu_cpu_stall_timeout=60"
LOCKUP_RE='soft lockup - CPU|self-detected stall|detected stalls on CPUs|Kernel panic'
esc() { printf '%s' "${1//,/,,}"; } # QEMU option values double their commas
accel=tcg
((CPUS > 1)) && accel=tcg,thread=multi
t0=$EPOCHREALTIME
SECONDS=0 # both timeouts count from QEMU's start
# CMD's stdout: a virtio console on QEMU's stdout, i.e. our fd 1 itself. CMD's stderr:
# another one into a fifo that cat copies to our fd 2 (QEMU's own stderr, its warnings,
# goes to a file). Writing through our own fds keeps file offsets right when the
# caller redirects to a file; QEMU re-opening /proc/self/fd/N would not.
mkfifo "$RUN/err.fifo"
cat "$RUN/err.fifo" >&2 &
CATPID=$!
qemu-system-x86_64 -accel "$accel" -M q35 -cpu max,+svm,+npt -smp "$CPUS" -m "$MEM" \
	-nodefaults -no-user-config -display none -no-reboot \
	-kernel "$L1_KERNEL" -initrd "$INITRD" -append "$L1_CMDLINE" \
	-chardev "file,id=con,path=$(esc "$RUN/console.log")" -serial chardev:con \
	-virtfs local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap \
	-virtfs "local,path=$(esc "$REPO"),mount_tag=repo,security_model=none,multidevs=remap" \
	-virtfs "local,path=$(esc "$RUN"),mount_tag=pmxrun,security_model=none" \
	-monitor "unix:$(esc "$RUN/monitor.sock"),server=on,wait=off" \
	-device virtio-serial-pci \
	-chardev stdio,id=out,signal=off -device virtconsole,chardev=out \
	-chardev "file,id=err,path=$(esc "$RUN/err.fifo")" -device virtconsole,chardev=err \
	</dev/null 2>"$RUN/qemu.err" &
QPID=$!

elapsed() { echo "$EPOCHREALTIME $t0" | awk '{printf "%.1f", $1 - $2}'; }
booted=0
polls=0
while kill -0 "$QPID" 2>/dev/null; do
	if ((!booted)) && grep -q '^pmx-l1: up' "$RUN/console.log" 2>/dev/null; then
		booted=1
		log "L1 up after $(elapsed) s: $(grep '^pmx-l1: up' "$RUN/console.log")"
	fi
	if ((!booted && SECONDS >= BOOT_TIMEOUT)); then
		die "L1 did not boot within $BOOT_TIMEOUT s (console: $NDIR/last-console.log)"
	fi
	((SECONDS < TIMEOUT)) || die "timed out after $TIMEOUT s (NESTED_TIMEOUT)" 124
	if ((++polls % 10 == 0)) && lockup=$(grep -aEm1 "$LOCKUP_RE" "$RUN/console.log" 2>/dev/null); then
		sleep 2 # let the stack trace reach the console log
		die "L1's kernel locked up: ${lockup} (console: ${NESTED_CONSOLE_LOG:-$NDIR/last-console.log})" 123
	fi
	sleep 0.2
done
qrc=0
wait "$QPID" || qrc=$?
QPID=
# cat ends at EOF once QEMU is gone; it is stuck in open() if QEMU never opened the fifo.
for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$CATPID" 2>/dev/null && sleep 0.2; done
kill "$CATPID" 2>/dev/null || true
CATPID=
log "L1 gone after $(elapsed) s"
if [[ -f $RUN/rc ]]; then
	exit "$(cat "$RUN/rc")"
fi
if ((qrc != 0)) && [[ -s $RUN/qemu.err ]]; then
	die "qemu failed (rc $qrc): $(head -n 1 "$RUN/qemu.err")"
fi
reason=$(grep -ah '^pmx-l1: FAILED' "$RUN/console.log" 2>/dev/null | head -n 1 || true)
if ((booted)); then
	die "L1 died while running the command (console: $NDIR/last-console.log)"
fi
die "L1 failed to boot${reason:+: ${reason#pmx-l1: }} (console: $NDIR/last-console.log)"
