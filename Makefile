# torgate: see README.md. `make check` installs its own build and test
# dependencies (Debian 12, as root), builds, and runs every test twice: a
# normal build, then one under AddressSanitizer and UndefinedBehaviorSanitizer.

VERSION     := 0.1.0
PREFIX      ?= /usr/local
SYSCONFDIR  ?= /etc
DATADIR     ?= $(PREFIX)/share
BINDIR      ?= $(PREFIX)/bin
SBINDIR     ?= $(PREFIX)/sbin
MANDIR      ?= $(DATADIR)/man
DESTDIR     ?=
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
# The host hardening ruleset (etc/host-hardening.nft.in), names resolved when
# it is loaded. nftables matches a socket's primary group only: the desktop
# group is by default the group of the user running sudo make install.
TOR_USER    ?= debian-tor
I2P_USER    ?=
DESKTOP_GROUP ?= $(if $(SUDO_USER),$(shell id -gn $(SUDO_USER)),users)
CONTROLPORT_FILTER_USER ?= $(TOR_USER)
SOCKS_PORT  ?= 9050
TRANS_PORT  ?= 9040
DNS_PORT    ?= 5353
CONTROL_PORT ?= 9051
BUILDDIR    ?= build/release
SANITIZE    ?=
# The seccomp filter; launcher/seccomp_none.c (no filter) only for the
# valgrind and bench builds, never installed.
SECCOMP_BACKEND ?= launcher/seccomp_filter.c
# The Debian package (debian/rules) builds with PACKAGED=1, so that the binary
# names the package's way to repair it, and installs with INSTALL_CAPS=no: a
# .deb cannot carry file capabilities, its postinst sets them.
PACKAGED    ?= 0
INSTALL_CAPS ?= yes
FILE_CAPS   := cap_net_admin,cap_sys_admin,cap_setpcap+p

PKGS        := libnl-3.0 libnl-route-3.0 libnftables libnftnl libmnl inih libcap-ng libseccomp
BUILD_DEPS  := build-essential pkg-config libnl-3-dev libnl-route-3-dev libnftables-dev libnftnl-dev libmnl-dev libinih-dev \
               libcap-ng-dev libseccomp-dev libcmocka-dev gcc-multilib clang libclang-rt-14-dev
TEST_DEPS   := iproute2 nftables curl dnsutils python3 libcap2-bin valgrind hyperfine util-linux procps \
               tor wget git openssh-client dropbear-bin chromium xdg-dbus-proxy dbus dbus-x11 xvfb x11-utils \
               xdotool imagemagick firefox-esr weston wayland-utils libnotify-bin notification-daemon \
               pulseaudio pulseaudio-utils sox tesseract-ocr \
               zenity onionshare-cli i2pd dnsmasq-base ibus ibus-m17n ibus-gtk3 python3-gi gir1.2-gtk-3.0 at-spi2-core dbus-bin hexchat bash-completion debhelper lintian conntrack systemd-container
CC          ?= cc
CFLAGS      ?= -O2 -g
CFLAGS      += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wformat=2 -Iinclude \
               -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE \
               -DTORGATE_VERSION='"$(VERSION)"' -DTORGATE_SYSCONFDIR='"$(SYSCONFDIR)"' \
               -DTORGATE_DATADIR='"$(DATADIR)"' -DTORGATE_BINDIR='"$(BINDIR)"' -DTORGATE_PACKAGED=$(PACKAGED) $(SANITIZE) $(EXTRA_CFLAGS) \
               $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDFLAGS     += -pie -Wl,-z,relro,-z,now $(SANITIZE)
# libnftables is loaded when it is needed (netns/nftables.c): its headers only.
LDLIBS      += $(shell pkg-config --libs $(filter-out libnftables,$(PKGS)) 2>/dev/null)

