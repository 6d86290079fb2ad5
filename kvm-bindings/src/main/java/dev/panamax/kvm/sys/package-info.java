/**
 * Raw FFM bindings, jextract-style: one class per C struct of {@code <linux/kvm.h>} /
 * {@code <asm/kvm.h>} with its layout and accessors, the header's macros in {@code kvm_h},
 * and the libc calls in {@link dev.panamax.kvm.sys.Libc} with errno capture. AbiTest proves
 * the layouts and ioctl numbers against the installed headers; scripts/jextract-bindings.sh
 * regenerates them where jextract exists.
 */
package dev.panamax.kvm.sys;
