package display

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// reexec marks a test binary already restarted under xvfb-run.
const reexec = "BOIDS_UNDER_XVFB"

func init() {
	if os.Getenv("DISPLAY") != "" {
		return
	}
	if !strings.HasSuffix(os.Args[0], ".test") {
		fmt.Fprintln(os.Stderr, "boids: no display: DISPLAY is not set (on a headless machine, run under xvfb-run -a)")
		os.Exit(1)
	}
	// A test binary (go test) restarts itself under a virtual display, so
	// that the tests of packages built on Ebiten run on headless machines.
	if xvfb := lookPath("xvfb-run"); xvfb != "" && os.Getenv(reexec) == "" {
		os.Setenv(reexec, "1")
		args := append([]string{xvfb, "-a", os.Args[0]}, os.Args[1:]...)
		err := syscall.Exec(xvfb, args, os.Environ())
		fmt.Fprintln(os.Stderr, "display: running the tests under xvfb-run:", err)
		os.Exit(1)
	}
	fmt.Println("--- SKIP: no display (DISPLAY is not set) and no xvfb-run to make one; install xvfb to run these tests")
	fmt.Println("PASS")
	os.Exit(0)
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
