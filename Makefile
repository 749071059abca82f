# coretop — plain Makefile. `make` builds ./coretop; `make run` starts it; `make test`
# runs every test; `make check` runs them again under ASan + UBSan.
# Missing Debian dependencies are installed first (tools/deps.sh).

CC      ?= cc
BUILD   ?= build
PREFIX  ?= /usr/local
VERSION := 0.1.0

PKGS      := hwloc libproc2 jansson
TUI_PKGS  := ncursesw inih
BLAS_PKGS := openblas lapacke
TEST_PKGS := cmocka

pc = $(shell pkg-config $(1) $(2) 2>/dev/null)

WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2
ifeq ($(WERROR),1)
WARN    += -Werror
endif
OPT     ?= -O2 -g
CFLAGS  ?=
SAN_FLAGS :=
ifeq ($(SAN),1)
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
OPT     := -O1 -g
endif
# sampler/ and tuner/ never see the curses flags, so a curses include there fails to build;
# tui/ and the command line (cmd/) add them (TUI_CFLAGS below).
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -DCORETOP_VERSION='"$(VERSION)"' $(WARN) $(OPT) \
	$(SAN_FLAGS) -MMD -MP -I. $(call pc,--cflags,$(PKGS)) $(CFLAGS)
TUI_CFLAGS = $(call pc,--cflags,$(TUI_PKGS))
LDFLAGS ?=
ALL_LDFLAGS = $(SAN_FLAGS) $(LDFLAGS)

