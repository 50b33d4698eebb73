/*
 * The recipient load generator of the relay benchmark (tests/bench/relay_load.py builds and
 * runs it; the plan and result formats are described there).
 *
 * Each simulated recipient does what the web page does: link info, verify with `auth`
 * (whose answer carries the thread), then the 1 MB message blob, over HTTP/1.1 on a
 * connection of its own. Every answer is checked: status 200, the thread naming the blob,
 * and the blob byte for byte against the payload. Anything else is an error.
 *
 * It is C on one epoll loop because it shares the machine's two cores with the relay it
 * measures: the same generator in Python (asyncio and uvloop) used 0.8-1.2 ms of CPU per
 * recipient, a third of what the relay itself needs, and every CPU second it spends is one
 * the relay lacks. Here a blob is received straight into its client's buffer (the kernel's
 * one copy) and compared with one memcmp.
 *
 * Usage: relay_load PLAN PAYLOAD > RESULT (Linux; the benchmarks run there).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define HEAD_LIMIT (64 * 1024) /* longest answer head accepted */
#define SMALL_LIMIT (1024 * 1024) /* longest answer other than the blob */
#define ID_LEN 32
#define MAX_ERROR_SAMPLES 5

enum step { INFO, VERIFY, BLOB, STEPS };
static const char *STEP_NAMES[STEPS] = {"info", "verify", "blob"};

enum state { IDLE, CONNECTING, SENDING, RECEIVING };

struct recipient {
    char message_id[ID_LEN + 1];
    char recipient_id[ID_LEN + 1];
    char auth[256];
    char blob_id[ID_LEN + 1];
};

struct series {
    double *values;
    size_t len, cap;
};

struct client {
    int fd;
    enum state state;
    enum step step;
    const struct recipient *recipient;
    char request[2048];
    size_t request_len, request_sent;
    char head[HEAD_LIMIT];
    size_t head_len;
    int status;
    long length; /* Content-Length of the answer; -1 until the head is complete */
    size_t received;
    int into_blob;
    char *small;
    unsigned char *blob;
    char cookie[512];
    double flow_began, step_began, verify_began;
};

