# engarde: build, test, demo and install.

PREFIX ?=	/usr/local
DESTDIR ?=
SBINDIR ?=	$(PREFIX)/sbin
MANDIR ?=	$(PREFIX)/share/man
SYSCONFDIR ?=	/etc
UNITDIR ?=	$(PREFIX)/lib/systemd/system
SYSUSERSDIR ?=	$(PREFIX)/lib/sysusers.d
TMPFILESDIR ?=	$(PREFIX)/lib/tmpfiles.d

# Every Debian package the build, the tests and the demo need: the one list.
DEB_PACKAGES =	build-essential pkg-config \
		libevent-dev libyaml-dev libtls-dev libbsd-dev libmnl-dev \
		libseccomp-dev libjansson-dev libcmocka-dev libssl-dev \
		wireguard-go wireguard-tools iproute2 nftables iputils-ping \
		mandoc openssl curl procps passwd socat util-linux perl \
		chromium nodejs prometheus systemd iperf3 jq \
		clang libclang-rt-dev valgrind

PKGS =		libevent libtls libcrypto libmnl libseccomp jansson yaml-0.1 \
		libbsd-overlay
PKG_CFLAGS :=	$(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS :=	$(shell pkg-config --libs $(PKGS) 2>/dev/null)

CC ?=		cc
CFLAGS ?=	-O2 -g
CFLAGS +=	-Wall -Wextra -Wshadow -Wmissing-prototypes -Werror \
		-D_GNU_SOURCE -Icommon -Iengarded $(PKG_CFLAGS)
LDLIBS +=	$(PKG_LIBS)

COMMON_SRCS =	common/log.c common/ipc.c common/ipcev.c common/util.c
ENGARDED_SRCS =	engarded/engarded.c engarded/proc.c engarded/sandbox.c \
		engarded/config.c engarded/printconf.c engarded/ifwatch.c \
		engarded/engine.c engarded/path.c engarded/control.c \
		engarded/wg.c engarded/webui.c engarded/http.c engarded/webcert.c \
		engarded/assets.c engarded/notify.c engarded/session.c \
		engarded/quality.c
ENGARDECTL_SRCS = engardectl/engardectl.c engardectl/parser.c \
		engardectl/output.c engardectl/output_json.c

ENGARDED_OBJS =	$(ENGARDED_SRCS:.c=.o) $(COMMON_SRCS:.c=.o)
ENGARDECTL_OBJS = $(ENGARDECTL_SRCS:.c=.o) common/log.o common/ipc.o \
		common/util.o

PROGS =		engarded/engarded engardectl/engardectl
TOOLS =		regress/bench/udpgen regress/bench/relay regress/hostile/hostile \
		regress/netns/gsofail.so
MANS =		man/engarded.8 man/engarded.yml.5 man/engardectl.8

all: $(PROGS) $(TOOLS)

engarded/engarded: $(ENGARDED_OBJS)
	$(CC) $(LDFLAGS) -o $@ $(ENGARDED_OBJS) $(LDLIBS)

engardectl/engardectl: $(ENGARDECTL_OBJS)
	$(CC) $(LDFLAGS) -o $@ $(ENGARDECTL_OBJS) $(LDLIBS)

WEBUI_FILES =	webui/index.html webui/app.js webui/style.css

# The dashboard's files, compiled in: the chrooted process reads no file.
engarded/assets.c: engarded/mkassets.sh $(WEBUI_FILES)
	sh engarded/mkassets.sh $(WEBUI_FILES) >$@.tmp && mv $@.tmp $@

regress/bench/relay: regress/bench/relay.c
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ regress/bench/relay.c

regress/bench/udpgen: regress/bench/udpgen.c
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ regress/bench/udpgen.c -lm

regress/hostile/hostile: regress/hostile/hostile.c common/ipc.h common/proto.h
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ regress/hostile/hostile.c $(LDLIBS)

regress/netns/gsofail.so: regress/netns/gsofail.c
	$(CC) $(CFLAGS) -shared -fPIC -o $@ regress/netns/gsofail.c -ldl

%.o: %.c common/*.h engarded/*.h engardectl/*.h
	$(CC) $(CFLAGS) -c -o $@ $<

# Unit tests link only what they test; built plain and with sanitizers.
UNIT_TESTS =	regress/unit/test_ipc regress/unit/test_config \
		regress/unit/test_parser regress/unit/test_wg \
		regress/unit/test_quality regress/unit/test_session
test_wg_SRCS =	regress/unit/test_wg.c engarded/wg.c
test_quality_SRCS = regress/unit/test_quality.c engarded/quality.c
test_session_SRCS = regress/unit/test_session.c engarded/session.c \
		engarded/wg.c common/log.c common/util.c
test_parser_SRCS = regress/unit/test_parser.c engardectl/parser.c
test_ipc_SRCS =	regress/unit/test_ipc.c common/ipc.c common/log.c
test_config_SRCS = regress/unit/test_config.c engarded/config.c \
		engarded/printconf.c common/util.c common/log.c
SAN_FLAGS =	-fsanitize=address,undefined -fno-omit-frame-pointer \
		-fno-sanitize-recover=all

regress/unit/test_ipc: $(test_ipc_SRCS) common/*.h
	$(CC) $(CFLAGS) -o $@ $(test_ipc_SRCS) $(LDLIBS) -lcmocka
regress/unit/test_ipc.san: $(test_ipc_SRCS) common/*.h
	$(CC) $(CFLAGS) $(SAN_FLAGS) -o $@ $(test_ipc_SRCS) $(LDLIBS) -lcmocka
regress/unit/test_config: $(test_config_SRCS) common/*.h engarded/*.h
	$(CC) $(CFLAGS) -o $@ $(test_config_SRCS) $(LDLIBS) -lcmocka
regress/unit/test_config.san: $(test_config_SRCS) common/*.h engarded/*.h
	$(CC) $(CFLAGS) $(SAN_FLAGS) -o $@ $(test_config_SRCS) $(LDLIBS) \
	    -lcmocka

regress/unit/test_parser: $(test_parser_SRCS) engardectl/parser.h
	$(CC) $(CFLAGS) -Iengardectl -o $@ $(test_parser_SRCS) $(LDLIBS) \
	    -lcmocka
regress/unit/test_parser.san: $(test_parser_SRCS) engardectl/parser.h
	$(CC) $(CFLAGS) -Iengardectl $(SAN_FLAGS) -o $@ $(test_parser_SRCS) \
	    $(LDLIBS) -lcmocka

regress/unit/test_wg: $(test_wg_SRCS) engarded/wg.h
	$(CC) $(CFLAGS) -o $@ $(test_wg_SRCS) $(LDLIBS) -lcmocka
regress/unit/test_wg.san: $(test_wg_SRCS) engarded/wg.h
	$(CC) $(CFLAGS) $(SAN_FLAGS) -o $@ $(test_wg_SRCS) $(LDLIBS) -lcmocka

regress/unit/test_session: $(test_session_SRCS) engarded/*.h
	$(CC) $(CFLAGS) -o $@ $(test_session_SRCS) $(LDLIBS) -lcmocka
regress/unit/test_session.san: $(test_session_SRCS) engarded/*.h
	$(CC) $(CFLAGS) $(SAN_FLAGS) -o $@ $(test_session_SRCS) $(LDLIBS) \
	    -lcmocka

regress/unit/test_quality: $(test_quality_SRCS) engarded/quality.h
	$(CC) $(CFLAGS) -o $@ $(test_quality_SRCS) $(LDLIBS) -lcmocka
regress/unit/test_quality.san: $(test_quality_SRCS) engarded/quality.h
	$(CC) $(CFLAGS) $(SAN_FLAGS) -o $@ $(test_quality_SRCS) $(LDLIBS) \
	    -lcmocka

unit: $(UNIT_TESTS) $(UNIT_TESTS:=.san)

# The daemon and its client built with the sanitizers, for one scenario.
SAN_PROGS =	engarded/engarded.san engardectl/engardectl.san
engarded/engarded.san: $(ENGARDED_SRCS) $(COMMON_SRCS) common/*.h engarded/*.h
	$(CC) $(CFLAGS) $(SAN_FLAGS) -DENGARDED_TEST -o $@ $(ENGARDED_SRCS) \
	    $(COMMON_SRCS) $(LDLIBS)
engardectl/engardectl.san: $(ENGARDECTL_SRCS) common/*.h engardectl/*.h
	$(CC) $(CFLAGS) $(SAN_FLAGS) -Iengardectl -o $@ $(ENGARDECTL_SRCS) \
	    common/log.c common/ipc.c common/util.c $(LDLIBS)
san: $(SAN_PROGS)

deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | \
		    grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		    apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# The unprivileged user of the children and their empty chroot.
sysprep:
	@getent passwd _engarde >/dev/null || \
	    useradd -r -d /var/empty -s /usr/sbin/nologin -U _engarde
	@install -d -m 755 $(DESTDIR)/var/empty

check: deps sysprep
	$(MAKE) all unit san
	sh regress/run.sh

SOAK_SECONDS ?=	600

# Faults for SOAK_SECONDS under a stream; make check runs 60 s of it.
soak: deps sysprep
	$(MAKE) all
	SOAK_SECONDS=$(SOAK_SECONDS) TESTS=netns/50-soak sh regress/run.sh

FUZZ_SECONDS ?=	60

# libFuzzer harnesses of regress/fuzz/ (clang), FUZZ_SECONDS each.
fuzz: engarded/assets.c
	sh regress/fuzz/run.sh fuzz $(FUZZ_SECONDS)

# engarded against the floor relay; BENCH_QUICK=1 for a short run.
bench: deps sysprep
	$(MAKE) all
	sh regress/bench/bench.sh

demo: deps sysprep
	$(MAKE) all
	sh regress/netns/demo.sh

lint-man:
	mandoc -Tlint -Wwarning $(MANS)

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(SYSCONFDIR)
	install -m 755 engarded/engarded $(DESTDIR)$(SBINDIR)/engarded
	install -m 755 engardectl/engardectl $(DESTDIR)$(SBINDIR)/engardectl
	install -m 644 man/engarded.8 man/engardectl.8 $(DESTDIR)$(MANDIR)/man8
	install -m 644 man/engarded.yml.5 $(DESTDIR)$(MANDIR)/man5
	[ -e $(DESTDIR)$(SYSCONFDIR)/engarded.yml ] || install -m 600 \
	    etc/engarded.yml $(DESTDIR)$(SYSCONFDIR)/engarded.yml
	install -d $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) \
	    $(DESTDIR)$(TMPFILESDIR)
	for u in engarded.service engarded@.service; do \
		sed 's|/usr/local/sbin/|$(SBINDIR)/|' etc/$$u \
		    >$(DESTDIR)$(UNITDIR)/$$u && \
		chmod 644 $(DESTDIR)$(UNITDIR)/$$u || exit 1; \
	done
	install -m 644 etc/engarded.sysusers \
	    $(DESTDIR)$(SYSUSERSDIR)/engarded.conf
	install -m 644 etc/engarded.tmpfiles \
	    $(DESTDIR)$(TMPFILESDIR)/engarded.conf
	if [ -z "$(DESTDIR)" ]; then $(MAKE) sysprep; fi

clean:
	rm -f $(PROGS) $(TOOLS) */*.o $(UNIT_TESTS) $(UNIT_TESTS:=.san) \
	    $(SAN_PROGS) \
	    engarded/assets.c
	rm -rf regress/out regress/fuzz/bin regress/fuzz/scratch

.PHONY: all unit san deps sysprep check demo bench soak fuzz lint-man install clean
