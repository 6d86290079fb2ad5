/*
 * pmx-hostile: a hostile guest for HostileGuestIT, run as root in the test guest.
 *
 *   pmx-hostile SECONDS SEED WINDOWS [SPARE...]
 *
 * For SECONDS, from a PRNG seeded with SEED, it attacks the virtio-mmio devices in windows
 * 0..WINDOWS-1 (0xd0000000 + 4 KiB each) except the SPARE ones, through /dev/mem (the test
 * kernel has CONFIG_DEVMEM=y and no STRICT_DEVMEM):
 *   - random values to random registers and config space; half-plausible driver set-ups
 *     (status bits, features, queue sizes, ring addresses) followed by notifications;
 *   - ring addresses into four pages of its own that it keeps filling with random bytes
 *     (so the devices read random descriptors and rings), at random guest-physical
 *     addresses, or anywhere in the 64-bit space;
 *   - random writes and reads in the empty MMIO space below the virtio windows;
 *   - random values to random I/O ports (iopl(3)), sparing the serial console 0x3f8-0x3ff
 *     that the test reads and the chips KVM emulates in the kernel (PIC 0x20-0x21/0xa0-0xa1,
 *     PIT 0x40-0x43, ELCR 0x4d0-0x4d1) plus port 0x61 and fast reset 0x92: writes there only
 *     break the guest's own timer and interrupts (a triple fault within seconds), never reach
 *     the VMM, and would end the attack early.
 * It prints "HOSTILE-START" and, if the guest lives to the end, "HOSTILE-DONE mmio=N ports=N".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define VIRTIO_BASE 0xd0000000UL
#define WINDOW 0x1000UL
#define EMPTY_BASE 0xcff00000UL /* below the first window, above the boot timer: nothing there */
#define EMPTY_SIZE 0x10000UL
#define RING_PAGES 4
#define GUEST_RAM 0x8000000UL /* the test's 128 MiB */

static uint64_t state;

static uint64_t next(void) { /* xorshift64* */
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return state * 2685821657736338717ULL;
}

static uint32_t below(uint32_t n) { return (uint32_t)(next() % n); }

static void die(const char *what) {
	fprintf(stderr, "pmx-hostile: %s: %s\n", what, strerror(errno));
	exit(1);
}

static volatile uint32_t *map(int mem, unsigned long phys, unsigned long size) {
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, mem, (off_t)phys);
	if (p == MAP_FAILED) die("mmap /dev/mem");
	return p;
}

/* The guest-physical address of a locked page of ours, from /proc/self/pagemap. */
static uint64_t physical(void *page) {
	int fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0) die("open pagemap");
	uint64_t entry;
	off_t at = (off_t)((uintptr_t)page / 4096) * 8;
	if (pread(fd, &entry, 8, at) != 8) die("read pagemap");
	close(fd);
	return (entry & ((1ULL << 55) - 1)) * 4096;
}

static const uint32_t REGISTERS[] = {
	0x00, 0x04, 0x08, 0x0c, 0x10, 0x14, 0x20, 0x24, 0x30, 0x34, 0x38, 0x44, 0x50, 0x60, 0x64, 0x70,
	0x80, 0x84, 0x90, 0x94, 0xa0, 0xa4, 0xac, 0xb0, 0xb4, 0xb8, 0xbc, 0xc0, 0xfc, 0x100, 0x104, 0x108,
};

/* The console the test reads, and ports whose chips live in the host kernel (see above). */
static int spared_port(uint16_t port) {
	return (port >= 0x3f8 && port <= 0x3ff) || port == 0x20 || port == 0x21 || port == 0xa0 || port == 0xa1
		|| (port >= 0x40 && port <= 0x43) || port == 0x4d0 || port == 0x4d1 || port == 0x61 || port == 0x92;
}

