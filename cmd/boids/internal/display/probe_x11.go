//go:build linux && cgo

package display

/*
#cgo LDFLAGS: -ldl
#include <dlfcn.h>
#include <fcntl.h>
#include <stddef.h>
#include <unistd.h>

// canOpenDisplay opens and closes the display DISPLAY names with Xlib,
// as GLFW's X11 backend does: 1 when it opens, 0 when it does not, -1
// when libX11 is not installed. The library stays loaded: GLFW loads it
// again at once. Xlib writes lines of its own to stderr when the server
// refuses the connection ("Authorization required, ..."); the caller says
// it in one line, so stderr is /dev/null while the display opens.
static int canOpenDisplay(void) {
	void *lib = dlopen("libX11.so.6", RTLD_LAZY | RTLD_GLOBAL);
	if (lib == NULL) {
		return -1;
	}
	void *(*xopen)(const char *) = (void *(*)(const char *))dlsym(lib, "XOpenDisplay");
	int (*xclose)(void *) = (int (*)(void *))dlsym(lib, "XCloseDisplay");
	if (xopen == NULL || xclose == NULL) {
		return -1;
	}
	int saved = dup(2);
	int null = open("/dev/null", O_WRONLY);
	int quiet = saved >= 0 && null >= 0 && dup2(null, 2) >= 0;
	void *d = xopen(NULL);
	if (quiet) {
		dup2(saved, 2);
	}
	if (saved >= 0) {
		close(saved);
	}
	if (null >= 0) {
		close(null);
	}
	if (d == NULL) {
		return 0;
	}
	xclose(d);
	return 1;
}
*/
import "C"

import (
	"errors"
	"fmt"
	"os"
)

// probe reports why the X display cannot be opened, or nil.
func probe() error {
	name := os.Getenv("DISPLAY")
	if name == "" {
		return errors.New("DISPLAY is not set")
	}
	switch C.canOpenDisplay() {
	case 1:
		return nil
	case -1:
		return errors.New("libX11.so.6 is not installed")
	}
	return fmt.Errorf("cannot open display %s", name)
}
