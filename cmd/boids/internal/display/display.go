// Package display decides, before Ebiten starts, what a program does when
// no X display can be opened. Ebiten v2.8 initializes GLFW in an init
// function and panics, with a stack, when that fails; no later code can
// recover from a panic during package initialization. Go initializes, at
// each step, the first package in import-path order whose imports are all
// initialized. This one (github.com/boids-project/...) sorts before Ebiten's
// (github.com/hajimehoshi/...), and its imports (the standard library,
// this module's cli and boids, and xgb, which Ebiten's ui package imports
// too) are all ready no later than Ebiten's ui package is, so its init runs
// first: it opens the display as GLFW would and, when that fails, ends the
// program with one line instead. Import it for that side effect.
//
// Without a display:
//   - the boids command still answers -h (exit 0) and bad flags (one line,
//     exit 2); a valid command, which needs the window, gets one line and
//     exit 1;
//   - any other program (the workshop's exercises) gets one line, exit 1;
//   - a test binary restarts itself under xvfb-run when there is one;
//     otherwise none of its tests can run, which it reports as
//     "[no tests to run]" with the reason, and as a failure when the
//     environment variable CI is set (CI installs xvfb, so a missing display
//     there is a broken machine, not a skip).
package display

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"

	"github.com/boids-project/boids/cmd/boids/cli"
)

// reexec marks a test binary already restarted under xvfb-run.
const reexec = "BOIDS_UNDER_XVFB"

// boidsCmd is the boids command's package: the only program whose flags
// this package knows how to check. The workshop's exercises register a
// design of their own before parsing, which an init cannot see.
const boidsCmd = "github.com/boids-project/boids/cmd/boids"

func init() {
	err := probe()
	if err == nil {
		return
	}
	env := environment{
		args: os.Args, getenv: os.Getenv, stdout: os.Stdout, stderr: os.Stderr,
		lookPath: lookPath, exec: syscall.Exec, mainPath: mainPath(), pid: os.Getpid(),
	}
	os.Exit(env.missing(err))
}

// environment is what missing may look at and act on, so that a test can
// drive it without a process of its own.
type environment struct {
	args           []string
	getenv         func(string) string
	stdout, stderr io.Writer
	lookPath       func(string) string
	exec           func(argv0 string, argv []string, envv []string) error
	mainPath       string
	pid            int // the process's, which picks its first display number
}

// firstServer and servers place a restarted test binary's first try at a
// display number of its own (xvfb-run -a then counts up from it past any in
// use). go test runs test binaries side by side, and with xvfb-run's
// default every one of them first tried :99, where their servers start and
// stop in turn: one of them once failed in Ebiten's init to open :99 while
// the other windowed packages' tests ran beside it.
const firstServer, servers = 100, 800

// missing handles a display that cannot be opened (why) and returns the
// exit status.
func (e environment) missing(why error) int {
	if strings.HasSuffix(e.args[0], ".test") {
		return e.test(why)
	}
	if e.mainPath == boidsCmd {
		if _, code, done := cli.Command(e.args[1:], e.stderr); done {
			return code
		}
	}
	fmt.Fprintf(e.stderr, "boids: no display: %v (on a headless machine, run under xvfb-run -a)\n", why)
	return 1
}

// test restarts a test binary under a virtual display, or reports that its
// tests did not run.
func (e environment) test(why error) int {
	if xvfb := e.lookPath("xvfb-run"); xvfb != "" && e.getenv(reexec) == "" {
		env := append(os.Environ(), reexec+"=1")
		first := strconv.Itoa(firstServer + e.pid%servers)
		err := e.exec(xvfb, append([]string{xvfb, "-a", "-n", first, e.args[0]}, e.args[1:]...), env)
		fmt.Fprintln(e.stderr, "display: running the tests under xvfb-run:", err)
		return 1
	}
	reason := fmt.Sprintf("no display (%v) and no xvfb-run to make one; install xvfb (make deps-test)", why)
	if e.getenv(reexec) != "" {
		reason = fmt.Sprintf("no display under xvfb-run: %v", why)
	}
	if e.getenv("CI") != "" {
		fmt.Fprintf(e.stdout, "--- FAIL: %s: no test of this package ran, and CI is set\nFAIL\n", reason)
		return 1
	}
	// cmd/go marks the package "[no tests to run]" on seeing this line, so
	// the skip shows without -v.
	fmt.Fprintf(e.stdout, "--- SKIP: %s\ntesting: warning: no tests to run\nPASS\n", reason)
	return 0
}

func mainPath() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		return bi.Path
	}
	return ""
}

func lookPath(name string) string {
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	return ""
}