LIB_SRCS    := launcher/util.c launcher/text.c launcher/environment.c launcher/settings.c launcher/config.c launcher/profile.c launcher/policy.c launcher/check.c launcher/caps.c \
               launcher/resolv.c launcher/proxy_env.c launcher/relay.c launcher/init.c $(SECCOMP_BACKEND) launcher/supervisor.c launcher/datagram_island.c launcher/automap.c launcher/mounts.c launcher/sandbox.c \
               launcher/launch.c launcher/plan.c launcher/privileged.c launcher/firewall_admin.c launcher/view.c launcher/session.c launcher/bus.c launcher/desktop.c launcher/helpers.c launcher/dbus_proxy.c launcher/a11y.c launcher/desktop_entry.c launcher/wrap.c launcher/notify.c launcher/dialog.c launcher/tor_wait.c launcher/circuit_request.c launcher/dns_guard.c launcher/dns_resolver.c launcher/socks_handshake.c launcher/socks_guard.c launcher/running.c launcher/sound.c launcher/runtime.c netns/addresses.c control/allowlist.c control/protocol.c netns/rtnl.c netns/bound.c netns/pool.c netns/ruleset.c netns/firewall.c netns/nftables.c netns/sandbox_nat.c netns/link.c netns/sysctl.c
LIB_OBJS    := $(LIB_SRCS:%.c=$(BUILDDIR)/%.o)
# The control port filter service: no capability, no libnftables (libnl-route
# only to read whose a sandbox's link is).
CONTROL_SRCS := launcher/util.c launcher/text.c launcher/settings.c launcher/config.c launcher/session.c launcher/bus.c \
               netns/addresses.c netns/pool.c netns/rtnl.c control/allowlist.c control/protocol.c control/upstream.c control/filter.c \
               control/circuits.c control/sandboxes.c control/session.c control/new_circuit.c control/service.c
UNIT_TESTS  := $(patsubst tests/unit/%.c,$(BUILDDIR)/tests/%,$(wildcard tests/unit/test_*.c))
PROBE       := $(BUILDDIR)/tests/probe
LEAK        := $(BUILDDIR)/tests/leak
LEAK32      := $(BUILDDIR)/tests/leak32

# The tree the tests install into and run from, as a person's system would.
STAGE       := $(CURDIR)/build/stage
ASAN_STAGE  := $(CURDIR)/build/stage-asan
# A failed test's topology logs (the private Tor network's among them) are
# kept here (tests/lib/topology.sh).
export TOPO_KEEP_ON_FAIL ?= $(CURDIR)/build/artefacts/failed
SAN_FLAGS   := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

.PHONY: fuzz-keep soak soak-brief package package-check all deps check selftest tornet tornet-asan i2pnet leak fuzz fuzz-run fuzz-brief unit integration integration-asan install uninstall stage stage-asan demo bench clean valgrind
all: $(BUILDDIR)/torgate $(BUILDDIR)/torgate-control-filter

$(BUILDDIR)/%.o: %.c $(wildcard include/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -I$(BUILDDIR)/generated -c -o $@ $<

# The seccomp programs, compiled at build time (libseccomp) for each mode,
# with and without user namespaces; the launcher loads the one it needs.
SECCOMP_PROGRAMS := $(BUILDDIR)/generated/seccomp_programs.h
$(BUILDDIR)/seccomp_generate: $(addprefix $(BUILDDIR)/,launcher/seccomp_generate.o launcher/seccomp_rules.o launcher/util.o launcher/text.o)
	$(CC) $(LDFLAGS) -o $@ $^ $(shell pkg-config --libs libseccomp 2>/dev/null)
$(SECCOMP_PROGRAMS): $(BUILDDIR)/seccomp_generate
	@mkdir -p $(dir $@)
	$< >$@.tmp && mv $@.tmp $@
$(BUILDDIR)/launcher/seccomp_filter.o: $(SECCOMP_PROGRAMS)

# TORGATE_EXTRA_SRCS: tests/asan_options.c in the ASan build only.
TORGATE_EXTRA_SRCS ?=
$(BUILDDIR)/torgate: $(LIB_OBJS) $(BUILDDIR)/launcher/main.o $(TORGATE_EXTRA_SRCS:%.c=$(BUILDDIR)/%.o)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILDDIR)/torgate-control-filter: $(CONTROL_SRCS:%.c=$(BUILDDIR)/%.o)
	$(CC) $(LDFLAGS) -o $@ $^ $(shell pkg-config --libs inih libnl-3.0 libnl-route-3.0 2>/dev/null)

