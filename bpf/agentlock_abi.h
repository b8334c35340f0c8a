/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The contract between agentlock's BPF object and its user side: map keys and
 * values, the event record, counters, and the path hash. Fixed-width types
 * only and no includes, so both clang -target bpf (with vmlinux.h) and the
 * host compiler (with <linux/types.h>) read it the same way.
 */
#ifndef AGENTLOCK_ABI_H
#define AGENTLOCK_ABI_H

#define AL_PATH_MAX 4096 /* bpf_d_path buffer; a longer path is refused */
#define AL_ENAMETOOLONG 36 /* errno of a path longer, deeper or less connected than we follow */
#define AL_COMM_LEN 16
#define AL_MAX_RULES 4096
/* Path components the dentry walk follows: as many as fit in AL_PATH_MAX
 * ("/a" is the shortest), so no legitimate path is refused for its depth.
 * A power of two: walk indexes are masked with it. */
#define AL_MAX_DEPTH (AL_PATH_MAX / 2)
/* Keys and keyrings members may have created and still hold. */
#define AL_MAX_MEMBER_KEYS 16384
#define AL_MAX_JAILED 65536
/* Forks by jailed processes fail (EAGAIN) beyond this many members, so the
 * jail map never fills and no child is ever left out of it. The margin covers
 * forks racing on other CPUs between the check and the insert. */
#define AL_JAIL_FORK_LIMIT (AL_MAX_JAILED - 1024)

/* Access bits: what a rule grants and what an operation needs. */
#define AL_ACC_READ 0x1
#define AL_ACC_WRITE 0x2
#define AL_ACC_EXEC 0x4
/* Run as a program (execve's file, or a "#!" interpreter): needed only in a
 * cell with a command allow-list (programs:), where a rule grants it to the
 * listed files alone. AL_ACC_EXEC without it lets the kernel load the file
 * for another (an ELF loader) but never lets a member run it itself. */
#define AL_ACC_RUN 0x8

/* What the jailed process tried to do, as reported. */
enum al_access {
	AL_ACCESS_READ = 0,
	AL_ACCESS_WRITE = 1,
	AL_ACCESS_CREATE = 2,
	AL_ACCESS_EXEC = 3,
};

/* Where the path fell. */
enum al_class {
	AL_CLASS_PROJECT = 0,	/* DIR itself or below it */
	AL_CLASS_SYSTEM = 1,	/* on the system allow-list */
	AL_CLASS_ESCAPE = 2,	/* outside: no rule grants it */
	AL_CLASS_UNRESOLVED = 3, /* bpf_d_path failed or did not fit: refused */
	AL_CLASS_GRANTED = 4,	 /* allowed by a user rule (--ro, --rw) */
	AL_CLASS_NETWORK = 5,	 /* a TCP destination the network rules allow */
	/* Inside the cell, but run later by other programs with the user's full
	 * rights (git hooks, .envrc, editor tasks): read-only by default. */
	AL_CLASS_PERSISTENCE = 6,
	AL_CLASS_MAX = AL_CLASS_PERSISTENCE,
};

/* The observer's records (bpf/observe.bpf.c): the user side decides the class. */
#define AL_CLASS_RAW 0xff

enum al_verdict {
	AL_VERDICT_ALLOWED = 0,
	AL_VERDICT_BLOCKED = 1,
	AL_VERDICT_WOULD_BLOCK = 2, /* --audit: an escape that was let through */
};

