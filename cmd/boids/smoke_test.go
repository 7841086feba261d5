package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// built is the command, compiled once for every test that runs it.
var built struct {
	once sync.Once
	dir  string
	bin  string
	err  error
	out  []byte
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// buildBoids compiles this command into a temporary folder, once.
func buildBoids(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		if built.dir, built.err = os.MkdirTemp("", "boids-test-"); built.err != nil {
			return
		}
		built.bin = filepath.Join(built.dir, "boids")
		built.out, built.err = exec.Command("go", "build", "-o", built.bin, ".").CombinedOutput()
	})
	require.NoError(t, built.err, "go build: %s", built.out)
	return built.bin
}

// cannotRun ends a test that cannot run on this machine: a skip with the
// reason, or a failure when CI is set, since CI installs what the tests
// need (make deps-test).
func cannotRun(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("%s; CI is set, so a test that cannot run fails", why)
	}
	t.Skip(why)
}

// displayed runs bin on the display there is, or under xvfb-run.
func displayed(t *testing.T, ctx context.Context, bin string, args ...string) *exec.Cmd {
	t.Helper()
	if os.Getenv("DISPLAY") != "" {
		return exec.CommandContext(ctx, bin, args...)
	}
	xvfb, err := exec.LookPath("xvfb-run")
	if err != nil {
		cannotRun(t, "no display: DISPLAY is not set and xvfb-run is not installed (make deps-test installs it)")
	}
	return exec.CommandContext(ctx, xvfb, append([]string{"-a", "-s", "-screen 0 1920x1080x24", bin}, args...)...)
}

func TestSmokeScreenshot(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the game for a few seconds")
	}
	bin := buildBoids(t)
	shot := filepath.Join(t.TempDir(), "frame.png")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// A slow clock keeps the flock spread out over the screen (flocks merge
	// over thousands of ticks) however slowly frames come on a busy machine.
	cmd := displayed(t, ctx, bin, "-boids", "2000", "-frames", "120", "-screenshot", shot, "-seed", "1", "-tps", "10")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Run(), "stderr: %s", stderr.String())
	assert.Contains(t, stderr.String(), "seed 1: 2000 boids")
	assert.Contains(t, stderr.String(), "frames: 120")

	f, err := os.Open(shot)
	require.NoError(t, err)
	defer f.Close()
	img, err := png.Decode(f)
	require.NoError(t, err)
	require.Equal(t, image.Rect(0, 0, 1280, 720), img.Bounds())

	// Boids are saturated colours; the background and the status text are
	// grey. 2000 triangles of about 15 pixels each, minus overlaps.
	const cells = 4
	var total int
	var perCell [cells][cells]int
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if saturated(img, x, y) {
				total++
				perCell[y*cells/b.Dy()][x*cells/b.Dx()]++
			}
		}
	}
	assert.Greater(t, total, 6000, "boid-coloured pixels")
	var filled int
	for _, row := range perCell {
		for _, n := range row {
			if n >= 50 {
				filled++
			}
		}
	}
	assert.GreaterOrEqual(t, filled, 12, "cells of a 4x4 partition holding boids: %v", perCell)
}

func saturated(img image.Image, x, y int) bool {
	r, g, b, _ := img.At(x, y).RGBA()
	hi, lo := max(r, g, b)>>8, min(r, g, b)>>8
	return hi >= 128 && hi-lo >= 64
}

func TestBadFlagExits2WithOneLine(t *testing.T) {
	bin := buildBoids(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := displayed(t, ctx, bin, "-boids", "0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	require.True(t, errors.As(err, &exit), "want an exit status, got %v", err)
	assert.Equal(t, 2, exit.ExitCode())
	assert.Equal(t, "boids: invalid value \"0\" for flag -boids: allowed a whole number 1..100000\n", stderr.String())
	assert.Equal(t, 1, strings.Count(stderr.String(), "\n"))
}

// withoutDisplay is the environment with DISPLAY set to display, or
// removed when display is empty.
func withoutDisplay(display string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DISPLAY=") {
			env = append(env, kv)
		}
	}
	if display != "" {
		env = append(env, "DISPLAY="+display)
	}
	return env
}

