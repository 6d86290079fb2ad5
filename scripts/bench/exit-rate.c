/*
 * The floor for scripts/bench/exit-rate.sh: the smallest KVM user space there is. One VM, one
 * memslot, one vCPU put straight into 64-bit long mode exactly as the Java side's LongModeGuest
 * does (same GDT, same identity-mapped 2 MiB pages, same code address), running the same guest
 * code: ecx = N; loop: out 0x80, al; dec ecx; jnz loop; hlt. A KVM_RUN loop counts the
 * KVM_EXIT_IO exits until the HLT.
 *
 * Usage: exit-rate-c EXITS ROUNDS. One line per round:
 *   exit-rate c-kvm-run exits=N seconds=S
 * Exit status 1 with one line on stderr naming the failed call, or a wrong count.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define RAM (4u << 20)
#define CODE 0x1000
#define STACK_TOP 0x8000
#define GDT 0x500
#define PML4 0x9000
#define PDPT 0xa000
#define PD 0xb000
#define PORT 0x80

static void die(const char *what)
{
	fprintf(stderr, "exit-rate-c: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int xioctl(int fd, unsigned long request, void *arg, const char *name)
{
	int rc = ioctl(fd, request, arg);
	if (rc < 0)
		die(name);
	return rc;
}

static void segment(struct kvm_segment *s, uint16_t selector, uint8_t type, int code)
{
	memset(s, 0, sizeof(*s));
	s->base = 0;
	s->limit = 0xffffffff;
	s->selector = selector;
	s->type = type;
	s->present = 1;
	s->dpl = 0;
	s->db = code ? 0 : 1;
	s->s = 1;
	s->l = code ? 1 : 0;
	s->g = 1;
}

/* One VM with the guest at CODE; returns the vCPU fd and its mapped kvm_run. */
static int make_guest(int kvm, uint32_t exits, struct kvm_run **run_out)
{
	int vm = xioctl(kvm, KVM_CREATE_VM, 0, "KVM_CREATE_VM");
	uint8_t *ram = mmap(NULL, RAM, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (ram == MAP_FAILED)
		die("mmap(guest RAM)");
	struct kvm_userspace_memory_region region = {
		.slot = 0, .guest_phys_addr = 0, .memory_size = RAM, .userspace_addr = (uintptr_t)ram,
	};
	xioctl(vm, KVM_SET_USER_MEMORY_REGION, &region, "KVM_SET_USER_MEMORY_REGION");

	uint64_t gdt[] = { 0, 0x00af9b000000ffffULL, 0x00cf93000000ffffULL };
	memcpy(ram + GDT, gdt, sizeof(gdt));
	uint64_t *pml4 = (uint64_t *)(ram + PML4), *pdpt = (uint64_t *)(ram + PDPT);
	pml4[0] = PDPT | 0x7;
	for (uint64_t gib = 0; gib < 4; gib++) {
		uint64_t *pd = (uint64_t *)(ram + PD + 0x1000 * gib);
		pdpt[gib] = (PD + 0x1000 * gib) | 0x7;
		for (uint64_t i = 0; i < 512; i++)
			pd[i] = (gib << 30 | i << 21) | 0x87;
	}
	uint8_t code[] = {
		0xb9, exits & 0xff, exits >> 8 & 0xff, exits >> 16 & 0xff, exits >> 24, /* mov ecx, N */
		0x66, 0xba, PORT, 0x00, /* mov dx, PORT */
		0xb0, 0x5a, /* mov al, 0x5a */
		0xee, /* loop: out dx, al */
		0xff, 0xc9, /* dec ecx */
		0x75, 0xfb, /* jnz loop */
		0xf4, /* hlt */
	};
	memcpy(ram + CODE, code, sizeof(code));

	int vcpu = xioctl(vm, KVM_CREATE_VCPU, 0, "KVM_CREATE_VCPU");
	int size = xioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0, "KVM_GET_VCPU_MMAP_SIZE");
	struct kvm_run *run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		die("mmap(kvm_run)");

	struct kvm_sregs sregs;
	xioctl(vcpu, KVM_GET_SREGS, &sregs, "KVM_GET_SREGS");
	segment(&sregs.cs, 0x08, 11, 1);
	segment(&sregs.ds, 0x10, 3, 0);
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	sregs.gdt.base = GDT;
	sregs.gdt.limit = 5 * 8 - 1;
	sregs.cr3 = PML4;
	sregs.cr4 = 1 << 5; /* PAE */
	sregs.cr0 = 0x80000011; /* PG | ET | PE */
	sregs.efer = 0x500; /* LMA | LME */
	xioctl(vcpu, KVM_SET_SREGS, &sregs, "KVM_SET_SREGS");
	struct kvm_regs regs = { .rip = CODE, .rsp = STACK_TOP, .rflags = 0x2 };
	xioctl(vcpu, KVM_SET_REGS, &regs, "KVM_SET_REGS");
	*run_out = run;
	return vcpu;
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* Seconds for one guest from the first KVM_RUN to its HLT; checks the count. */
static double one_round(int kvm, uint32_t exits)
{
	struct kvm_run *run;
	int vcpu = make_guest(kvm, exits, &run);
	uint64_t n = 0;
	double t0 = now();
	for (;;) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			die("KVM_RUN");
		}
		if (run->exit_reason != KVM_EXIT_IO)
			break;
		uint8_t *data = (uint8_t *)run + run->io.data_offset;
		if (run->io.port != PORT || run->io.direction != KVM_EXIT_IO_OUT || *data != 0x5a) {
			fprintf(stderr, "exit-rate-c: unexpected port exit at 0x%x\n", run->io.port);
			exit(1);
		}
		n++;
	}
	double t1 = now();
	if (run->exit_reason != KVM_EXIT_HLT) {
		fprintf(stderr, "exit-rate-c: the guest ended with exit reason %u, not HLT\n", run->exit_reason);
		exit(1);
	}
	if (n != exits) {
		fprintf(stderr, "exit-rate-c: counted %llu port exits, the guest made %u\n", (unsigned long long)n, exits);
		exit(1);
	}
	/* the VM, its memory and the vCPU go with the process; a few rounds leak nothing that matters */
	return t1 - t0;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: exit-rate-c EXITS ROUNDS\n");
		return 2;
	}
	uint32_t exits = strtoul(argv[1], NULL, 10);
	int rounds = atoi(argv[2]);
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		die("open /dev/kvm");
	one_round(kvm, exits); /* warm-up, as the Java side's */
	for (int r = 0; r < rounds; r++)
		printf("exit-rate c-kvm-run exits=%u seconds=%.6f\n", exits, one_round(kvm, exits));
	return 0;
}
