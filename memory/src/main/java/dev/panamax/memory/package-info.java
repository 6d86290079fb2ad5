/**
 * Guest RAM, in the manner of rust-vmm's vm-memory: {@link dev.panamax.memory.GuestMemory} maps
 * host memory for each region and is the one gate for every guest-physical access, bounds-checked
 * so a hostile guest address can never make the VMM touch host memory outside guest RAM.
 *
 * <p>It knows nothing of KVM and depends on nothing but the JDK (its own mmap/munmap binding):
 * it describes its regions ({@link dev.panamax.memory.GuestRegion}: guest-physical address, size,
 * host address as a number) and whoever builds the VM registers them as memory slots.
 *
 * <p>For snapshots: {@link dev.panamax.memory.MemoryImage} is a memory file or in-process copy
 * that guests map copy-on-write; with dirty-page tracking, guest memory records the pages the
 * VMM writes (KVM's dirty log has the guest's) and writes just those as a sparse diff, which
 * {@link dev.panamax.memory.MemoryDiff} applies over its base.
 */
package dev.panamax.memory;
