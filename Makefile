SHELL := /bin/bash

# ngx_http_ims_ut_module: build, test, run.
#
#   make          build objs/ngx_http_ims_ut_module.so against Debian's nginx-dev
#   make test     the whole suite (unit tests, Test::Nginx suite, lab tests)
#   make run      nginx with the module in front of the GBA lab, foreground
#   make fuzz     every fuzz target under ASan/UBSan for FUZZ_SECONDS each
#   make bench    benchmarks, printing ratios against a baseline

NGX_SRC      ?= /usr/share/nginx/src
NGINX        ?= /usr/sbin/nginx
BUILD        ?= build
NGX_BUILD     = $(BUILD)/nginx
MODULE        = $(NGX_BUILD)/objs/ngx_http_ims_ut_module.so
FUZZ_SECONDS ?= 20
TEST_FUZZ_SECONDS ?= 5
LAB_PYTHON   ?= /usr/bin/python3

MOD_DIR       = ngx_ims_ut_module
MOD_SRCS      = $(wildcard $(MOD_DIR)/*.c)
MOD_HDRS      = $(wildcard $(MOD_DIR)/*.h)

# Include paths of a configured nginx tree: unit tests and fuzzers compile
# the module's pure parsers against the same headers as the module.
NGX_INCS      = -I$(NGX_BUILD)/src/core -I$(NGX_BUILD)/src/event \
                -I$(NGX_BUILD)/src/event/modules -I$(NGX_BUILD)/src/os/unix \
                -I$(NGX_BUILD)/src/http -I$(NGX_BUILD)/src/http/modules \
                -I$(NGX_BUILD)/src/http/v2 \
                -I$(NGX_BUILD)/objs -I$(MOD_DIR)

.PHONY: all deps module test unit prove labtest run demo fuzz bench clean \
        table certs

all: module

deps:
	@scripts/deps.sh build

$(NGX_BUILD)/objs/Makefile: config | deps
	rm -rf $(NGX_BUILD)
	mkdir -p $(BUILD)
	cp -r $(NGX_SRC) $(NGX_BUILD)
	cd $(NGX_BUILD) && bash -c '. ./conf_flags && \
	    ./configure "$${NGX_CONF_FLAGS[@]}" \
	        --add-dynamic-module=$(CURDIR)' > $(CURDIR)/$(BUILD)/configure.log 2>&1 \
	    || { tail -30 $(CURDIR)/$(BUILD)/configure.log; exit 1; }

$(MODULE): $(NGX_BUILD)/objs/Makefile $(MOD_SRCS) $(MOD_HDRS)
	$(MAKE) -C $(NGX_BUILD) -f objs/Makefile modules

module: deps $(MODULE)
	@echo "built $(MODULE)"

# The cipher-suite table is generated; regenerate it after updating the CSV.
table:
	python3 tools/gen_suite_table.py data/iana-tls-cipher-suites.csv \
	    $(MOD_DIR)/ngx_ims_ut_suite_table.c

# C unit tests of the pure parsers, TAP output, run by prove.
UNIT_SRCS     = $(wildcard tests/unit/test_*.c)
UNIT_BINS     = $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(UNIT_SRCS))
UNIT_CFLAGS   = -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter \
                -fsanitize=address,undefined -fno-sanitize-recover=all \
                $(NGX_INCS) -Itests/unit
# Pure functions over bytes (no nginx runtime): unit tests and fuzzers link
# them directly, without the rest of nginx.
PURE_NAMES    = suite_table suites digest nonce zn xcap
PURE_SRCS     = $(wildcard $(patsubst %,$(MOD_DIR)/ngx_ims_ut_%.c,$(PURE_NAMES)))

$(BUILD)/unit/%: tests/unit/%.c $(PURE_SRCS) $(MOD_HDRS) tests/unit/tap.h \
                 $(NGX_BUILD)/objs/Makefile
	@mkdir -p $(BUILD)/unit
	$(CC) $(UNIT_CFLAGS) -o $@ $< $(PURE_SRCS) -ljansson -lcrypto

unit: deps $(UNIT_BINS)
	@scripts/deps.sh test
	prove --exec "" $(UNIT_BINS)

certs:
	@scripts/make-certs.sh $(BUILD)/certs

prove: module certs
	TEST_NGINX_BINARY=$(NGINX) \
	TEST_NGINX_LOAD_MODULES=$(CURDIR)/$(MODULE) \
	TEST_NGINX_CERT_DIR=$(CURDIR)/$(BUILD)/certs \
	prove -I t/lib t/

# The GBA lab's own tests (Milenage, KDF, BSF, UE) and the end-to-end demo.
labtest:
	@scripts/deps.sh run
	$(LAB_PYTHON) -m unittest discover -s lab/tests

demo: module
	@scripts/deps.sh run
	lab/demo.sh

test: deps
	@scripts/deps.sh test fuzz
	$(MAKE) unit
	$(MAKE) labtest
	$(MAKE) demo
	$(MAKE) fuzz FUZZ_SECONDS=$(TEST_FUZZ_SECONDS)
	$(MAKE) prove

run: deps
	@scripts/deps.sh run
	$(MAKE) module
	lab/run.sh

# libFuzzer targets under ASan/UBSan, each run for FUZZ_SECONDS from its seeds.
FUZZ_SRCS     = $(wildcard fuzz/fuzz_*.c)
FUZZ_BINS     = $(patsubst fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))
FUZZ_CFLAGS   = -g -O1 -fsanitize=fuzzer,address,undefined \
                -fno-sanitize-recover=all $(NGX_INCS)

$(BUILD)/fuzz/%: fuzz/%.c $(PURE_SRCS) $(MOD_HDRS) $(NGX_BUILD)/objs/Makefile
	@mkdir -p $(BUILD)/fuzz
	clang $(FUZZ_CFLAGS) -o $@ $< $(PURE_SRCS) -ljansson -lcrypto

fuzz: deps
	@scripts/deps.sh fuzz
	$(MAKE) $(FUZZ_BINS)
	@set -eo pipefail; for f in $(FUZZ_BINS); do \
	    n=$$(basename $$f); \
	    mkdir -p $(BUILD)/fuzz/corpus-$$n; \
	    echo "== $$n ($(FUZZ_SECONDS)s)"; \
	    $$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	        $(BUILD)/fuzz/corpus-$$n fuzz/seeds/$$n 2>&1 | tail -n 12; \
	done

bench: module certs
	@scripts/deps.sh bench
	bench/run.sh

clean:
	rm -rf $(BUILD) t/servroot