int main(int argc, char **argv) {
	if (argc < 4) {
		fprintf(stderr, "usage: pmx-hostile SECONDS SEED WINDOWS [SPARE...]\n");
		return 2;
	}
	int seconds = atoi(argv[1]);
	state = strtoull(argv[2], NULL, 0) * 0x9E3779B97F4A7C15ULL + 1;
	int windows = atoi(argv[3]);
	int targets[32], ntargets = 0;
	for (int w = 0; w < windows && w < 32; w++) {
		int spare = 0;
		for (int i = 4; i < argc; i++) spare |= atoi(argv[i]) == w;
		if (!spare) targets[ntargets++] = w;
	}
	if (ntargets == 0) return 2;

	int mem = open("/dev/mem", O_RDWR | O_SYNC);
	if (mem < 0) die("open /dev/mem");
	volatile uint32_t *virtio = map(mem, VIRTIO_BASE, WINDOW * (unsigned long)windows);
	volatile uint32_t *empty = map(mem, EMPTY_BASE, EMPTY_SIZE);
	uint8_t *rings = mmap(NULL, RING_PAGES * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED,
			-1, 0);
	if (rings == MAP_FAILED) die("mmap rings");
	uint64_t ring_phys[RING_PAGES];
	for (int i = 0; i < RING_PAGES; i++) {
		rings[i * 4096] = 1; /* fault it in */
		ring_phys[i] = physical(rings + i * 4096);
	}
	int ports = iopl(3) == 0;

	printf("HOSTILE-START targets=%d ports=%s\n", ntargets, ports ? "yes" : "no");
	fflush(stdout);
	unsigned long mmio_writes = 0, port_writes = 0;
	time_t end = time(NULL) + seconds;
	while (time(NULL) < end) {
		for (int burst = 0; burst < 1000; burst++) {
			volatile uint32_t *regs = virtio + targets[below(ntargets)] * (WINDOW / 4);
			uint32_t action = below(100);
			if (action < 35) { /* a random value to a random register or config word */
				uint32_t off = below(4) == 0 ? below(WINDOW / 4) * 4 : REGISTERS[below(sizeof REGISTERS / 4)];
				regs[off / 4] = below(4) == 0 ? (uint32_t)next() : below(8) == 0 ? 1u << below(32) : below(16);
				mmio_writes++;
			} else if (action < 55) { /* a half-plausible set-up of a queue, then a kick */
				uint32_t queue = below(4);
				uint64_t addr[3];
				for (int i = 0; i < 3; i++) {
					uint32_t where = below(10);
					addr[i] = where < 7 ? ring_phys[below(RING_PAGES)] + below(4096)
						: where < 9 ? below(GUEST_RAM) : next();
				}
				regs[0x70 / 4] = 0;
				regs[0x70 / 4] = 1;
				regs[0x70 / 4] = 3;
				regs[0x24 / 4] = below(2);
				regs[0x20 / 4] = (uint32_t)next();
				regs[0x70 / 4] = below(2) ? 0xb : (uint32_t)next() & 0xff;
				regs[0x30 / 4] = queue;
				regs[0x38 / 4] = below(4) == 0 ? (uint32_t)next() : 1u << below(11);
				regs[0x80 / 4] = (uint32_t)addr[0];
				regs[0x84 / 4] = (uint32_t)(addr[0] >> 32);
				regs[0x90 / 4] = (uint32_t)addr[1];
				regs[0x94 / 4] = (uint32_t)(addr[1] >> 32);
				regs[0xa0 / 4] = (uint32_t)addr[2];
				regs[0xa4 / 4] = (uint32_t)(addr[2] >> 32);
				regs[0x44 / 4] = below(8) != 0;
				regs[0x70 / 4] = below(2) ? 0xf : (uint32_t)next() & 0xff;
				regs[0x50 / 4] = below(8) == 0 ? (uint32_t)next() : queue;
				mmio_writes += 17;
			} else if (action < 75) { /* new random rings under the devices' feet, then a kick */
				for (int i = 0; i < 64; i++) ((uint64_t *)rings)[below(RING_PAGES * 512)] = next();
				regs[0x50 / 4] = below(4);
				mmio_writes++;
			} else if (action < 85) { /* reads, and an interrupt acknowledgement */
				(void)regs[below(WINDOW / 4)];
				regs[0x64 / 4] = regs[0x60 / 4];
				mmio_writes++;
			} else if (action < 95) { /* the empty MMIO space */
				if (below(2)) empty[below(EMPTY_SIZE / 4)] = (uint32_t)next();
				else (void)empty[below(EMPTY_SIZE / 4)];
				mmio_writes++;
			} else if (ports) { /* a random port, sparing the console */
				uint16_t port = (uint16_t)next();
				if (spared_port(port)) continue;
				switch (below(4)) {
				case 0: outb((uint8_t)next(), port); break;
				case 1: outw((uint16_t)next(), port); break;
				case 2: outl((uint32_t)next(), port); break;
				default: (void)inb(port); break;
				}
				port_writes++;
			}
		}
	}
	printf("HOSTILE-DONE mmio=%lu ports=%lu\n", mmio_writes, port_writes);
	return 0;
}