# Each unit test links only the modules it tests and what they stand on,
# so that a module reaching across the layers fails to link.
BASE_UNITS            := launcher/util launcher/text
PARSE_UNITS           := $(BASE_UNITS) launcher/settings launcher/config launcher/session launcher/bus netns/addresses control/allowlist
UNITS_test_addresses  := $(PARSE_UNITS)
UNITS_test_config     := $(PARSE_UNITS)
UNITS_test_pool       := $(BASE_UNITS) netns/pool
UNITS_test_profile    := $(PARSE_UNITS) launcher/profile
UNITS_test_resolve    := $(PARSE_UNITS) launcher/profile launcher/policy
UNITS_test_ruleset    := $(PARSE_UNITS) netns/ruleset
UNITS_test_plan       := $(PARSE_UNITS) launcher/profile netns/ruleset launcher/plan launcher/desktop launcher/environment
UNITS_test_resolv     := $(UNITS_test_plan) launcher/resolv netns/pool
UNITS_test_seccomp    := $(BASE_UNITS) launcher/seccomp_filter
UNITS_test_desktop_entry := $(PARSE_UNITS) launcher/profile launcher/desktop_entry
UNITS_test_control_filter := $(PARSE_UNITS) control/protocol control/filter
UNITS_test_dns_guard  := $(PARSE_UNITS) launcher/dns_guard launcher/dns_resolver launcher/automap
UNITS_test_socks_handshake := $(PARSE_UNITS) launcher/socks_handshake
UNITS_test_control_circuits := $(BASE_UNITS) netns/pool control/protocol control/circuits
.SECONDEXPANSION:
$(BUILDDIR)/tests/test_%: tests/unit/test_%.c $$(addprefix $(BUILDDIR)/,$$(addsuffix .o,$$(UNITS_test_$$*)))
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

# The test programs that try the network from inside a sandbox, with their
# shared helpers.
$(PROBE): tests/probe/probe.c tests/lib/netprobe.c tests/lib/netprobe.h
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -Itests/lib -o $@ $(filter %.c,$^)

$(LEAK): tests/leak/leak.c tests/lib/netprobe.c tests/lib/netprobe.h include/linux_compat.h
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -Itests/lib -Iinclude -o $@ $(filter %.c,$^) -lpthread

# A freestanding i386 program (no libc): the 32-bit system call ABI.
$(LEAK32): tests/leak/leak32.c
	@mkdir -p $(dir $@)
	$(CC) -m32 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -ffreestanding -fno-pie -no-pie \
	    -static -nostdlib -fno-stack-protector -o $@ $<

# Packages are installed without starting their services (policy-rc.d):
# installing tor must not make this machine join the real Tor network, since
# the tests run their own tor in namespaces.
deps:
	@missing=""; for p in $(BUILD_DEPS) $(TEST_DEPS) $(DEPS_EXTRA); do \
	    dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	    echo "installing:$$missing"; \
	    guard=""; if [ ! -e /usr/sbin/policy-rc.d ]; then \
	        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && guard=1; fi; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	    st=$$?; [ -z "$$guard" ] || rm -f /usr/sbin/policy-rc.d; exit $$st; \
	fi

# Every file install writes is listed in MANIFEST, so that uninstall removes
# exactly what was installed (torgate.conf only if install wrote it).
MANIFEST     = $(DATADIR)/torgate/installed-files
INSTALL_FILE = install -m $(1) $(2) "$(DESTDIR)$(3)" && echo "$(3)" >>$(DESTDIR)$(MANIFEST)
HARDENING_SED = -e 's/@TOR_USER@/$(TOR_USER)/g' -e 's/@DESKTOP_GROUP@/$(DESKTOP_GROUP)/g' \
	    -e 's/@CONTROLPORT_FILTER_USER@/$(CONTROLPORT_FILTER_USER)/g' -e 's/@SOCKS_PORT@/$(SOCKS_PORT)/g' \
	    -e 's/@TRANS_PORT@/$(TRANS_PORT)/g' -e 's/@DNS_PORT@/$(DNS_PORT)/g' -e 's/@CONTROL_PORT@/$(CONTROL_PORT)/g' \
	    $(if $(I2P_USER),-e 's/@I2P@//' -e 's/@I2P_USER@/$(I2P_USER)/g',-e '/@I2P@/d')