/* What the operation was. Names in the NDJSON are the "type" field. */
enum al_op {
	AL_OP_OPEN = 0,
	AL_OP_CREATE,	   /* mknod, and the creation half of open(O_CREAT) */
	AL_OP_MKDIR,
	AL_OP_SYMLINK,
	AL_OP_LINK,	   /* path: the source when it is the refused side */
	AL_OP_RENAME,
	AL_OP_UNLINK,
	AL_OP_RMDIR,
	AL_OP_TRUNCATE,
	AL_OP_CHMOD,
	AL_OP_CHOWN,
	AL_OP_SETXATTR,	   /* set or remove an extended attribute */
	AL_OP_CONNECT,	   /* Unix socket connect/send to a listener outside the cell */
	AL_OP_PTRACE,	   /* target: the pid */
	AL_OP_SIGNAL,	   /* target: the pid, arg: the signal */
	AL_OP_CAPABILITY,  /* arg: the capability number */
	AL_OP_USERNS,
	AL_OP_BPF,	   /* arg: the bpf() command */
	AL_OP_CHROOT,
	/* A TCP (stream) connect, or a send that connects (TCP Fast Open). The
	 * kernel sends the raw sockaddr in path and the port in arg; the user
	 * side turns path into "ADDR:PORT" before any sink sees it. */
	AL_OP_TCP_CONNECT,
	AL_OP_IOCTL,	   /* path: the file (a terminal); arg: the request (TIOCSTI, ...) */
	AL_OP_KEYRING,	   /* a key or keyring no member created; arg: its serial */
	AL_OP_PROCESS,	   /* acting on a non-member another way; target: pid, arg: enum al_proc_act */
	AL_OP_SETATTR,	   /* times (utimes, futimens) of a file outside; path: the file */
	AL_OP_IPC,	   /* a SysV IPC object no member created; arg: its id */
	/* The life of a member process, not an access: never an escape, never
	 * counted as an open. Streamed only while something listens. */
	AL_OP_EXEC,	   /* it ran a program: path as AL_EXEC_* below says */
	AL_OP_EXIT,	   /* its last thread ended: arg its wait status, target its run time (ms) */
	/* A UDP (datagram) send: path and arg as AL_OP_TCP_CONNECT's. Allowed
	 * ones are streamed once per new destination; refused ones always. */
	AL_OP_UDP_SEND,
	AL_OP_MAX = AL_OP_UDP_SEND,
};

/*
 * An AL_OP_TCP_CONNECT event's path: the raw sockaddr (AL_SOCKADDR_LEN
 * bytes, sockaddr_in6 being the larger), then the name a DNS answer gave
 * that address (bpf/dnslearn.bpf.h), up to path_len; nothing when none did.
 */
#define AL_SOCKADDR_LEN 28

/* DNS answers the kernel received, as bpf/dnslearn.bpf.h keeps them: an
 * address, the name the answer was for. */
#define AL_DNS_LEARNED_MAX 4096 /* addresses remembered (the least recent go) */
#define AL_DNS_NAME_MAX 256	/* a name, dotted, with its NUL */
#define AL_DNS_HOLD_S 300	/* an address stays its name's at least this long */
#define AL_DNS_FAMILY_V4 4
#define AL_DNS_FAMILY_V6 6

struct al_dns_key {
	__u8 family; /* AL_DNS_FAMILY_* */
	__u8 pad[3];
	__u8 addr[16]; /* IPv4 in the first 4 bytes */
};

/*
 * Host rules (network: connect: NAME:PORT, *.DOMAIN:PORT, CIDR:PORT): the
 * ports a name or an address range admits, as ranges. Folded at compile
 * time (src/policy/netrules.c): a name's entry also holds the ports of
 * every wildcard over it, since an LPM lookup returns only the longest match.
 */
#define AL_NET_RANGES_MAX 8 /* port ranges one name or address range may hold */
#define AL_NET_NAMES_MAX 64 /* name and wildcard entries */
#define AL_NET_CIDRS_MAX 64 /* address-range entries */

struct al_net_range {
	__u16 lo, hi;
};

struct al_net_allow {
	__u32 n; /* ranges in use */
	struct al_net_range r[AL_NET_RANGES_MAX];
};

/* A name rule's key: the name reversed ("api.x.com" -> "moc.x.ipa"), then a
 * NUL for an exact name; a wildcard "*.x.com" is the prefix "moc.x." alone.
 * prefixlen counts bits of name[]. A name looked up is keyed the same way,
 * NUL included, so an exact entry matches only itself. */
struct al_net_name_key {
	__u32 prefixlen;
	__u8 name[AL_DNS_NAME_MAX];
};

/* An address rule's key: the family (AL_DNS_FAMILY_*) in the first byte, so
 * prefixlen is 8 + the rule's bits; IPv4 in the first 4 bytes of addr. */
struct al_net_cidr_key {
	__u32 prefixlen;
	__u8 family;
	__u8 addr[16];
};

struct al_dns_name {
	__u64 expires_ns; /* CLOCK_MONOTONIC */
	/* What the cell's host rules admit for this address because of this
	 * name: valid only while gen is the engine's generation (the cell that
	 * learned it); an entry that admits something is not replaced by an
	 * answer that admits nothing before it expires (names sharing a CDN
	 * address). */
	__u32 gen;
	__u32 pad;
	struct al_net_allow allow;
	char name[AL_DNS_NAME_MAX]; /* NUL-terminated */
};

/* A UDP destination seen by the cell (AL_OP_UDP_SEND is streamed once per
 * new one): the address as al_dns_key, and the port. */
#define AL_UDP_SEEN_MAX 4096
struct al_udp_dest {
	struct al_dns_key a;
	__u16 port;
	__u16 pad;
};