// Help and flag errors need no display; a valid command says in one line
// that it has none, whether DISPLAY is unset or names a display that
// cannot be opened, and never shows GLFW's panic.
func TestWithoutDisplay(t *testing.T) {
	bin := buildBoids(t)
	for _, display := range []string{"", ":4093"} {
		for _, tt := range []struct {
			args []string
			code int
			want string
		}{
			{[]string{"-h"}, 0, "Usage: boids [flags]\n"},
			{[]string{"-boids", "0"}, 2, "boids: invalid value \"0\" for flag -boids: allowed a whole number 1..100000\n"},
			{[]string{"-boids", "10", "-frames", "1"}, 1, "boids: no display: "},
		} {
			t.Run(display+" "+strings.Join(tt.args, " "), func(t *testing.T) {
				cmd := exec.Command(bin, tt.args...)
				cmd.Env = withoutDisplay(display)
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				err := cmd.Run()
				code := 0
				var exit *exec.ExitError
				if errors.As(err, &exit) {
					code = exit.ExitCode()
				} else {
					require.NoError(t, err)
				}
				assert.Equal(t, tt.code, code, "stderr: %s", stderr.String())
				assert.True(t, strings.HasPrefix(stderr.String(), tt.want), "stderr: %s", stderr.String())
				assert.NotContains(t, stderr.String(), "panic")
				assert.NotContains(t, stderr.String(), "goroutine ")
				if tt.code != 0 {
					assert.Equal(t, 1, strings.Count(stderr.String(), "\n"), "one line: %s", stderr.String())
				}
			})
		}
	}
}

// A test binary of a windowed package, without a display and without
// xvfb-run, runs none of its tests: it must not look like a pass.
func TestTestBinaryWithoutDisplay(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the game package's test binary")
	}
	bin := filepath.Join(t.TempDir(), "game.test")
	out, err := exec.Command("go", "test", "-c", "-o", bin, "./game").CombinedOutput()
	require.NoError(t, err, "go test -c: %s", out)
	run := func(ci string) (string, int) {
		cmd := exec.Command(bin)
		cmd.Env = append(withoutDisplay(""), "PATH="+t.TempDir(), "CI="+ci)
		out, err := cmd.Output()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return string(out), exit.ExitCode()
		}
		require.NoError(t, err)
		return string(out), 0
	}
	out2, code := run("")
	assert.Equal(t, 0, code)
	assert.Contains(t, out2, "--- SKIP: no display")
	assert.Contains(t, out2, "\ntesting: warning: no tests to run\n", "go test shows [no tests to run]")
	out2, code = run("true")
	assert.Equal(t, 1, code)
	assert.Contains(t, out2, "--- FAIL: no display")
	assert.True(t, strings.HasSuffix(out2, "\nFAIL\n"), out2)
}

// startXvfb starts an X server of its own for the test and returns its
// display name; the server ends with the test.
func startXvfb(t *testing.T, args ...string) string {
	t.Helper()
	xvfb, err := exec.LookPath("Xvfb")
	if err != nil {
		cannotRun(t, "Xvfb is not installed (make deps-test installs it)")
	}
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	server := exec.Command(xvfb, append([]string{"-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp"}, args...)...)
	server.ExtraFiles = []*os.File{w}
	require.NoError(t, server.Start())
	w.Close()
	t.Cleanup(func() {
		// SIGTERM lets the server remove its lock file and socket.
		server.Process.Signal(syscall.SIGTERM)
		server.Wait()
	})
	// Xvfb writes its display number and a newline on fd 3, in two writes,
	// once it accepts connections; it stops if the second one fails.
	num, err := bufio.NewReader(r).ReadString('\n')
	require.NoError(t, err, "Xvfb did not start")
	return ":" + strings.TrimSpace(num)
}

// On a display without access control and no Xauthority file (a bare
// Xvfb), Ebiten's xgb connections used to log four lines before the
// program's first; they are normal there and dropped.
func TestNoXGBNoiseWithoutXauthority(t *testing.T) {
	bin := buildBoids(t)
	display := startXvfb(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-boids", "10", "-frames", "5")
	cmd.Env = append(withoutDisplay(display), "XAUTHORITY="+filepath.Join(t.TempDir(), "none"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Run(), "stderr: %s", stderr.String())
	assert.NotContains(t, stderr.String(), "XGB:")
	assert.True(t, strings.HasPrefix(stderr.String(), "seed "), stderr.String())
}

// A display that refuses the connection (it wants a cookie the program
// does not have) is one line too: Xlib's own complaint is not shown.
func TestRefusedDisplayIsOneLine(t *testing.T) {
	xauth, err := exec.LookPath("xauth")
	if err != nil {
		cannotRun(t, "xauth is not installed (make deps-test installs it)")
	}
	bin := buildBoids(t)
	auth := filepath.Join(t.TempDir(), "Xauthority")
	out, err := exec.Command(xauth, "-f", auth, "add", ":0", ".", "0123456789abcdef0123456789abcdef").CombinedOutput()
	require.NoError(t, err, "xauth: %s", out)
	display := startXvfb(t, "-auth", auth)

	cmd := exec.Command(bin, "-boids", "10", "-frames", "5")
	cmd.Env = append(withoutDisplay(display), "XAUTHORITY="+filepath.Join(t.TempDir(), "none"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	var exit *exec.ExitError
	require.True(t, errors.As(err, &exit), "want exit status 1, got %v; stderr:\n%s", err, stderr.String())
	assert.Equal(t, 1, exit.ExitCode())
	assert.Equal(t, "boids: no display: cannot open display "+display+" (on a headless machine, run under xvfb-run -a)\n", stderr.String())
}