install: $(BUILDDIR)/torgate $(BUILDDIR)/torgate-control-filter
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) $(DESTDIR)$(DATADIR)/torgate/profiles $(DESTDIR)$(SYSCONFDIR)/torgate \
	    $(DESTDIR)$(SYSCONFDIR)/torgate/control $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(SYSCONFDIR)/tor/torrc.d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(SYSTEMDUNITDIR)/nftables.service.d $(DESTDIR)$(SYSCONFDIR)/sysctl.d $(DESTDIR)$(SYSCONFDIR)/modprobe.d \
	    $(DESTDIR)$(DATADIR)/bash-completion/completions $(DESTDIR)$(DATADIR)/applications
	: >$(DESTDIR)$(MANIFEST)
	$(call INSTALL_FILE,0755,$(BUILDDIR)/torgate,$(BINDIR)/torgate)
	@# File capabilities, never a setuid bit: the binary drops them all before COMMAND runs.
	$(if $(filter yes,$(INSTALL_CAPS)),setcap $(FILE_CAPS) $(DESTDIR)$(BINDIR)/torgate)
	@# The control port filter: a service of its own, with no capability.
	$(call INSTALL_FILE,0755,$(BUILDDIR)/torgate-control-filter,$(SBINDIR)/torgate-control-filter)
	for f in etc/control/*.conf; do $(call INSTALL_FILE,0644,$$f,$(SYSCONFDIR)/torgate/control/$${f#etc/control/}) || exit 1; done
	sed -e 's|/usr/sbin/|$(SBINDIR)/|g' $(HARDENING_SED) etc/systemd/torgate-control-filter.service >build/torgate-control-filter.service
	$(call INSTALL_FILE,0644,build/torgate-control-filter.service,$(SYSTEMDUNITDIR)/torgate-control-filter.service)
	$(call INSTALL_FILE,0644,man/torgate-control-filter.8,$(MANDIR)/man8/torgate-control-filter.8)
	for f in profiles/*.profile; do $(call INSTALL_FILE,0644,$$f,$(DATADIR)/torgate/$$f) || exit 1; done
	[ -e $(DESTDIR)$(SYSCONFDIR)/torgate/torgate.conf ] || \
	    { $(call INSTALL_FILE,0644,etc/torgate.conf,$(SYSCONFDIR)/torgate/torgate.conf); }
	$(call INSTALL_FILE,0644,etc/torrc.d/torgate.conf,$(SYSCONFDIR)/tor/torrc.d/torgate.conf)
	$(call INSTALL_FILE,0644,man/torgate.1,$(MANDIR)/man1/torgate.1)
	$(call INSTALL_FILE,0644,man/torgate.conf.5,$(MANDIR)/man5/torgate.conf.5)
	$(call INSTALL_FILE,0644,man/torgate.profile.5,$(MANDIR)/man5/torgate.profile.5)
	$(call INSTALL_FILE,0644,etc/bash-completion/torgate,$(DATADIR)/bash-completion/completions/torgate)
	@# The Unsafe Browser's own menu entry, and the warning page it opens on.
	sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@DATADIR@|$(DATADIR)|g' etc/desktop/torgate-unsafe-browser.desktop \
	    >build/torgate-unsafe-browser.desktop
	$(call INSTALL_FILE,0644,build/torgate-unsafe-browser.desktop,$(DATADIR)/applications/torgate-unsafe-browser.desktop)
	$(call INSTALL_FILE,0644,etc/desktop/unsafe-browser.html,$(DATADIR)/torgate/unsafe-browser.html)
	sed $(HARDENING_SED) etc/host-hardening.nft.in >build/host-hardening.nft
	$(call INSTALL_FILE,0644,build/host-hardening.nft,$(SYSCONFDIR)/torgate/host-hardening.nft)
	sed -e 's/@TOR@//' $(HARDENING_SED) etc/host-fallback.nft.in >build/host-fallback.nft
	sed -e '/@TOR@/d' $(HARDENING_SED) etc/host-fallback.nft.in >build/host-fallback-no-tor-user.nft
	$(call INSTALL_FILE,0644,build/host-fallback.nft,$(DATADIR)/torgate/host-fallback.nft)
	$(call INSTALL_FILE,0644,build/host-fallback-no-tor-user.nft,$(DATADIR)/torgate/host-fallback-no-tor-user.nft)
	sed -e 's|/etc/torgate/|$(SYSCONFDIR)/torgate/|g' -e 's|/usr/share/torgate/|$(DATADIR)/torgate/|g' \
	    etc/systemd/torgate-hardening.service >build/torgate-hardening.service
	$(call INSTALL_FILE,0644,build/torgate-hardening.service,$(SYSTEMDUNITDIR)/torgate-hardening.service)
	$(call INSTALL_FILE,0644,etc/systemd/nftables.service.d/torgate-hardening.conf,$(SYSTEMDUNITDIR)/nftables.service.d/torgate-hardening.conf)
	sed 's|/usr/bin/torgate|$(BINDIR)/torgate|g' etc/systemd/nftables.service.d/torgate.conf >build/nftables-torgate.conf
	$(call INSTALL_FILE,0644,build/nftables-torgate.conf,$(SYSTEMDUNITDIR)/nftables.service.d/torgate.conf)
	$(call INSTALL_FILE,0644,etc/sysctl.d/60-torgate.conf,$(SYSCONFDIR)/sysctl.d/60-torgate.conf)
	$(call INSTALL_FILE,0644,etc/modprobe.d/torgate-no-conntrack-helper.conf,$(SYSCONFDIR)/modprobe.d/torgate-no-conntrack-helper.conf)
	echo '$(MANIFEST)' >>$(DESTDIR)$(MANIFEST)

uninstall:
	@[ -e $(DESTDIR)$(MANIFEST) ] || { echo "nothing to uninstall: no $(DESTDIR)$(MANIFEST)"; exit 1; }
	while read -r f; do rm -f "$(DESTDIR)$$f"; done <$(DESTDIR)$(MANIFEST)
	-rmdir $(DESTDIR)$(DATADIR)/torgate/profiles $(DESTDIR)$(DATADIR)/torgate $(DESTDIR)$(SYSCONFDIR)/torgate/control $(DESTDIR)$(SYSCONFDIR)/torgate \
	    $(DESTDIR)$(SYSTEMDUNITDIR)/nftables.service.d $(DESTDIR)$(DATADIR)/bash-completion/completions \
	    $(DESTDIR)$(DATADIR)/bash-completion $(DESTDIR)$(DATADIR)/applications $(DESTDIR)$(SYSCONFDIR)/tor/torrc.d 2>/dev/null

# One staged install per flavour: tests run the installed binary with the
# installed profiles, never the source tree.
stage:
	$(MAKE) install BUILDDIR=build/check PREFIX=$(STAGE) SYSCONFDIR=$(STAGE)/etc
stage-asan:
	$(MAKE) install BUILDDIR=build/check-asan PREFIX=$(ASAN_STAGE) SYSCONFDIR=$(ASAN_STAGE)/etc \
	    SANITIZE="$(SAN_FLAGS)" TORGATE_EXTRA_SRCS=tests/asan_options.c

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

# The parsers of what users and administrators write (torgate.conf, profiles,
# the clearnet resolvers file) under libFuzzer (clang), with ASan and UBSan:
# briefly in make check, longer with make fuzz (FUZZ_TIME=SECONDS). libFuzzer
# adds what it finds to the first corpus directory: a scratch one, so that
# tests/fuzz/corpus keeps only the hand-written seeds; tests/fuzz/grown is
# what a long run grew, minimised (make fuzz-keep merges a run's into it).
FUZZ_CC     ?= clang
FUZZ_DIR    ?= build/fuzz
FUZZ_TIME   ?= 600
FUZZER      := $(FUZZ_DIR)/fuzz_settings
FUZZ_SRCS   := tests/fuzz/fuzz_settings.c launcher/settings.c launcher/config.c launcher/profile.c launcher/util.c netns/addresses.c launcher/text.c launcher/session.c launcher/bus.c launcher/resolv.c control/allowlist.c control/protocol.c control/filter.c control/circuits.c netns/pool.c launcher/socks_handshake.c launcher/dns_guard.c launcher/dns_resolver.c launcher/automap.c
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -std=c11 -D_GNU_SOURCE \
               -Wall -Wextra -Werror -Iinclude -DTORGATE_VERSION='"$(VERSION)"' -DTORGATE_SYSCONFDIR='"$(SYSCONFDIR)"' \
               -DTORGATE_DATADIR='"$(DATADIR)"' $(shell pkg-config --cflags inih 2>/dev/null)
$(FUZZER): $(FUZZ_SRCS) $(wildcard include/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(FUZZ_SRCS) $(shell pkg-config --libs inih 2>/dev/null || echo -linih)
fuzz: deps fuzz-run
fuzz-run: $(FUZZER)
	@mkdir -p $(FUZZ_DIR)/corpus $(FUZZ_DIR)/artifacts
	$(FUZZER) -max_total_time=$(FUZZ_TIME) -timeout=10 -print_final_stats=1 \
	    -dict=tests/fuzz/settings.dict -artifact_prefix=$(FUZZ_DIR)/artifacts/ \
	    $(FUZZ_DIR)/corpus tests/fuzz/corpus tests/fuzz/grown
fuzz-keep: $(FUZZER)
	@mkdir -p tests/fuzz/grown
	$(FUZZER) -merge=1 tests/fuzz/grown $(FUZZ_DIR)/corpus
fuzz-brief: FUZZ_TIME := 25
fuzz-brief: fuzz-run

# End to end with a real tor: a private Tor network in namespaces
# (tests/lib/tornet.sh), real programs in sandboxes. The chromium screenshot
# and the timings (network, bootstrap, suite) are kept in build/artefacts.
tornet: stage
	$(MAKE) BUILDDIR=build/check build/check/tests/probe
	@mkdir -p build/artefacts; start=$$(date +%s); \
	TORGATE=$(STAGE)/bin/torgate STAGE=$(STAGE) PROBE=$(CURDIR)/build/check/tests/probe \
	    ARTEFACTS=$(CURDIR)/build/artefacts prove -f tests/tornet/*.t; st=$$?; \
	echo "$$(date -u +%FT%TZ) make tornet: $$(($$(date +%s) - start)) s, status $$st" >>build/artefacts/tornet-timings.txt; \
	tail -n 4 build/artefacts/tornet-timings.txt; exit $$st

# The real-Tor flows (tor.t, apps.t) with the ASan and UBSan build.
tornet-asan: stage-asan
	$(MAKE) BUILDDIR=build/check build/check/tests/probe
	TORGATE=$(ASAN_STAGE)/bin/torgate STAGE=$(ASAN_STAGE) PROBE=$(CURDIR)/build/check/tests/probe \
	    ASAN_OPTIONS=detect_leaks=0:exitcode=99 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    prove -f tests/tornet/tor.t tests/tornet/apps.t

# The i2p mode end to end: a private I2P network in namespaces (five of
# Debian's i2pd routers, tests/lib/i2pnet.sh), the host's i2pd joined to it,
# an eepsite fetched from an i2p-browser sandbox by its .b32.i2p name. The
# timings are kept in build/artefacts/i2pnet-timings.txt.
i2pnet: stage
	$(MAKE) BUILDDIR=build/check build/check/tests/probe
	@mkdir -p build/artefacts
	TORGATE=$(STAGE)/bin/torgate STAGE=$(STAGE) PROBE=$(CURDIR)/build/check/tests/probe \
	    ARTEFACTS=$(CURDIR)/build/artefacts prove -f tests/i2pnet/*.t

# The adversarial leak suite: every way out, in tor and clearnet mode.
leak: stage
	$(MAKE) BUILDDIR=build/check build/check/tests/probe build/check/tests/leak build/check/tests/leak32
	TORGATE=$(STAGE)/bin/torgate STAGE=$(STAGE) PROBE=$(CURDIR)/build/check/tests/probe \
	    LEAK=$(CURDIR)/build/check/tests/leak LEAK32=$(CURDIR)/build/check/tests/leak32 \
	    prove -f tests/leak/leak.t

# Nothing accumulates: SOAK_LAUNCHES launches in a row, some killed, then
# what the host holds is counted again (tests/soak/soak.t). 200 in make
# check, 10,000 with make soak.
SOAK_LAUNCHES ?= 10000
soak: stage
	$(MAKE) BUILDDIR=build/check build/check/tests/probe
	TORGATE=$(STAGE)/bin/torgate STAGE=$(STAGE) PROBE=$(CURDIR)/build/check/tests/probe \
	    SOAK_LAUNCHES=$(SOAK_LAUNCHES) prove -v tests/soak/soak.t
soak-brief: SOAK_LAUNCHES := 200
soak-brief: soak

# The Debian packages (debian/), built by dpkg-buildpackage from a copy of
# the tree in build/package, where they are left; then installed, upgraded,
# used and purged on this machine (tests/package; lintian's report in
# build/artefacts).
PKG_DIR     := build/package
package: deps
	rm -rf $(PKG_DIR) && mkdir -p $(PKG_DIR)/torgate-$(VERSION)
	tar --exclude=./build --exclude=./.git -cf - . | tar -C $(PKG_DIR)/torgate-$(VERSION) -xf -
	cd $(PKG_DIR)/torgate-$(VERSION) && dpkg-buildpackage -us -uc -b -j2 >../build.log 2>&1 || \
	    { tail -n 30 ../build.log; exit 1; }
	@ls $(PKG_DIR)/*.deb

package-check: package
	$(MAKE) BUILDDIR=build/check build/check/tests/probe
	TORGATE=/usr/bin/torgate PROBE=$(CURDIR)/build/check/tests/probe PKG_DIR=$(CURDIR)/$(PKG_DIR) \
	    TORGATE_VERSION=$(VERSION) ARTEFACTS=$(CURDIR)/build/artefacts prove -f tests/package/*.t

# valgrind 3.19 cannot emulate seccomp(2): it runs a build without the filter
# (never installed; the filter is covered by the ASan run and the leak suite),
# as root, since it will not run a binary with file capabilities either.
valgrind:
	$(MAKE) BUILDDIR=build/valgrind PREFIX=$(STAGE) SYSCONFDIR=$(STAGE)/etc \
	    SECCOMP_BACKEND=launcher/seccomp_none.c build/valgrind/torgate
	$(MAKE) stage
	TORGATE=$(CURDIR)/build/valgrind/torgate CONTROL_FILTER=$(STAGE)/sbin/torgate-control-filter bash tests/valgrind.sh

selftest:
	$(MAKE) BUILDDIR=build/check build/check/tests/probe
	PROBE=$(CURDIR)/build/check/tests/probe prove -f tests/selftest/*.t

check: deps
	$(MAKE) unit
	$(MAKE) fuzz-brief
	$(MAKE) selftest
	$(MAKE) integration
	$(MAKE) soak-brief
	$(MAKE) tornet
	$(MAKE) i2pnet
	$(MAKE) leak
	$(MAKE) package-check
	$(MAKE) integration-asan
	$(MAKE) tornet-asan
	$(MAKE) valgrind

# make bench: every figure of the performance work, side by side with its
# baseline, as one table with the targets beside it; each run's figures are
# kept in build/artefacts/bench/ (JSON lines), so that a regression shows.
BENCH_DEPS  := bubblewrap firejail iperf3
bench: DEPS_EXTRA = $(BENCH_DEPS)
bench: deps stage
	$(MAKE) BUILDDIR=build/bench-no-seccomp PREFIX=$(STAGE) SYSCONFDIR=$(STAGE)/etc \
	    SECCOMP_BACKEND=launcher/seccomp_none.c build/bench-no-seccomp/torgate
	$(MAKE) BUILDDIR=build/check build/check/tests/probe
	@mkdir -p build/bench build/artefacts/bench
	$(CC) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -o build/bench/netload tests/bench/netload.c
	@results=$(CURDIR)/build/artefacts/bench/$$(date -u +%Y%m%dT%H%M%SZ).jsonl; export BENCH_RESULTS=$$results; \
	export TORGATE=$(STAGE)/bin/torgate STAGE=$(STAGE) PROBE=$(CURDIR)/build/check/tests/probe \
	    NETLOAD=$(CURDIR)/build/bench/netload TORGATE_NO_SECCOMP=$(CURDIR)/build/bench-no-seccomp/torgate; \
	bash tests/bench/launch.sh && bash tests/bench/seccomp.sh && bash tests/bench/sandboxes.sh && \
	    bash tests/bench/throughput.sh && bash tests/bench/tor_latency.sh; st=$$?; \
	python3 tests/bench/results.py $$results; echo "these figures: $$results"; exit $$st

# make bench-tor: time to first byte through Tor, in a private Tor network
# (tests/bench/tor_latency.sh: SOCKS from the host, SOCKS at a sandbox's
# gateway, the TransPort, the DNSPort; RUNS per variant, default 30).
.PHONY: bench-tor
bench-tor: stage
	TORGATE=$(STAGE)/bin/torgate STAGE=$(STAGE) BENCH_RESULTS="$(BENCH_RESULTS)" bash tests/bench/tor_latency.sh

demo: deps stage
	$(MAKE) BUILDDIR=build/check build/check/tests/probe
	TORGATE=$(STAGE)/bin/torgate PROBE=$(CURDIR)/build/check/tests/probe bash tests/demo.sh

clean:
	rm -rf build