/*
 * An AL_OP_EXEC event's path holds three parts, in this order:
 *   argv: the new program's arguments as the kernel laid them out, each
 *         NUL-terminated, AL_EXEC_ARGV_LEN(arg) bytes in all (at most
 *         AL_EXEC_ARGV_MAX; AL_EXEC_ARGV_CUT in arg when there were more);
 *   exe:  the file the kernel runs (for a "#!" script, its interpreter, as
 *         /proc/PID/exe says), target bytes (0: unresolved), then one NUL;
 *   cwd:  the working directory, the rest of path_len (0 bytes: unresolved).
 */
#define AL_EXEC_ARGV_MAX 1024
#define AL_EXEC_ARGV_CUT 0x80000000u
#define AL_EXEC_ARGV_LEN(arg) ((arg) & ~AL_EXEC_ARGV_CUT)

/* ioctl requests no member may make on a file it did not open for itself:
 * input injection into a terminal, and SIGIO ownership (asm-generic ioctls). */
#define AL_IOCTL_TIOCSTI 0x5412
#define AL_IOCTL_TIOCLINUX 0x541C
#define AL_IOCTL_FIOSETOWN 0x8901
#define AL_IOCTL_SIOCSPGRP 0x8902

/* What AL_OP_PROCESS did to the other process (the event's arg). */
enum al_proc_act {
	AL_PROC_NICE = 1,     /* setpriority */
	AL_PROC_IOPRIO = 2,   /* ioprio_set */
	AL_PROC_SCHED = 3,    /* sched_setscheduler, sched_setparam, sched_setattr */
	AL_PROC_PRLIMIT = 4,  /* prlimit on another process */
	AL_PROC_SETOWN = 5,   /* F_SETOWN / FIOSETOWN: SIGIO to be sent to it */
	AL_PROC_SIGIO = 6,    /* a SIGIO/SIGURG on its way to it */
	AL_PROC_MOVEMEM = 7,  /* migrate_pages, move_pages */
	AL_PROC_ACT_MAX = AL_PROC_MOVEMEM,
};

/* Rule flags. */
#define AL_RULE_QUIET 0x1 /* reads under this rule are counted, not streamed */
#define AL_RULE_EXACT 0x2 /* the path itself only, nothing below it */
/*
 * A name prefix ("~/.claude.json*"): the rule also matches every sibling whose
 * name starts with the rule's last component (".claude.json.tmp.1.2", and
 * what is below such a name). The walk looks these up mid-component, only at
 * the component lengths set in name_prefix_lens, so they cost nothing when unused.
 */
#define AL_RULE_PREFIX 0x4
#define AL_NAME_MAX 255 /* a name-prefix component is at most this long */

/*
 * Rules are found by hashing every '/'-bounded prefix of the resolved path, so
 * a rule for /home/u/proj matches /home/u/proj and /home/u/proj/x but never
 * /home/u/proj-old. The value carries the full prefix and the BPF side checks
 * it byte for byte, so a crafted hash collision can only deny, never admit.
 */
struct al_rule_key {
	__u64 hash;
	__u32 len; /* prefix length in bytes; 0 is the rule for "/" */
	__u32 pad;
};

struct al_rule {
	__u8 access; /* AL_ACC_* granted */
	__u8 class;  /* enum al_class reported for matches */
	__u8 flags;  /* AL_RULE_* */
	__u8 pad;
	__u32 len;
	char path[AL_PATH_MAX];
};

/*
 * The same rules as a longest-prefix-match trie, for every path short enough
 * for its key (AL_LPM_DATA bytes, the kernel's most): one lookup in place of
 * the hash walk and its byte-for-byte check. A path P is looked up as "P\0"
 * (prefixlen: its bytes and the NUL), so the longest key that is a prefix of
 * it is its most specific rule, with no hash to collide:
 *   a rule for the tree D        two keys, "D/" (below it) and "D\0" (itself);
 *   an exact rule E              "E\0" only;
 *   a name-prefix rule P         "P" (every name that starts so, and below);
 *   the rule for "/"             "/".
 * Longer paths, and rules too long for a key, take the walk as before.
 */
#define AL_LPM_DATA 256
struct al_lpm_key {
	__u32 prefixlen; /* bits */
	__u8 data[AL_LPM_DATA];
};

struct al_lpm_rule {
	__u8 access; /* AL_ACC_* granted */
	__u8 class;  /* enum al_class */
	__u8 flags;  /* AL_RULE_* */
	__u8 pad;
	__u32 len;   /* the rule's path length (0: "/"), as in struct al_rule */
};

