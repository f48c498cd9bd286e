# verona — build, test, demo, install.
#   make               bin/verona and bin/verona-agent (-Wall -Wextra -Werror)
#   make SANITIZE=1    the same with ASan+UBSan
#   make deps          install the Debian packages the project needs (skips what is present)
#   make test          C unit tests and pytest end-to-end tests (needs root for namespaces)
#   make demo          replay experiments/sockets-tcp.yaml on the local testbed (needs root)
#   make install PREFIX=/usr/local
#   make bench         the benchmark suite (bench/): one table of figures against baselines (needs root)

VERSION  := 0.1.0
PREFIX   ?= /usr/local
CC       ?= cc
PKGS     := yaml-0.1 jansson libsodium
DEB_PKGS := build-essential pkg-config libyaml-dev libjansson-dev libsodium-dev \
            libpcap-dev iproute2 python3 python3-pytest procps tshark tcpdump nftables chromium

ifeq ($(SANITIZE),1)
VARIANT  := san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
OPT      := -O1
else
VARIANT  := rel
SANFLAGS :=
OPT      := -O2
endif

BUILD    := build/$(VARIANT)
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lyaml -ljansson -lsodium) -lpcap
CFLAGS   ?= $(OPT) -g
ALL_CFLAGS := -std=gnu11 $(CFLAGS) $(SANFLAGS) -Wall -Wextra -Werror -D_GNU_SOURCE \
              -DVERONA_VERSION='"$(VERSION)"' -Icommon -Ipcap -Iagent -Icontroller $(PKG_CFLAGS) -MMD -MP
LDFLAGS_ALL := $(SANFLAGS) $(LDFLAGS)

COMMON_SRC := $(wildcard common/*.c) $(wildcard pcap/*.c)
AGENT_SRC  := $(wildcard agent/*.c)
CTRL_SRC   := $(wildcard controller/*.c)
UNIT_SRC   := $(wildcard tests/unit/test_*.c)

COMMON_OBJ := $(COMMON_SRC:%.c=$(BUILD)/%.o)
AGENT_OBJ  := $(AGENT_SRC:%.c=$(BUILD)/%.o)
CTRL_OBJ   := $(CTRL_SRC:%.c=$(BUILD)/%.o)
# the controller's objects minus its main(), for unit tests
CTRL_LIB_OBJ := $(filter-out $(BUILD)/controller/verona.o $(BUILD)/controller/cmd-%.o,$(CTRL_OBJ))
UNIT_BIN   := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

# bin/ holds one variant at a time; switching variants relinks.
STAMP := bin/.variant-$(VARIANT)

PYTEST := $(shell if command -v pytest-3 >/dev/null 2>&1; then echo pytest-3; \
            elif /usr/bin/python3 -m pytest --version >/dev/null 2>&1; then echo "/usr/bin/python3 -m pytest"; \
            elif command -v pytest >/dev/null 2>&1; then echo pytest; fi)

.PHONY: all deps test unit e2e demo install clean check-pytest bench
all: bin/verona bin/verona-agent

$(STAMP):
	@mkdir -p bin
	@rm -f bin/.variant-*
	@touch $@

bin/verona: $(CTRL_OBJ) $(COMMON_OBJ) $(STAMP)
	$(CC) -o $@ $(CTRL_OBJ) $(COMMON_OBJ) $(LDFLAGS_ALL) $(PKG_LIBS) -lm

bin/verona-agent: $(AGENT_OBJ) $(COMMON_OBJ) $(STAMP)
	$(CC) -o $@ $(AGENT_OBJ) $(COMMON_OBJ) $(LDFLAGS_ALL) $(PKG_LIBS) -lm

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(CTRL_LIB_OBJ) $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(CTRL_LIB_OBJ) $(COMMON_OBJ) $(LDFLAGS_ALL) $(PKG_LIBS) -lm

unit: $(UNIT_BIN)
	@for t in $(UNIT_BIN); do $$t || exit 1; done

deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" != 0 ]; then echo "make deps: missing packages:$$missing; run as root (sudo make deps)" >&2; exit 2; fi; \
	  echo "installing:$$missing"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

check-pytest:
	@if [ -z "$(PYTEST)" ]; then echo "no pytest found: run 'sudo make deps' (Debian's python3-pytest)" >&2; exit 2; fi

# Tests need the binaries of the same variant; SANITIZE=1 makes the suite run against ASan+UBSan builds.
test: deps
	$(MAKE) all $(UNIT_BIN)
	$(MAKE) check-pytest
	VERONA_BUILD=$(BUILD) $(PYTEST) -q tests

demo: deps
	$(MAKE) all
	@if [ "$$(id -u)" != 0 ]; then echo "make demo: the local testbed needs root (network namespaces): sudo make demo" >&2; exit 2; fi
	bin/verona run experiments/sockets-tcp.yaml

# Benchmarks: never part of make test.  Always the release build.
DEB_PKGS += iperf3 ethtool
BENCH_TOOLS := build/bench/gen build/bench/pcaploop
build/bench/%: bench/%.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -o $@ $< -lpcap

bench: deps
	$(MAKE) all SANITIZE=
	$(MAKE) $(BENCH_TOOLS)
	@if [ "$$(id -u)" != 0 ]; then echo "make bench: the testbed figures need root (network namespaces): sudo make bench" >&2; exit 2; fi
	/usr/bin/python3 bench/run.py $(FIGURES)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/verona/experiments
	install -m 0755 bin/verona bin/verona-agent $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 experiments/*.yaml $(DESTDIR)$(PREFIX)/share/verona/experiments/

clean:
	rm -rf build bin

-include $(wildcard build/*/*/*.d build/*/*/*/*.d)
