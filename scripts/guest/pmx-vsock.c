/*
 * pmx-vsock: a tiny AF_VSOCK tool for the Panamax test guest (busybox has none).
 *
 *   pmx-vsock listen PORT [-e CMD...]  accept forever, one child per connection: echo every
 *                                      byte back until EOF, or run CMD with the socket as
 *                                      stdin and stdout
 *   pmx-vsock connect CID PORT         copy stdin to the socket and the socket to stdout until
 *                                      both end; stdin's EOF half-closes (shutdown SHUT_WR)
 *
 * Exit status: 0 on success, 1 when the connection fails (no listener: ECONNRESET), 2 for usage.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/vm_sockets.h>

static int usage(void) {
	fprintf(stderr, "usage: pmx-vsock listen PORT [-e CMD [ARG...]] | pmx-vsock connect CID PORT\n");
	return 2;
}

static int parse_u32(const char *s, unsigned *out) {
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *s == '\0' || *end != '\0' || v > 0xffffffffUL)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* Writes all of buf; -1 on error. */
static int write_all(int fd, const char *buf, ssize_t n) {
	while (n > 0) {
		ssize_t w = write(fd, buf, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += w;
		n -= w;
	}
	return 0;
}

static void echo(int s) {
	static char buf[65536];
	for (;;) {
		ssize_t n = read(s, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || write_all(s, buf, n) < 0)
			break;
	}
}

static int do_listen(unsigned port, char **cmd) {
	int l = socket(AF_VSOCK, SOCK_STREAM, 0);
	if (l < 0) {
		perror("pmx-vsock: socket");
		return 1;
	}
	struct sockaddr_vm a = {.svm_family = AF_VSOCK, .svm_cid = VMADDR_CID_ANY, .svm_port = port};
	if (bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 128) < 0) {
		perror("pmx-vsock: bind/listen");
		return 1;
	}
	signal(SIGCHLD, SIG_IGN); /* children reaped by the kernel */
	for (;;) {
		int s = accept(l, NULL, NULL);
		if (s < 0) {
			if (errno == EINTR)
				continue;
			perror("pmx-vsock: accept");
			return 1;
		}
		pid_t pid = fork();
		if (pid == 0) {
			close(l);
			if (cmd) {
				dup2(s, 0);
				dup2(s, 1);
				close(s);
				execvp(cmd[0], cmd);
				perror("pmx-vsock: exec");
				_exit(127);
			}
			echo(s);
			_exit(0);
		}
		close(s);
	}
}

static int do_connect(unsigned cid, unsigned port) {
	int s = socket(AF_VSOCK, SOCK_STREAM, 0);
	if (s < 0) {
		perror("pmx-vsock: socket");
		return 1;
	}
	struct sockaddr_vm a = {.svm_family = AF_VSOCK, .svm_cid = cid, .svm_port = port};
	if (connect(s, (struct sockaddr *)&a, sizeof a) < 0) {
		perror("pmx-vsock: connect");
		return 1;
	}
	static char buf[65536];
	int in_open = 1, sock_open = 1;
	while (sock_open) {
		struct pollfd p[2] = {{.fd = s, .events = POLLIN}, {.fd = in_open ? 0 : -1, .events = POLLIN}};
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("pmx-vsock: poll");
			return 1;
		}
		if (p[0].revents) {
			ssize_t n = read(s, buf, sizeof buf);
			if (n < 0 && errno != EINTR) {
				perror("pmx-vsock: read");
				return 1;
			}
			if (n == 0)
				sock_open = 0;
			else if (n > 0 && write_all(1, buf, n) < 0)
				return 1;
		}
		if (in_open && p[1].revents) {
			ssize_t n = read(0, buf, sizeof buf);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				in_open = 0;
				shutdown(s, SHUT_WR);
			} else if (write_all(s, buf, n) < 0) {
				perror("pmx-vsock: write");
				return 1;
			}
		}
	}
	return 0;
}

int main(int argc, char **argv) {
	unsigned cid, port;
	if (argc >= 3 && strcmp(argv[1], "listen") == 0 && parse_u32(argv[2], &port) == 0) {
		if (argc == 3)
			return do_listen(port, NULL);
		if (argc >= 5 && strcmp(argv[3], "-e") == 0)
			return do_listen(port, argv + 4);
		return usage();
	}
	if (argc == 4 && strcmp(argv[1], "connect") == 0 && parse_u32(argv[2], &cid) == 0
			&& parse_u32(argv[3], &port) == 0)
		return do_connect(cid, port);
	return usage();
}
