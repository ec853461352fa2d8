# torgate: see README.md. `make check` installs its own build and test
# dependencies (Debian 12, as root), builds, and runs every test twice: a
# normal build, then one under AddressSanitizer and UndefinedBehaviorSanitizer.

VERSION     := 0.1.0
PREFIX      ?= /usr/local
SYSCONFDIR  ?= /etc
DATADIR     ?= $(PREFIX)/share
BINDIR      ?= $(PREFIX)/bin
MANDIR      ?= $(DATADIR)/man
DESTDIR     ?=
BUILDDIR    ?= build/release
SANITIZE    ?=

PKGS        := libnl-3.0 libnl-route-3.0 libnftables inih libcap-ng libseccomp
BUILD_DEPS  := build-essential pkg-config libnl-3-dev libnl-route-3-dev libnftables-dev libinih-dev \
               libcap-ng-dev libseccomp-dev libcmocka-dev gcc-multilib
TEST_DEPS   := iproute2 nftables curl dnsutils python3 libcap2-bin valgrind hyperfine util-linux procps
CC          ?= cc
CFLAGS      ?= -O2 -g
CFLAGS      += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wformat=2 -Iinclude \
               -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE \
               -DTORGATE_VERSION='"$(VERSION)"' -DTORGATE_SYSCONFDIR='"$(SYSCONFDIR)"' \
               -DTORGATE_DATADIR='"$(DATADIR)"' $(SANITIZE) $(EXTRA_CFLAGS) \
               $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDFLAGS     += -pie -Wl,-z,relro,-z,now $(SANITIZE)
LDLIBS      += $(shell pkg-config --libs $(PKGS) 2>/dev/null)

LIB_SRCS    := launcher/util.c launcher/settings.c launcher/config.c launcher/profile.c launcher/policy.c launcher/check.c launcher/caps.c \
               launcher/resolv.c launcher/proxy_env.c launcher/relay.c launcher/init.c launcher/seccomp_filter.c launcher/supervisor.c launcher/mounts.c launcher/sandbox.c \
               launcher/launch.c netns/pool.c netns/ruleset.c netns/firewall.c netns/link.c netns/sysctl.c
LIB_OBJS    := $(LIB_SRCS:%.c=$(BUILDDIR)/%.o)
UNIT_TESTS  := $(patsubst tests/unit/%.c,$(BUILDDIR)/tests/%,$(wildcard tests/unit/test_*.c))
PROBE       := $(BUILDDIR)/tests/probe
LEAK        := $(BUILDDIR)/tests/leak
LEAK32      := $(BUILDDIR)/tests/leak32

# The tree the tests install into and run from, as a person's system would.
STAGE       := $(CURDIR)/build/stage
ASAN_STAGE  := $(CURDIR)/build/stage-asan
SAN_FLAGS   := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

.PHONY: all deps check selftest leak unit integration integration-asan install uninstall stage stage-asan demo bench clean valgrind
all: $(BUILDDIR)/torgate

$(BUILDDIR)/%.o: %.c $(wildcard include/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILDDIR)/torgate: $(LIB_OBJS) $(BUILDDIR)/launcher/main.o
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILDDIR)/tests/test_%: tests/unit/test_%.c $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

$(PROBE): tests/probe/probe.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -o $@ $<

$(LEAK): tests/leak/leak.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -o $@ $<

# A freestanding i386 program (no libc): the 32-bit system call ABI.
$(LEAK32): tests/leak/leak32.c
	@mkdir -p $(dir $@)
	$(CC) -m32 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -ffreestanding -fno-pie -no-pie \
	    -static -nostdlib -fno-stack-protector -o $@ $<

deps:
	@missing=""; for p in $(BUILD_DEPS) $(TEST_DEPS); do \
	    dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

