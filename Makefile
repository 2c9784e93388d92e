# habeas: the two commands a new user needs are `make run` and `make test`.
# Everything else here serves them. CMake does the building; ctest runs the tests.

BUILD      ?= build
ASAN_BUILD ?= build-asan
DB         ?= demo.db
PORT       ?= 8080
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)

# Debian packages the build and tests need (checked by name, installed if missing).
DEPS = build-essential cmake pkg-config libjansson-dev libsqlite3-dev libssl-dev \
       libcmocka-dev sqlite3 libmicrohttpd-dev libutf8proc-dev curl libsodium-dev \
       libcurl4-openssl-dev
# Intel's multi-buffer crypto: Debian builds it for amd64 only; verify falls back
# to libcrypto without it.
ifeq ($(shell uname -m),x86_64)
DEPS += libipsec-mb-dev
endif

.PHONY: all deps build asan run test test-fast test-asan bench lint format clean

all: build

deps:
	@missing=""; for p in $(DEPS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

$(BUILD)/Makefile $(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

asan: deps
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DHB_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)

run: build
	@scripts/run-demo.sh ./$(BUILD)/habeas $(DB) $(PORT)

test-fast: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-asan: asan
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 HB_SANITIZED=1 \
	  ctest --output-on-failure -j $(JOBS)

test: test-fast test-asan

bench: build
	./$(BUILD)/bench_import
	./$(BUILD)/bench_eligibility
	@$(MAKE) --no-print-directory deps DEPS="wrk nginx"
	HABEAS=$(CURDIR)/$(BUILD)/habeas bash bench/bench_http.sh
	@$(MAKE) --no-print-directory deps DEPS="openssl"
	HABEAS=$(CURDIR)/$(BUILD)/habeas HB_BENCH_DB=$(CURDIR)/$(BUILD)/bench_log.db bash bench/bench_verify.sh
	./$(BUILD)/bench_proofs --db $(BUILD)/bench_log.db

lint:
	clang-format --dry-run -Werror src/*/*.[ch] tests/*.[ch] bench/*.c
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	  --inline-suppr -I src --suppress=missingIncludeSystem \
	  --suppress=unknownMacro:tests/test_http_meta.c src tests bench

format:
	clang-format -i src/*/*.[ch] tests/*.[ch] bench/*.c

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