static struct {
    int burst;    /* every recipient connects first, then all start in the same moment */
    int together; /* "open": the burst's pages load first, then every code is sent at once */
    struct client *all;
    int count, loaded;
    double released, released_cpu;
    int clients;
    double seconds;
    struct sockaddr_in address;
    struct recipient *recipients;
    size_t recipient_count, next_recipient;
    unsigned char *payload;
    size_t payload_size;
    int epoll_fd;
    double deadline;
    int running; /* clients with a flow in progress */
    struct series flows, opens, requests[STEPS];
    long errors;
    char error_samples[MAX_ERROR_SAMPLES][256];
} run;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_seconds(void) {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return (double)(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           (double)(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

static void die(const char *what) {
    fprintf(stderr, "relay_load: %s: %s\n", what, strerror(errno));
    exit(2);
}

static void append(struct series *s, double value) {
    if (s->len == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 4096;
        s->values = realloc(s->values, s->cap * sizeof(double));
        if (s->values == NULL) die("realloc");
    }
    s->values[s->len++] = value;
}

/* --- input ------------------------------------------------------------------------- */

static void read_plan(const char *path) {
    FILE *fh = fopen(path, "r");
    if (fh == NULL) die(path);
    char mode[16], host[64];
    int port;
    if (fscanf(fh, "%15s %d %lf %63s %d", mode, &run.clients, &run.seconds, host, &port) != 5) {
        fprintf(stderr, "relay_load: the plan's first line is not: MODE CLIENTS SECONDS HOST PORT\n");
        exit(2);
    }
    run.together = strcmp(mode, "open") == 0;
    run.burst = run.together || strcmp(mode, "burst") == 0;
    if (!run.burst && strcmp(mode, "closed") != 0) {
        fprintf(stderr, "relay_load: unknown mode %s\n", mode);
        exit(2);
    }
    memset(&run.address, 0, sizeof run.address);
    run.address.sin_family = AF_INET;
    run.address.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &run.address.sin_addr) != 1) {
        fprintf(stderr, "relay_load: not an IPv4 address: %s\n", host);
        exit(2);
    }
    size_t cap = 1024;
    run.recipients = malloc(cap * sizeof(struct recipient));
    struct recipient r;
    while (fscanf(fh, "%32s %32s %255s %32s", r.message_id, r.recipient_id, r.auth, r.blob_id) ==
           4) {
        if (run.recipient_count == cap) {
            cap *= 2;
            run.recipients = realloc(run.recipients, cap * sizeof(struct recipient));
        }
        if (run.recipients == NULL) die("realloc");
        run.recipients[run.recipient_count++] = r;
    }
    fclose(fh);
    if (run.recipient_count == 0 || run.clients <= 0) {
        fprintf(stderr, "relay_load: the plan has no recipients or no clients\n");
        exit(2);
    }
}

static void read_payload(const char *path) {
    int fd = open(path, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) die(path);
    run.payload_size = (size_t)st.st_size;
    run.payload = malloc(run.payload_size);
    size_t got = 0;
    while (got < run.payload_size) {
        ssize_t n = read(fd, run.payload + got, run.payload_size - got);
        if (n <= 0) die(path);
        got += (size_t)n;
    }
    close(fd);
}

/* --- one flow ----------------------------------------------------------------------- */

static void finish_flow(struct client *c, int ok);
static void release_when_loaded(void);

static void fail(struct client *c, const char *format, ...) {
    if (run.errors < MAX_ERROR_SAMPLES) {
        va_list args;
        va_start(args, format);
        vsnprintf(run.error_samples[run.errors], sizeof run.error_samples[0], format, args);
        va_end(args);
    }
    run.errors++;
    finish_flow(c, 0);
}

static void watch(struct client *c, uint32_t events, int op) {
    struct epoll_event ev = {.events = events, .data.ptr = c};
    if (epoll_ctl(run.epoll_fd, op, c->fd, &ev) != 0) die("epoll_ctl");
}

static void build_request(struct client *c) {
    const struct recipient *r = c->recipient;
    int n;
    switch (c->step) {
    case INFO:
        n = snprintf(c->request, sizeof c->request,
                     "GET /api/v1/r/%s/%s HTTP/1.1\r\nHost: relay\r\n"
                     "User-Agent: zivverdesk-bench\r\n\r\n",
                     r->message_id, r->recipient_id);
        break;
    case VERIFY: {
        char body[300];
        int body_len = snprintf(body, sizeof body, "{\"auth\": \"%s\"}", r->auth);
        n = snprintf(c->request, sizeof c->request,
                     "POST /api/v1/r/%s/%s/verify HTTP/1.1\r\nHost: relay\r\n"
                     "User-Agent: zivverdesk-bench\r\nContent-Type: application/json\r\n"
                     "Content-Length: %d\r\n\r\n%s",
                     r->message_id, r->recipient_id, body_len, body);
        break;
    }
    default:
        n = snprintf(c->request, sizeof c->request,
                     "GET /api/v1/r/%s/%s/blobs/%s HTTP/1.1\r\nHost: relay\r\n"
                     "User-Agent: zivverdesk-bench\r\nCookie: %s\r\n\r\n",
                     r->message_id, r->recipient_id, r->blob_id, c->cookie);
    }
    c->request_len = (size_t)n;
    c->request_sent = 0;
    c->head_len = 0;
    c->length = -1;
    c->received = 0;
    c->into_blob = 0;
}

static void send_request(struct client *c) {
    while (c->request_sent < c->request_len) {
        ssize_t n = send(c->fd, c->request + c->request_sent, c->request_len - c->request_sent,
                         MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                if (c->state != SENDING) watch(c, EPOLLOUT, EPOLL_CTL_MOD);
                c->state = SENDING;
                return;
            }
            fail(c, "OSError: %s %s", STEP_NAMES[c->step], strerror(errno));
            return;
        }
        c->request_sent += (size_t)n;
    }
    if (c->state == SENDING || c->state == CONNECTING) watch(c, EPOLLIN, EPOLL_CTL_MOD);
    c->state = RECEIVING;
}

static void start_step(struct client *c, enum step step) {
    c->step = step;
    c->step_began = now();
    if (step == VERIFY) c->verify_began = c->step_began;
    build_request(c);
    send_request(c);
}

static void start_flow(struct client *c, int fd, int connecting) {
    c->fd = fd;
    c->recipient = &run.recipients[run.next_recipient++ % run.recipient_count];
    c->cookie[0] = '\0';
    c->flow_began = now();
    run.running++;
    if (connecting) {
        /* The connect counts toward the first request, as it does for a browser. */
        c->state = CONNECTING;
        c->step = INFO;
        watch(c, EPOLLOUT, EPOLL_CTL_ADD);
        return;
    }
    c->state = IDLE;
    watch(c, EPOLLIN, EPOLL_CTL_ADD);
    start_step(c, INFO);
    c->step_began = c->flow_began;
}

static int open_socket(int nonblocking) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0), 0);
    if (fd < 0) die("socket");
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

static void begin_closed_flow(struct client *c) {
    int fd = open_socket(1);
    if (connect(fd, (struct sockaddr *)&run.address, sizeof run.address) != 0 &&
        errno != EINPROGRESS)
        die("connect");
    start_flow(c, fd, 1);
}

