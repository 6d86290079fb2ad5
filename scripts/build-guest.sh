#!/usr/bin/env bash
# Builds the Panamax test guest from Debian packages:
#   OUTDIR/vmlinux            tiny microVM kernel, ELF with the PVH entry note
#   OUTDIR/bzImage            the same kernel, bzImage format
#   OUTDIR/initramfs.cpio.gz  busybox-static initramfs, /init = scripts/guest/init
#   OUTDIR/rootfs.ext4        16 MiB ext4 root: the same busybox tree + /hello.txt
# Usage: scripts/build-guest.sh [OUTDIR]   (default <repo>/build/guest)
# Outputs are keyed by a sha256 of their inputs; a matching key finishes in seconds.
# The kernel tree stays in <repo>/build/guest-src so that rebuilds are incremental.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${1:-$REPO/build/guest}
SRC_ROOT=$REPO/build/guest-src
KCONFIG=$REPO/scripts/guest/kernel.config
INIT=$REPO/scripts/guest/init
VSOCK_TOOL=$REPO/scripts/guest/pmx-vsock.c
AGENT=$REPO/scripts/guest/pmx-agent.c
HOSTILE=$REPO/scripts/guest/pmx-hostile.c
SELF=$REPO/scripts/build-guest.sh
# Objects a clean build of this config compiles (measured), for the progress line.
DEFAULT_OBJECTS=950
PKGS=(linux-source-6.1 busybox-static e2fsprogs build-essential flex bison bc
	libelf-dev libssl-dev cpio xz-utils)

# shellcheck source=scripts/lib/common.sh
source "$REPO/scripts/lib/common.sh" # ensure_pkgs
die() { echo "build-guest: error: $*" >&2; exit 1; }
log() { echo "build-guest: $*" >&2; }


pkg_version() { dpkg-query -W -f='${Version}' "$1"; }

ensure_pkgs "${PKGS[@]}"
[[ -f $KCONFIG && -f $INIT && -f $VSOCK_TOOL && -f $AGENT && -f $HOSTILE ]] || die "missing $KCONFIG, $INIT, $VSOCK_TOOL, $AGENT or $HOSTILE"
KSRC_VER=$(pkg_version linux-source-6.1)
BB_VER=$(pkg_version busybox-static)
KEY=$(
	{
		echo "linux-source-6.1 $KSRC_VER"
		echo "busybox-static $BB_VER"
		sha256sum "$KCONFIG" "$INIT" "$VSOCK_TOOL" "$AGENT" "$HOSTILE" "$SELF" | cut -d' ' -f1
	} | sha256sum | cut -d' ' -f1
)
STAMP=$OUT/.stamp
OUTPUTS=(vmlinux bzImage initramfs.cpio.gz rootfs.ext4)

# One build at a time per tree: a concurrent caller waits, then finds the outputs fresh.
mkdir -p "$SRC_ROOT"
exec 9>"$SRC_ROOT/.lock"
flock 9

cached=1
for f in "${OUTPUTS[@]}"; do [[ -s $OUT/$f ]] || cached=0; done
if ((cached)) && [[ -f $STAMP && $(cat "$STAMP") == "$KEY" ]]; then
	echo "build-guest: up to date in $OUT (key ${KEY:0:12})"
	exit 0
fi
mkdir -p "$OUT" "$SRC_ROOT"
rm -f "$STAMP"

# --- kernel -----------------------------------------------------------------
KSRC=$SRC_ROOT/linux-source-6.1
if [[ ! -f $KSRC/.pmx-src-version || $(cat "$KSRC/.pmx-src-version") != "$KSRC_VER" ]]; then
	log "unpacking linux-source $KSRC_VER into $SRC_ROOT"
	rm -rf "$KSRC"
	unpacked() { echo "$(du -sm "$SRC_ROOT" 2>/dev/null | cut -f1) MiB unpacked of about 1300"; }
	run_with_progress build-guest unpacked tar -xf /usr/src/linux-source-6.1.tar.xz -C "$SRC_ROOT" \
		|| die "cannot unpack linux-source"
	echo "$KSRC_VER" >"$KSRC/.pmx-src-version"
fi

KLOG=$SRC_ROOT/build.log
kmake() { make -C "$KSRC" ARCH=x86_64 "$@" >>"$KLOG" 2>&1; }
: >"$KLOG"
log "configuring kernel (log: $KLOG)"
kmake tinyconfig || die "make tinyconfig failed (see $KLOG)"
(cd "$KSRC" && scripts/kconfig/merge_config.sh -m .config "$KCONFIG" >>"$KLOG" 2>&1) \
	|| die "merge_config.sh failed (see $KLOG)"
kmake olddefconfig || die "make olddefconfig failed (see $KLOG)"