/* Jail membership, keyed by tgid. */
enum al_jail_state {
	AL_JAIL_ENROLLING = 1, /* launcher's canary phase: enforce, emit nothing */
	AL_JAIL_ACTIVE = 2,
};

struct al_jail {
	__u32 state;
	__u32 canary_hits; /* file_open calls seen while ENROLLING */
};

/* Per-CPU counters; the user side sums them. Exact even when events drop. */
enum al_counter {
	AL_CNT_OPEN_PROJECT = 0,
	AL_CNT_OPEN_SYSTEM,
	AL_CNT_ESCAPE,		/* escape + unresolved attempts */
	AL_CNT_BLOCKED,
	AL_CNT_WOULD_BLOCK,
	AL_CNT_UNRESOLVED,
	AL_CNT_RB_DROPPED,	/* events the ring buffer had no room for */
	AL_CNT_ENROLL_FAILED,	/* children that could not be added to the jail map */
	AL_CNT_FORK_REFUSED,	/* forks refused at AL_JAIL_FORK_LIMIT */
	AL_CNT_ORPHAN_KILLED,	/* members killed because agentlock died */
	AL_CNT_OPEN_GRANTED,	/* allowed opens under a user rule */
	AL_CNT_TCP_CONNECT,	/* allowed TCP connects */
	/* socket(AF_UNIX) the Landlock backend refused (or, in audit, saw): counted,
	 * not streamed, since glibc makes one in every process's first name lookup
	 * (nscd's socket) and the call names no target. */
	AL_CNT_UNIX_SOCKET,
	/* Observer only: stat-only (O_PATH) opens and directory-walk opens of
	 * paths outside the cell, which reach no content: counted apart, never
	 * escapes (the BPF-LSM file_open hook does not see O_PATH at all). */
	AL_CNT_PROBE,
	/* Observer only: refusals of what the policy grants that file
	 * permissions would have allowed: the backend's rules are narrower than
	 * the policy (a Landlock grant that could not be made). */
	AL_CNT_REFUSED_INSIDE,
	/* Observer only: refused calls the ring buffer had no room for (also
	 * in AL_CNT_RB_DROPPED). Repeats of one refusal are counted on a record
	 * already waiting, so only a flood of different ones can lose any. */
	AL_CNT_REFUSAL_DROPPED,
	/* Observer only, Landlock: opens and execs the kernel allowed while
	 * nothing listened for them (no --log, dashboard or watcher): counted,
	 * not sent to be classified, so not in the other open counts. */
	AL_CNT_OPEN_UNCLASSIFIED,
	/* DNS answers not learned because their bytes sat outside the packet's
	 * linear part (bpf/dnslearn.bpf.h's dns_unread, added by user space):
	 * their addresses carry no name, and no host rule admits them. */
	AL_CNT_DNS_UNREAD,
	AL_CNT_MAX,
};

struct al_event {
	__u64 ts_ns; /* CLOCK_MONOTONIC */
	__u32 tgid;
	__u32 tid;
	__u32 ppid;
	__u32 uid;
	__u8 op;      /* enum al_op */
	__u8 access;  /* enum al_access */
	__u8 class;   /* enum al_class */
	__u8 verdict; /* enum al_verdict */
	__s32 path_len; /* bytes in path, or -errno when unresolved */
	__u32 target;	/* the other process (ptrace, signal), else 0 */
	__u32 arg;	/* signal, capability or bpf command, else 0 */
	char comm[AL_COMM_LEN];
	char path[AL_PATH_MAX]; /* not NUL-terminated: only path_len bytes are sent */
};

#define AL_EVENT_HDR_SIZE ((unsigned long)&((struct al_event *)0)->path)

/*
 * The classifier's test entry (SEC("raw_tp") classify_test, run with
 * BPF_PROG_TEST_RUN, its one argument this struct's address in the calling
 * process): a path in, the decision out as the return value,
 * AL_TEST_DECISION(class, granted, quiet). Lets a test hold the kernel's
 * classifier itself against the user side's policy_classify.
 */
struct al_classify_in {
	__u32 tgid;
	__u32 len;
	char path[AL_PATH_MAX];
};
#define AL_TEST_DECISION(class, granted, quiet) \
	((__u32)(class) | (__u32)(granted) << 8 | (__u32)(quiet) << 16)

/* FNV-1a, 64 bit: the prefix hash both sides must compute identically. */
#define AL_FNV_BASIS 0xcbf29ce484222325ULL
#define AL_FNV_PRIME 0x100000001b3ULL

static inline __u64 al_hash_step(__u64 h, __u8 c)
{
	return (h ^ c) * AL_FNV_PRIME;
}

#endif /* AGENTLOCK_ABI_H */