SAMPLER_SRC := $(wildcard sampler/*.c)
TUNER_SRC   := $(wildcard tuner/*.c)
TUI_SRC     := $(wildcard tui/*.c)
CMD_SRC     := $(wildcard cmd/*.c)
TEST_SRC    := $(wildcard tests/test_*.c)

# The default build puts the programs at the top; `make check` keeps its own apart.
BIN := $(if $(filter build,$(BUILD)),.,$(BUILD))
CORETOP := $(BIN)/coretop
CORETOP_BENCH := $(BIN)/coretop-bench

obj = $(patsubst %.c,$(BUILD)/%.o,$(1))
LIBSAMPLER := $(BUILD)/libsampler.a
LIBTUNER   := $(BUILD)/libtuner.a
LIBTUI     := $(BUILD)/libtui.a
TESTS      := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRC))

BASE_LIBS  = $(call pc,--libs,$(PKGS)) -lm -lpthread
TUI_LIBS   = $(call pc,--libs,$(TUI_PKGS))

.SECONDARY:
.PHONY: all deps test-deps run test check fuzz bench bench-scale install clean hdr-check rooms pictures
all: deps $(CORETOP) $(CORETOP_BENCH)

deps:
	@sh tools/deps.sh
test-deps:
	@sh tools/deps.sh --test

$(BUILD)/%.o: %.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

# An empty module still makes a (valid, empty) archive.
archive = mkdir -p $(dir $@); rm -f $@; $(if $^,ar rcs $@ $^,printf '!<arch>\n' >$@)
$(LIBSAMPLER): $(call obj,$(SAMPLER_SRC))
	@$(archive)
$(LIBTUNER): $(call obj,$(TUNER_SRC))
	@$(archive)
$(LIBTUI): $(call obj,$(TUI_SRC))
	@$(archive)

# coretop itself never links OpenBLAS (DESIGN.md: its pthread build starts a pool of
# one thread per CPU at load time); the workload is its own executable.
$(CORETOP): $(call obj,$(CMD_SRC)) $(LIBTUI) $(LIBTUNER) $(LIBSAMPLER)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TUI_LIBS) $(BASE_LIBS)

$(CORETOP_BENCH): $(call obj,cmd/workload/bench.c cmd/opts.c sampler/escape.c)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(call pc,--libs,$(BLAS_PKGS) jansson) -lm

$(BUILD)/cmd/workload/%.o: ALL_CFLAGS += $(call pc,--cflags,$(BLAS_PKGS))
$(BUILD)/tui/%.o $(BUILD)/cmd/%.o $(BUILD)/tests/test_tui_%.o: ALL_CFLAGS += $(TUI_CFLAGS)

# The curses headers sit in /usr/include, so leaving out the flags alone would not stop
# an include: sampler/ and tuner/ are compiled with a folder first on the include path
# whose curses headers are an #error.
NOCURSES := $(BUILD)/nocurses
NOCURSES_H := $(addprefix $(NOCURSES)/,curses.h ncurses.h ncursesw/curses.h ncursesw/ncurses.h)
$(NOCURSES_H):
	@mkdir -p $(dir $@)
	@echo '#error "only tui/ and cmd/ may include curses: sampler/ and tuner/ hand data to them"' >$@
$(call obj,$(SAMPLER_SRC) $(TUNER_SRC)): ALL_CFLAGS += -I$(NOCURSES)
$(call obj,$(SAMPLER_SRC) $(TUNER_SRC)): | $(NOCURSES_H)

# Every header compiles on its own: it includes what it uses.
HEADERS := $(wildcard sampler/*.h tuner/*.h tui/*.h cmd/*.h)
HDR_STAMPS := $(patsubst %.h,$(BUILD)/hdr/%.ok,$(HEADERS))
$(BUILD)/hdr/%.ok: %.h | deps $(NOCURSES_H)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(if $(filter tui/% cmd/%,$<),$(TUI_CFLAGS),-I$(NOCURSES)) -MF $(@:.ok=.d) \
		-MT $@ -fsyntax-only -x c -include $< /dev/null
	@touch $@
hdr-check: $(HDR_STAMPS)

# The rooms keep their shape: include arrows point down, files and functions stay short.
rooms:
	@sh tools/layers.sh
	@sh tools/sizes.sh

# Sampler and tuner tests link without curses; tests/test_tui_* add the TUI.
$(BUILD)/tests/test_tui_%: $(BUILD)/tests/test_tui_%.o $(LIBTUI) $(LIBTUNER) $(LIBSAMPLER)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(call pc,--libs,$(TEST_PKGS)) $(TUI_LIBS) $(BASE_LIBS)
# tui/actions.c has no curses: its test links it alone, without them.
$(BUILD)/tests/test_actions: $(BUILD)/tests/test_actions.o $(BUILD)/tui/actions.o $(LIBTUNER) $(LIBSAMPLER)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(call pc,--libs,$(TEST_PKGS)) $(BASE_LIBS)
# tests/test_config checks tui/config.c, which looks headings up in the table's views.
$(BUILD)/tests/test_config: $(BUILD)/tests/test_config.o $(LIBTUI) $(LIBTUNER) $(LIBSAMPLER)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(call pc,--libs,$(TEST_PKGS)) $(TUI_LIBS) $(BASE_LIBS)
# tui/history.c and tui/spark.c are pure data: their test links them alone, without curses.
$(BUILD)/tests/test_history: $(BUILD)/tests/test_history.o $(call obj,tui/history.c tui/spark.c) \
		$(LIBSAMPLER)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(call pc,--libs,$(TEST_PKGS)) $(BASE_LIBS)
$(BUILD)/tests/%: $(BUILD)/tests/%.o $(LIBTUNER) $(LIBSAMPLER)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(call pc,--libs,$(TEST_PKGS)) $(BASE_LIBS)

# Stand-in libraries for tests/test_elf.c (MKL, Polars, pip's OpenBLAS naming).
ELF_FIXTURES := $(BUILD)/fixtures/elf/.built
$(ELF_FIXTURES): tests/fixtures/elf/fake.c tests/fixtures/elf/build.sh
	@CC=$(CC) sh tests/fixtures/elf/build.sh $(dir $@) && touch $@

run: all
	$(CORETOP) $(ARGS)

test: test-deps all hdr-check rooms $(TESTS) $(ELF_FIXTURES)
	@BUILD=$(BUILD) CORETOP=$(CORETOP) CORETOP_BENCH=$(CORETOP_BENCH) sh tests/run.sh

check:
	$(MAKE) BUILD=build-san SAN=1 test

# libFuzzer over every parser: FUZZ_SECONDS each run (default 600: issue 13's ten
# minutes a harness). Each harness links the whole of the modules it reaches, so that a
# new file there cannot break the build.
FUZZ_SECONDS ?= 600
FUZZ_CC = clang -std=c11 -D_GNU_SOURCE -g -O1 -I. -fsanitize=fuzzer,address,undefined \
	$(call pc,--cflags,$(PKGS))
fuzz: deps
	@mkdir -p build-fuzz/corpus build-fuzz/corpus-export build-fuzz/corpus-escape \
		build-fuzz/corpus-config
	$(FUZZ_CC) -o build-fuzz/fuzz_parse tests/fuzz/fuzz_parse.c $(SAMPLER_SRC) \
		$(call pc,--libs,$(PKGS)) -lm -lpthread
	$(FUZZ_CC) -o build-fuzz/fuzz_export tests/fuzz/fuzz_export.c $(SAMPLER_SRC) $(TUNER_SRC) \
		$(call pc,--libs,$(PKGS)) -lm -lpthread
	$(FUZZ_CC) -o build-fuzz/fuzz_escape tests/fuzz/fuzz_escape.c sampler/escape.c \
		$(call pc,--libs,jansson)
	$(FUZZ_CC) -o build-fuzz/fuzz_config tests/fuzz/fuzz_config.c tui/config.c tui/table.c \
		tui/table_columns.c tui/table_pools.c tui/layout.c tui/history.c tui/spark.c \
		$(SAMPLER_SRC) $(call pc,--libs,$(PKGS) inih) -lm -lpthread
	build-fuzz/fuzz_parse -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
		build-fuzz/corpus tests/fuzz/corpus
	build-fuzz/fuzz_export -max_total_time=$(FUZZ_SECONDS) -max_len=16384 \
		build-fuzz/corpus-export tests/fuzz/corpus-export
	build-fuzz/fuzz_escape -max_total_time=$(FUZZ_SECONDS) -max_len=1024 build-fuzz/corpus-escape
	build-fuzz/fuzz_config -max_total_time=$(FUZZ_SECONDS) -max_len=2048 build-fuzz/corpus-config \
		tests/fuzz/corpus-config

# The README's pictures, from a real terminal (tools/pictures.sh): assets/*.png and the
# text captures beside them. Not part of the tests: it needs Chromium.
pictures: all
	@sh tools/deps.sh --pictures
	sh tools/pictures.sh

bench: all
	@sh tests/bench/run.sh
	@sh tests/bench/tui_bench.sh
	@sh tests/bench/tune_quality.sh

# Issue 15's targets at 10k, 50k and 150k threads (tests/bench/scale.sh): ~10 minutes,
# as root (it raises kernel.pid_max for the run and puts it back).
bench-scale: all
	@sh tests/bench/scale.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 coretop coretop-bench $(DESTDIR)$(PREFIX)/bin/
	install -m 644 docs/coretop.1 $(DESTDIR)$(PREFIX)/share/man/man1/

clean:
	rm -rf build build-san build-fuzz coretop coretop-bench

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