# Kconfig silently drops options whose dependencies are off: check each one survived.
lost=()
while IFS= read -r line; do
	if [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=y$ ]]; then
		grep -qx "$line" "$KSRC/.config" || lost+=("${BASH_REMATCH[1]}")
	elif [[ $line =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
		grep -q "^${BASH_REMATCH[1]}=[ym]" "$KSRC/.config" && lost+=("!${BASH_REMATCH[1]}")
	fi
done <"$KCONFIG"
((${#lost[@]} == 0)) || die "kernel options not honoured after olddefconfig: ${lost[*]}"

log "building bzImage with -j$(nproc) (log: $KLOG)"
t0=$SECONDS
# Progress: objects compiled so far against the count of the last full build (or a measured default).
OBJ_TOTAL=$(cat "$SRC_ROOT/.objects-total" 2>/dev/null || echo "$DEFAULT_OBJECTS")
compiled() { echo "kernel: $(grep -c '^  CC ' "$KLOG") of about $OBJ_TOTAL objects compiled"; }
run_with_progress build-guest compiled kmake -j"$(nproc)" bzImage \
	|| { tail -n 30 "$KLOG" >&2; die "kernel build failed (see $KLOG)"; }
n=$(grep -c '^  CC ' "$KLOG" || true)
((n < DEFAULT_OBJECTS / 2)) || echo "$n" >"$SRC_ROOT/.objects-total" # a clean build's count only
log "kernel built in $((SECONDS - t0)) s"

# PVH boot needs the XEN_ELFNOTE_PHYS32_ENTRY note (type 0x12) in vmlinux.
readelf -n "$KSRC/vmlinux" | grep -E 'Xen[[:space:]].*(0x00000012|PHYS32_ENTRY)' >/dev/null \
	|| die "vmlinux lacks the PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY)"
cp "$KSRC/vmlinux" "$OUT/vmlinux.tmp" && mv "$OUT/vmlinux.tmp" "$OUT/vmlinux"
cp "$KSRC/arch/x86/boot/bzImage" "$OUT/bzImage.tmp" && mv "$OUT/bzImage.tmp" "$OUT/bzImage"

# --- busybox tree shared by the initramfs and the ext4 root ------------------
STAGE=$(mktemp -d "$REPO/build/guest-stage.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
TREE=$STAGE/tree
mkdir -p "$TREE"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,root,etc}
chmod 1777 "$TREE/tmp"
cp /bin/busybox "$TREE/bin/busybox"
# Applet links made here, so the guest does not spend boot time on --install.
while IFS= read -r applet; do
	[[ $applet == bin/busybox || -e $TREE/$applet ]] && continue
	ln -s /bin/busybox "$TREE/$applet"
done < <(/bin/busybox --list-full)
install -m 0755 "$INIT" "$TREE/init"
# The guest end of the vsock tests (busybox has no AF_VSOCK tool); static, as busybox is.
gcc -static -O2 -Wall -o "$TREE/bin/pmx-vsock" "$VSOCK_TOOL" || die "cannot build pmx-vsock"
# The exec agent of dev.panamax.junit.Guest, started by init when the command line has pmx_agent=PORT.
gcc -static -O2 -Wall -o "$TREE/bin/pmx-agent" "$AGENT" || die "cannot build pmx-agent"
# HostileGuestIT's attacker: random virtio-mmio registers, rings and ports for a given time.
gcc -static -O2 -Wall -o "$TREE/bin/pmx-hostile" "$HOSTILE" || die "cannot build pmx-hostile"
ln -sf /init "$TREE/sbin/init"

# Initramfs: gen_init_cpio (built with the kernel) makes /dev/console without mknod.
LIST=$STAGE/initramfs.list
{
	echo "nod /dev/console 0600 0 0 c 5 1"
	(cd "$TREE" && find . -mindepth 1 | LC_ALL=C sort) | while IFS= read -r p; do
		p=${p#.}
		if [[ -L $TREE$p ]]; then
			echo "slink $p $(readlink "$TREE$p") 0777 0 0"
		elif [[ -d $TREE$p ]]; then
			echo "dir $p $(stat -c %a "$TREE$p") 0 0"
		else
			echo "file $p $TREE$p $(stat -c %a "$TREE$p") 0 0"
		fi
	done
} >"$LIST"
"$KSRC/usr/gen_init_cpio" -t 0 "$LIST" | gzip -9n >"$OUT/initramfs.cpio.gz.tmp" \
	|| die "cannot build the initramfs"
mv "$OUT/initramfs.cpio.gz.tmp" "$OUT/initramfs.cpio.gz"

# ext4 root: mkfs.ext4 -d copies the tree, no loop mount or root needed.
echo "hello from ext4" >"$TREE/hello.txt"
rm -f "$OUT/rootfs.ext4.tmp"
mkfs.ext4 -q -F -L panamax -E root_owner=0:0 -d "$TREE" "$OUT/rootfs.ext4.tmp" 16M >/dev/null \
	|| die "mkfs.ext4 failed"
mv "$OUT/rootfs.ext4.tmp" "$OUT/rootfs.ext4"

echo "$KEY" >"$STAMP"
echo "build-guest: built in $OUT (key ${KEY:0:12}): ${OUTPUTS[*]}"
