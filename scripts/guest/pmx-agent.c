/*
 * pmx-agent: the test guest's end of Panamax's exec channel (dev.panamax.junit.Guest).
 *
 *   pmx-agent PORT    listen on AF_VSOCK PORT; print "PMX-AGENT-READY port=PORT" once listening;
 *                     fork one handler per connection (concurrent connections = concurrent execs)
 *   pmx-agent /PATH   the same on a Unix socket: the host-side tests of the protocol run the
 *                     real agent this way, without a VM
 *
 * The protocol (Java side: dev.panamax.junit.AgentProtocol, the one place it is specified):
 * every message is a frame
 *
 *     u8 type | u32 length (big-endian) | length bytes of payload      (length <= MAX_PAYLOAD)
 *
 * strings inside payloads are u32 length + bytes (UTF-8, no NUL). A connection carries ONE
 * request from the host, then the agent's replies, then the agent closes it.
 *
 *   EXEC     (1)  u32 argc, argc strings, u32 envc, envc "KEY=VALUE" strings, string cwd
 *                 ("" = /), u32 stdin length + stdin bytes (closed after them)
 *                 -> STDOUT/STDERR frames as the command writes, then EXIT
 *   PUT_FILE (2)  string path, u32 mode, the file's bytes (the rest of the payload) -> OK
 *   GET_FILE (3)  string path -> FILE(the bytes)
 *
 *   STDOUT (16) bytes, STDERR (17) bytes, EXIT (18) i32 status (exit code, or 128+signal),
 *   OK (19) empty, FILE (20) bytes, ERROR (21) UTF-8 message: the request failed (bad frame,
 *   no such file, exec setup failed); the connection ends after it.
 *
 * The command runs in a session of its own with the agent's environment plus the request's.
 * When the host closes the connection before EXIT (its timeout), the agent kills the
 * command's process group. An exec that cannot find its program exits 127 with the reason
 * on its stderr, as a shell does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/vm_sockets.h>

enum {
	EXEC = 1, PUT_FILE = 2, GET_FILE = 3,
	STDOUT_FRAME = 16, STDERR_FRAME = 17, EXIT_FRAME = 18, OK_FRAME = 19, FILE_FRAME = 20, ERROR_FRAME = 21,
};
/* AgentProtocol.MAX_PAYLOAD: bounds what one frame can make either side allocate. */
#define MAX_PAYLOAD (16u << 20)

