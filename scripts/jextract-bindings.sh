#!/usr/bin/env bash
# Regenerates the raw bindings in kvm-bindings/src/main/java/dev/panamax/kvm/sys with jextract
# (https://jdk.java.net/jextract/), where it is installed. The committed sources follow
# jextract's shape (one class per struct, layouts and accessors) but were written to be read;
# after regenerating, compare and keep AbiTest green: it checks every layout against the headers.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
root=$(repo_root)
command -v jextract >/dev/null || die "jextract is not on PATH"
out=${1:-"$root/build/jextract"}
header="$out/panamax.h"
mkdir -p "$out"
cat > "$header" <<'H'
#include <linux/kvm.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <fcntl.h>
#include <unistd.h>
#include <termios.h>
#include <sys/prctl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
H
structs=(kvm_run kvm_regs kvm_sregs kvm_segment kvm_dtable kvm_fpu kvm_msrs kvm_msr_entry kvm_cpuid2
  kvm_cpuid_entry2 kvm_userspace_memory_region kvm_irqfd kvm_ioeventfd kvm_irq_level kvm_pit_config
  kvm_lapic_state kvm_mp_state kvm_vcpu_events kvm_dirty_log kvm_clock_data epoll_event
  sock_filter sock_fprog seccomp_data termios
  kvm_xsave kvm_xcrs kvm_xcr kvm_debugregs kvm_irqchip kvm_pit_state2 kvm_pit_channel_state kvm_msr_list)
functions=(open close ioctl mmap munmap madvise eventfd read write pread pwrite epoll_create1 epoll_ctl epoll_wait strerror prctl syscall tcgetattr tcsetattr cfmakeraw)
args=(--output "$out/src" --target-package dev.panamax.kvm.sys --header-class-name kvm_h)
for s in "${structs[@]}"; do args+=(--include-struct "$s"); done
for f in "${functions[@]}"; do args+=(--include-function "$f"); done
for m in KVM_API_VERSION KVMIO KVM_EXIT_IO KVM_EXIT_MMIO KVM_EXIT_HLT KVM_EXIT_SHUTDOWN KVM_EXIT_FAIL_ENTRY \
  KVM_EXIT_INTERNAL_ERROR KVM_EXIT_SYSTEM_EVENT KVM_EXIT_INTR KVM_MEM_LOG_DIRTY_PAGES KVM_IRQFD_FLAG_DEASSIGN \
  KVM_IOEVENTFD_FLAG_DATAMATCH KVM_IOEVENTFD_FLAG_PIO KVM_IOEVENTFD_FLAG_DEASSIGN KVM_PIT_SPEAKER_DUMMY KVM_CAP_TSC_DEADLINE_TIMER; do
  args+=(--include-macro "$m")
done
jextract "${args[@]}" "$header"
echo "generated into $out/src; ioctl request macros are function-like and are computed in kvm_h.java"