install: $(BUILDDIR)/torgate
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/torgate/profiles $(DESTDIR)$(SYSCONFDIR)/torgate \
	    $(DESTDIR)$(SYSCONFDIR)/tor/torrc.d $(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(BUILDDIR)/torgate $(DESTDIR)$(BINDIR)/torgate
	setcap cap_net_admin,cap_sys_admin,cap_setpcap+p $(DESTDIR)$(BINDIR)/torgate
	install -m 0644 profiles/*.profile $(DESTDIR)$(DATADIR)/torgate/profiles/
	[ -e $(DESTDIR)$(SYSCONFDIR)/torgate/torgate.conf ] || \
	    install -m 0644 etc/torgate.conf $(DESTDIR)$(SYSCONFDIR)/torgate/torgate.conf
	install -m 0644 etc/torrc.d/torgate.conf $(DESTDIR)$(SYSCONFDIR)/tor/torrc.d/torgate.conf
	install -m 0644 man/torgate.1 $(DESTDIR)$(MANDIR)/man1/torgate.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/torgate $(DESTDIR)$(SYSCONFDIR)/tor/torrc.d/torgate.conf \
	    $(DESTDIR)$(MANDIR)/man1/torgate.1
	rm -f $(patsubst profiles/%,$(DESTDIR)$(DATADIR)/torgate/profiles/%,$(wildcard profiles/*.profile))
	-rmdir $(DESTDIR)$(DATADIR)/torgate/profiles $(DESTDIR)$(DATADIR)/torgate 2>/dev/null
	@echo "kept $(DESTDIR)$(SYSCONFDIR)/torgate/torgate.conf (your configuration)"

# One staged install per flavour: tests run the installed binary with the
# installed profiles, never the source tree.
stage:
	$(MAKE) install BUILDDIR=build/check PREFIX=$(STAGE) SYSCONFDIR=$(STAGE)/etc
stage-asan:
	$(MAKE) install BUILDDIR=build/check-asan PREFIX=$(ASAN_STAGE) SYSCONFDIR=$(ASAN_STAGE)/etc \
	    SANITIZE="$(SAN_FLAGS)"

unit:
	$(MAKE) BUILDDIR=build/check-asan SANITIZE="$(SAN_FLAGS)" PREFIX=$(ASAN_STAGE) SYSCONFDIR=$(ASAN_STAGE)/etc \
	    $(patsubst tests/unit/%.c,build/check-asan/tests/%,$(wildcard tests/unit/test_*.c))
	@set -e; for t in build/check-asan/tests/test_*; do echo "== $$t"; $$t; done

integration: stage
	$(MAKE) BUILDDIR=build/check build/check/tests/probe
	TORGATE=$(STAGE)/bin/torgate STAGE=$(STAGE) PROBE=$(CURDIR)/build/check/tests/probe \
	    prove -f tests/integration/*.t

# LeakSanitizer stops threads with ptrace, which a non-dumpable process (as
# torgate makes itself) refuses: leaks are checked by the unit tests under
# LSan and by valgrind; this run catches memory and undefined-behaviour errors.
integration-asan: stage-asan
	$(MAKE) BUILDDIR=build/check build/check/tests/probe
	TORGATE=$(ASAN_STAGE)/bin/torgate STAGE=$(ASAN_STAGE) PROBE=$(CURDIR)/build/check/tests/probe \
	    ASAN_OPTIONS=detect_leaks=0:exitcode=99 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    prove -f tests/integration/*.t

# The adversarial leak suite: every way out, in tor and clearnet mode.
leak: stage
	$(MAKE) BUILDDIR=build/check build/check/tests/probe build/check/tests/leak build/check/tests/leak32
	TORGATE=$(STAGE)/bin/torgate STAGE=$(STAGE) PROBE=$(CURDIR)/build/check/tests/probe \
	    LEAK=$(CURDIR)/build/check/tests/leak LEAK32=$(CURDIR)/build/check/tests/leak32 \
	    prove -f tests/leak/leak.t

valgrind: stage
	@# valgrind will not run a binary with file capabilities: the same build, before setcap
	TORGATE=$(CURDIR)/build/check/torgate bash tests/valgrind.sh

selftest:
	prove -f tests/selftest/*.t

check: deps
	$(MAKE) unit
	$(MAKE) selftest
	$(MAKE) integration
	$(MAKE) leak
	$(MAKE) integration-asan
	$(MAKE) valgrind

bench: deps stage
	$(MAKE) BUILDDIR=build/bench-no-seccomp PREFIX=$(STAGE) SYSCONFDIR=$(STAGE)/etc \
	    EXTRA_CFLAGS=-DTORGATE_BENCH_WITHOUT_SECCOMP build/bench-no-seccomp/torgate
	@mkdir -p build/bench
	$(CC) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -o build/bench/netload tests/bench/netload.c
	TORGATE=$(STAGE)/bin/torgate bash tests/bench/launch.sh
	TORGATE=$(STAGE)/bin/torgate TORGATE_NO_SECCOMP=$(CURDIR)/build/bench-no-seccomp/torgate \
	    NETLOAD=$(CURDIR)/build/bench/netload bash tests/bench/seccomp.sh

demo: deps stage
	$(MAKE) BUILDDIR=build/check build/check/tests/probe
	TORGATE=$(STAGE)/bin/torgate PROBE=$(CURDIR)/build/check/tests/probe bash tests/demo.sh

clean:
	rm -rf build
