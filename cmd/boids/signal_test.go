package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// needDisplay skips, or fails under CI, when the test cannot talk to the
// game directly: a signal sent to xvfb-run would not reach it. The test
// binary restarts itself under xvfb-run when it has no display (package
// internal/display), so DISPLAY is set here whenever xvfb is installed.
func needDisplay(t *testing.T) {
	t.Helper()
	if os.Getenv("DISPLAY") != "" {
		return
	}
	cannotRun(t, "no display: DISPLAY is not set (make deps-test installs xvfb)")
}

// SIGINT and SIGTERM are a request to quit: the game loop ends, every file
// is complete and parses, the summary is printed, and the exit status is
// the shell's 128 + signal.
func TestSignalEndsTheRunCleanly(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the game twice and parses its profiles")
	}
	needDisplay(t)
	bin := buildBoids(t)
	// A background job of a shell script has SIGINT ignored, and children
	// inherit that; a signal this process catches is reset to the default
	// in a child, so catching SIGINT while the children start gives them
	// the disposition an interactive Ctrl-C meets (before the fix, a
	// killed program, not one that ignores the test).
	if signal.Ignored(os.Interrupt) {
		signal.Notify(make(chan os.Signal, 1), os.Interrupt)
		defer signal.Reset(os.Interrupt)
	}
	for _, tt := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}} {
		t.Run(tt.sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			file := func(name string) string { return filepath.Join(dir, name) }
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, "-boids", "300", "-seed", "1",
				"-metrics-csv", file("m.csv"), "-cpuprofile", file("cpu.prof"), "-trace", file("trace.out"),
				"-mutexprofile", file("mutex.prof"), "-blockprofile", file("block.prof"))
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			require.NoError(t, cmd.Start())

			// The first row of the metrics file is written by the game
			// loop a second into the run: the window is up and drawing.
			deadline := time.Now().Add(time.Minute)
			for rows(t, file("m.csv")) < 1 {
				require.True(t, time.Now().Before(deadline), "no metrics row after a minute")
				time.Sleep(20 * time.Millisecond)
			}
			require.NoError(t, cmd.Process.Signal(tt.sig))
			err := cmd.Wait()
			var exit *exec.ExitError
			require.True(t, errors.As(err, &exit), "want an exit status, got %v; stderr:\n%s", err, stderr.String())
			assert.Equal(t, tt.code, exit.ExitCode(), "stderr:\n%s", stderr.String())
			assert.Contains(t, stderr.String(), "\nframes: ", "the exit summary")

			csv, err := os.ReadFile(file("m.csv"))
			require.NoError(t, err)
			lines := strings.Split(strings.TrimSuffix(string(csv), "\n"), "\n")
			require.True(t, strings.HasSuffix(string(csv), "\n"), "the last row is whole")
			cols := strings.Count(lines[0], ",")
			for i, l := range lines {
				assert.Equal(t, cols, strings.Count(l, ","), "row %d: %s", i, l)
			}
			for _, p := range []string{"cpu.prof", "mutex.prof", "block.prof"} {
				out, err := exec.Command("go", "tool", "pprof", "-raw", file(p)).CombinedOutput()
				assert.NoError(t, err, "go tool pprof -raw %s: %s", p, out)
			}
			out, err := exec.Command("go", "tool", "trace", "-pprof=sched", file("trace.out")).CombinedOutput()
			assert.NoError(t, err, "go tool trace: %.500s", out)
		})
	}
}

// rows counts the data rows of a CSV file being written, 0 before it
// exists.
func rows(t *testing.T, name string) int {
	b, err := os.ReadFile(name)
	if errors.Is(err, os.ErrNotExist) {
		return 0
	}
	require.NoError(t, err)
	return max(0, strings.Count(string(b), "\n")-1)
}

// A write that fails, even one the runtime makes in the background for a
// profile, ends the run with one line per output and exit status 1.
func TestOutputFailureExits1(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full on this system")
	}
	needDisplay(t)
	bin := buildBoids(t)
	for _, flag := range []string{"cpuprofile", "trace", "mutexprofile", "blockprofile", "metrics-csv"} {
		t.Run(flag, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, "-boids", "50", "-frames", "10", "-"+flag, "/dev/full")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			var exit *exec.ExitError
			require.True(t, errors.As(err, &exit), "want exit status 1, got %v; stderr:\n%s", err, stderr.String())
			assert.Equal(t, 1, exit.ExitCode())
			name := strings.ReplaceAll(flag, "-", " ")
			assert.Contains(t, stderr.String(), fmt.Sprintf("boids: %s: write /dev/full: no space left on device\n", name))
		})
	}
}
