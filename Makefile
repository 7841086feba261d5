# Ebiten needs cgo and the X11/OpenGL headers on Linux; the tests also need
# a virtual display (Xvfb). `make deps` installs what is missing on Debian.

GO ?= go
ARGS ?=

# Debian packages Ebiten builds against, and what the tests add.
PKGS := gcc libgl1-mesa-dev libxcursor-dev libxi-dev libxinerama-dev libxrandr-dev \
	libxxf86vm-dev libasound2-dev pkg-config
TEST_PKGS := $(PKGS) xvfb xauth

# ensure checks each package with dpkg -s and installs the missing ones:
# directly as root, through sudo when there is one, otherwise it prints the
# command to run and fails. apt-get update runs only when something is missing.
define ensure
	@set -e; \
	if [ "$$(uname -s)" != Linux ]; then \
		echo "deps: not Linux, nothing to install (Ebiten needs no system packages on macOS or Windows)"; exit 0; fi; \
	if ! command -v dpkg >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then \
		echo "deps: not a Debian system; install the equivalents of: $(strip $(1))"; exit 0; fi; \
	missing=""; \
	for p in $(1); do \
		dpkg -s $$p 2>/dev/null | grep -q '^Status: install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
		echo "deps: installing$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$$missing; \
	elif command -v sudo >/dev/null 2>&1; then \
		echo "deps: installing$$missing with sudo"; \
		sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$$missing; \
	else \
		echo "deps: missing packages; as root run: apt-get update && apt-get install -y$$missing" >&2; exit 1; \
	fi
endef

.PHONY: deps deps-test run test workshop crowded

deps:
	$(call ensure,$(PKGS))

deps-test:
	$(call ensure,$(TEST_PKGS))

run: deps
	$(GO) run ./cmd/boids $(ARGS)

# test fails first when go.mod or go.sum is not what `go mod tidy` would
# write: -diff prints the change and exits non-zero.
test: deps-test
	$(GO) mod tidy -diff
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt: these files are not formatted (run gofmt -w):"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) test -race ./...
	$(GO) test -run '^$$' -bench . -benchtime=1x ./...

# crowded runs the game in 64x64 worlds of 20,000 and 100,000 boids under
# Xvfb, every design in both regimes (MODES=free checks one), and fails
# under 10 frames/s, over a second from Escape to exit, or over 10 KB of
# peak memory per boid. Wall-clock figures: run it on a quiet machine. It
# needs xdotool (it presses Escape), GNU time and bc too.
crowded:
	$(call ensure,$(TEST_PKGS) xdotool time bc)
	scripts/crowded.sh

# workshop readies a participant's machine: the system packages, every
# build, the game with the race detector (exercise 2 runs it) and every
# exercise's checker compiled with it, none run, so the first check starts
# at once.
workshop: deps
	$(GO) build ./...
	$(GO) build -race -o /dev/null ./workshop/02-race
	$(GO) test -race -tags workshop -run '^$$' ./workshop/...