static int write_all(int fd, const void *p, size_t n) {
	const char *b = p;
	while (n > 0) {
		ssize_t w = write(fd, b, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

static int read_all(int fd, void *p, size_t n) {
	char *b = p;
	while (n > 0) {
		ssize_t r = read(fd, b, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		b += r;
		n -= (size_t)r;
	}
	return 0;
}

static void put_u32(unsigned char *b, uint32_t v) {
	b[0] = v >> 24; b[1] = v >> 16; b[2] = v >> 8; b[3] = v;
}

static uint32_t get_u32(const unsigned char *b) {
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static int send_frame(int s, int type, const void *payload, size_t n) {
	unsigned char h[5];
	h[0] = (unsigned char)type;
	put_u32(h + 1, (uint32_t)n);
	return write_all(s, h, 5) < 0 || write_all(s, payload, n) < 0 ? -1 : 0;
}

static int send_error(int s, const char *what, const char *detail) {
	char msg[512];
	int n = snprintf(msg, sizeof msg, "%s: %s", what, detail);
	return send_frame(s, ERROR_FRAME, msg, n < 0 ? 0 : (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1);
}

/* A cursor over a request's payload; every take checks the bounds. */
struct cursor {
	unsigned char *p;
	size_t left;
};

static int take_u32(struct cursor *c, uint32_t *v) {
	if (c->left < 4)
		return -1;
	*v = get_u32(c->p);
	c->p += 4;
	c->left -= 4;
	return 0;
}

/* A string, NUL-terminated in a copy: terminating it in place would overwrite the next field. */
static char *dup_string(struct cursor *c) {
	uint32_t n;
	if (take_u32(c, &n) < 0 || n > c->left || memchr(c->p, 0, n))
		return NULL;
	char *s = strndup((char *)c->p, n);
	c->p += n;
	c->left -= n;
	return s;
}

static int set_nonblocking(int fd) {
	int fl = fcntl(fd, F_GETFL);
	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static int do_exec(int s, struct cursor *c) {
	uint32_t argc, envc, stdin_len;
	if (take_u32(c, &argc) < 0 || argc == 0 || argc > c->left / 4)
		return send_error(s, "exec", "bad argv");
	char **argv = calloc(argc + 1, sizeof *argv);
	for (uint32_t i = 0; i < argc; i++)
		if (!(argv[i] = dup_string(c)))
			return send_error(s, "exec", "bad argv string");
	if (take_u32(c, &envc) < 0 || envc > c->left / 4)
		return send_error(s, "exec", "bad env");
	char **env = calloc(envc + 1, sizeof *env);
	for (uint32_t i = 0; i < envc; i++)
		if (!(env[i] = dup_string(c)) || !strchr(env[i], '='))
			return send_error(s, "exec", "bad env entry (KEY=VALUE)");
	char *cwd = dup_string(c);
	if (!cwd || take_u32(c, &stdin_len) < 0 || stdin_len != c->left)
		return send_error(s, "exec", "bad cwd or stdin");
	const unsigned char *in = c->p;

	int out[2], err[2], inp[2];
	if (pipe(out) < 0 || pipe(err) < 0 || pipe(inp) < 0)
		return send_error(s, "exec: pipe", strerror(errno));
	pid_t pid = fork();
	if (pid < 0)
		return send_error(s, "exec: fork", strerror(errno));
	if (pid == 0) {
		setsid(); /* its own process group, killed as one when the host gives up */
		dup2(inp[0], 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		close(s);
		for (int fd = 3; fd < 64; fd++)
			close(fd);
		signal(SIGPIPE, SIG_DFL);
		for (uint32_t i = 0; i < envc; i++)
			putenv(env[i]);
		if (chdir(*cwd ? cwd : "/") < 0) {
			fprintf(stderr, "pmx-agent: chdir %s: %s\n", cwd, strerror(errno));
			_exit(127);
		}
		execvp(argv[0], argv);
		fprintf(stderr, "pmx-agent: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	close(inp[0]);
	set_nonblocking(inp[1]);
	size_t in_off = 0;
	if (stdin_len == 0) {
		close(inp[1]);
		inp[1] = -1;
	}

	static char buf[65536];
	int open_pipes = 2;
	while (open_pipes > 0) {
		struct pollfd p[4] = {
			{.fd = out[0], .events = POLLIN}, {.fd = err[0], .events = POLLIN},
			{.fd = s, .events = POLLIN}, {.fd = inp[1], .events = POLLOUT},
		};
		if (poll(p, 4, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[2].revents) { /* the host sends nothing after its request: this is its hang-up */
			kill(-pid, SIGKILL);
			break;
		}
		for (int i = 0; i < 2; i++) {
			if (!p[i].revents)
				continue;
			ssize_t n = read(p[i].fd, buf, sizeof buf);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				close(p[i].fd);
				*(i == 0 ? &out[0] : &err[0]) = -1;
				open_pipes--;
			} else if (send_frame(s, i == 0 ? STDOUT_FRAME : STDERR_FRAME, buf, (size_t)n) < 0) {
				kill(-pid, SIGKILL);
				open_pipes = 0;
			}
		}
		if (p[3].revents) {
			ssize_t w = write(inp[1], in + in_off, stdin_len - in_off);
			if (w > 0)
				in_off += (size_t)w;
			if ((w < 0 && errno != EAGAIN && errno != EINTR) || in_off == stdin_len) {
				close(inp[1]); /* EOF for the command, or it closed its stdin (EPIPE) */
				inp[1] = -1;
			}
		}
	}
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	unsigned char code[4];
	put_u32(code, WIFEXITED(status) ? (uint32_t)WEXITSTATUS(status) : 128u + (uint32_t)WTERMSIG(status));
	return send_frame(s, EXIT_FRAME, code, 4);
}

static int do_put_file(int s, struct cursor *c) {
	char *path = dup_string(c);
	uint32_t mode;
	if (!path || take_u32(c, &mode) < 0)
		return send_error(s, "put_file", "bad request");
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode & 07777);
	if (fd < 0)
		return send_error(s, path, strerror(errno));
	if (write_all(fd, c->p, c->left) < 0 || fchmod(fd, mode & 07777) < 0 || close(fd) < 0)
		return send_error(s, path, strerror(errno));
	return send_frame(s, OK_FRAME, "", 0);
}

static int do_get_file(int s, struct cursor *c) {
	char *path = dup_string(c);
	if (!path || c->left != 0)
		return send_error(s, "get_file", "bad request");
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0)
		return send_error(s, path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return send_error(s, path, "not a regular file");
	if ((uint64_t)st.st_size > MAX_PAYLOAD)
		return send_error(s, path, "larger than the protocol's 16 MiB frame limit");
	size_t n = (size_t)st.st_size;
	unsigned char *data = malloc(n ? n : 1);
	if (!data || read_all(fd, data, n) < 0)
		return send_error(s, path, "short read");
	return send_frame(s, FILE_FRAME, data, n);
}

static void handle(int s) {
	unsigned char h[5];
	if (read_all(s, h, 5) < 0)
		return;
	uint32_t len = get_u32(h + 1);
	if (len > MAX_PAYLOAD) {
		send_error(s, "request", "frame longer than 16 MiB");
		return;
	}
	unsigned char *payload = malloc(len ? len : 1);
	if (!payload || read_all(s, payload, len) < 0)
		return;
	struct cursor c = {payload, len};
	switch (h[0]) {
	case EXEC:
		do_exec(s, &c);
		break;
	case PUT_FILE:
		do_put_file(s, &c);
		break;
	case GET_FILE:
		do_get_file(s, &c);
		break;
	default:
		send_error(s, "request", "unknown frame type");
	}
}

/* Listens on AF_VSOCK PORT, or on the Unix socket PATH (the host-side tests of the protocol). */
static int listen_on(const char *where, char *name, size_t name_len) {
	if (where[0] == '/') {
		struct sockaddr_un u = {.sun_family = AF_UNIX};
		if (strlen(where) >= sizeof u.sun_path)
			return -1;
		strcpy(u.sun_path, where);
		int l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		snprintf(name, name_len, "path=%s", where);
		return l < 0 || bind(l, (struct sockaddr *)&u, sizeof u) < 0 || listen(l, 128) < 0 ? -1 : l;
	}
	char *end;
	unsigned long port = strtoul(where, &end, 10);
	if (*end || port == 0 || port > 0xffffffffUL)
		return -1;
	struct sockaddr_vm a = {.svm_family = AF_VSOCK, .svm_cid = VMADDR_CID_ANY, .svm_port = (unsigned)port};
	int l = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
	snprintf(name, name_len, "port=%lu", port);
	return l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 128) < 0 ? -1 : l;
}

int main(int argc, char **argv) {
	if (argc != 2) {
		fprintf(stderr, "usage: pmx-agent PORT|/UNIX/SOCKET/PATH\n");
		return 2;
	}
	char name[128];
	int l = listen_on(argv[1], name, sizeof name);
	if (l < 0) {
		perror("pmx-agent: listen");
		return 1;
	}
	signal(SIGCHLD, SIG_IGN); /* handlers reaped by the kernel */
	signal(SIGPIPE, SIG_IGN); /* a vanished host is a failed write, not a dead agent */
	printf("PMX-AGENT-READY %s\n", name);
	fflush(stdout);
	for (;;) {
		int s = accept4(l, NULL, NULL, SOCK_CLOEXEC);
		if (s < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			perror("pmx-agent: accept");
			return 1;
		}
		pid_t pid = fork();
		if (pid == 0) {
			close(l);
			signal(SIGCHLD, SIG_DFL); /* the handler waits for its command */
			handle(s);
			_exit(0);
		}
		close(s);
	}
}