static void connected(struct client *c) {
    int error = 0;
    socklen_t len = sizeof error;
    getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &error, &len);
    if (error != 0) {
        fail(c, "OSError: connect: %s", strerror(error));
        return;
    }
    double began = c->flow_began;
    start_step(c, INFO);
    c->step_began = began;
}

static void finish_flow(struct client *c, int ok) {
    double ended = now();
    if (ok) append(&run.flows, ended - c->flow_began);
    epoll_ctl(run.epoll_fd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    c->fd = -1;
    c->state = IDLE;
    run.running--;
    if (!run.burst && ended < run.deadline) begin_closed_flow(c);
    if (run.together && run.released == 0) release_when_loaded();
}

static int contains(const char *haystack, size_t len, const char *needle) {
    return memmem(haystack, len, needle, strlen(needle)) != NULL;
}

static void answered(struct client *c) {
    append(&run.requests[c->step], now() - c->step_began);
    const char *body = c->into_blob ? (const char *)c->blob : c->small;
    if (c->status != 200) {
        fail(c, "FlowError: %s: %d %.120s", STEP_NAMES[c->step], c->status,
             c->into_blob ? "" : body);
        return;
    }
    if (c->step == VERIFY) {
        char quoted[ID_LEN + 3];
        snprintf(quoted, sizeof quoted, "\"%s\"", c->recipient->blob_id);
        if (!contains(body, c->received, quoted)) {
            fail(c, "FlowError: verify: the answer's thread does not list the message's blob");
            return;
        }
        if (c->cookie[0] == '\0') {
            fail(c, "FlowError: verify: no session cookie");
            return;
        }
        start_step(c, BLOB);
    } else if (c->step == BLOB) {
        if (!c->into_blob || memcmp(c->blob, run.payload, run.payload_size) != 0) {
            fail(c, "FlowError: blob: %zu bytes that differ from the message", c->received);
            return;
        }
        /* What the recipient waits for after entering the code: verify, then the blob. */
        append(&run.opens, now() - c->verify_began);
        finish_flow(c, 1);
    } else if (run.together) {
        /* The page is shown; the code is sent when every other page is shown too. */
        c->state = IDLE;
        run.loaded++;
        release_when_loaded();
    } else {
        start_step(c, VERIFY);
    }
}

/* "open": once every recipient still running has its page, all send their code at once. */
static void release_when_loaded(void) {
    if (run.loaded < run.running || run.running == 0) return;
    run.released = now();
    run.released_cpu = cpu_seconds();
    for (int i = 0; i < run.count; i++)
        if (run.all[i].fd >= 0 && run.all[i].state == IDLE) start_step(&run.all[i], VERIFY);
}

/* The head is complete at `end` (the blank line's first byte): status, length, cookie. */
static int parse_head(struct client *c, size_t end) {
    c->head[end] = '\0';
    if (sscanf(c->head, "HTTP/1.%*d %d", &c->status) != 1) {
        fail(c, "FlowError: not an HTTP answer: %.80s", c->head);
        return 0;
    }
    char *line = strstr(c->head, "\r\n");
    while (line != NULL) {
        line += 2;
        char *next = strstr(line, "\r\n");
        if (strncasecmp(line, "content-length:", 15) == 0) {
            c->length = strtol(line + 15, NULL, 10);
        } else if (strncasecmp(line, "set-cookie:", 11) == 0) {
            const char *value = line + 11;
            while (*value == ' ') value++;
            if (strncmp(value, "zv_session=", 11) == 0) {
                size_t n = strcspn(value, ";\r");
                if (n >= sizeof c->cookie) n = sizeof c->cookie - 1;
                memcpy(c->cookie, value, n);
                c->cookie[n] = '\0';
            }
        }
        line = next;
    }
    if (c->length < 0) {
        fail(c, "FlowError: answer without Content-Length");
        return 0;
    }
    if (c->length > SMALL_LIMIT && (size_t)c->length != run.payload_size) {
        fail(c, "FlowError: an answer of %ld bytes", c->length);
        return 0;
    }
    return 1;
}

static void receive(struct client *c) {
    for (;;) {
        if (c->length < 0) {
            ssize_t n = recv(c->fd, c->head + c->head_len, HEAD_LIMIT - 1 - c->head_len, 0);
            if (n == 0) goto closed;
            if (n < 0) goto error;
            c->head_len += (size_t)n;
            char *end = memmem(c->head, c->head_len, "\r\n\r\n", 4);
            if (end == NULL) {
                if (c->head_len >= HEAD_LIMIT - 1) {
                    fail(c, "FlowError: answer head too long");
                    return;
                }
                continue;
            }
            size_t head_end = (size_t)(end - c->head);
            size_t rest = c->head_len - head_end - 4;
            if (!parse_head(c, head_end)) return;
            if (rest > (size_t)c->length) {
                fail(c, "FlowError: %zu bytes past Content-Length", rest - (size_t)c->length);
                return;
            }
            c->into_blob = c->length > 0 && (size_t)c->length == run.payload_size;
            memcpy(c->into_blob ? (char *)c->blob : c->small, end + 4, rest);
            c->received = rest;
        } else {
            char *into = c->into_blob ? (char *)c->blob : c->small;
            ssize_t n = recv(c->fd, into + c->received, (size_t)c->length - c->received, 0);
            if (n == 0) goto closed;
            if (n < 0) goto error;
            c->received += (size_t)n;
        }
        if (c->received == (size_t)c->length) {
            if (!c->into_blob) c->small[c->received] = '\0';
            answered(c);
            return;
        }
    }
closed:
    fail(c, "ConnectionResetError: the relay closed the connection during %s",
         STEP_NAMES[c->step]);
    return;
error:
    if (errno == EAGAIN || errno == EWOULDBLOCK) return;
    fail(c, "OSError: %s %s", STEP_NAMES[c->step], strerror(errno));
}

static void on_event(struct client *c, uint32_t events) {
    if (c->state == CONNECTING) {
        connected(c);
    } else if (c->state == SENDING) {
        send_request(c);
    } else if (c->state == RECEIVING && (events & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
        receive(c);
    }
}

/* --- output -------------------------------------------------------------------------- */

static void print_series(const char *name, const struct series *s) {
    for (size_t i = 0; i < s->len; i++) printf("%s %.9f\n", name, s->values[i]);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: relay_load PLAN PAYLOAD\n");
        return 2;
    }
    read_plan(argv[1]);
    read_payload(argv[2]);
    run.epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    if (run.epoll_fd < 0) die("epoll_create1");
    int count = run.burst && (size_t)run.clients > run.recipient_count
                    ? (int)run.recipient_count
                    : run.clients;
    struct client *clients = calloc((size_t)count, sizeof(struct client));
    if (clients == NULL) die("calloc");
    run.all = clients;
    run.count = count;
    for (int i = 0; i < count; i++) {
        clients[i].fd = -1;
        clients[i].small = malloc(SMALL_LIMIT + 1);
        /* A client's blob buffer is reused for each of its flows. Its pages are touched
         * now, before the clock starts, as a browser's memory would be: otherwise the
         * burst's first blobs pay a page fault per 4 KiB received. */
        clients[i].blob = malloc(run.payload_size ? run.payload_size : 1);
        if (clients[i].small == NULL || clients[i].blob == NULL) die("malloc");
        memset(clients[i].blob, 0, run.payload_size);
        memset(clients[i].small, 0, 64 * 1024);
        memset(clients[i].head, 0, sizeof clients[i].head);
    }
    int fds[count];
    if (run.burst) {
        /* Every recipient connects first; then all start in the same moment. */
        for (int i = 0; i < count; i++) {
            fds[i] = open_socket(0);
            if (connect(fds[i], (struct sockaddr *)&run.address, sizeof run.address) != 0)
                die("connect");
            fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
        }
        usleep(200 * 1000); /* the relay has accepted them all */
    }
    double began = now(), cpu = cpu_seconds();
    run.deadline = began + run.seconds;
    double guard = began + (run.burst ? 300.0 : run.seconds + 120.0);
    for (int i = 0; i < count; i++) {
        if (run.burst)
            start_flow(&clients[i], fds[i], 0);
        else
            begin_closed_flow(&clients[i]);
    }
    struct epoll_event events[256];
    while (run.running > 0) {
        int n = epoll_wait(run.epoll_fd, events, 256, 100);
        if (n < 0 && errno != EINTR) die("epoll_wait");
        for (int i = 0; i < n; i++) on_event(events[i].data.ptr, events[i].events);
        if (now() > guard) {
            for (int i = 0; i < count; i++)
                if (clients[i].fd >= 0) fail(&clients[i], "TimeoutError: no answer in time");
            break;
        }
    }
    /* In "open" the round is the codes' burst: from the moment they are all sent. */
    if (run.together && run.released > 0) {
        began = run.released;
        cpu = run.released_cpu;
    }
    double elapsed = now() - began;
    cpu = cpu_seconds() - cpu;
    print_series("flow", &run.flows);
    print_series("open", &run.opens);
    for (int s = 0; s < STEPS; s++) print_series(STEP_NAMES[s], &run.requests[s]);
    for (long i = 0; i < run.errors && i < MAX_ERROR_SAMPLES; i++)
        printf("sample %s\n", run.error_samples[i]);
    printf("errors %ld\nelapsed %.6f\ncpu %.6f\n", run.errors, elapsed, cpu);
    return 0;
}
