//go:build linux && cgo

package display

/*
#cgo LDFLAGS: -ldl
#include <dlfcn.h>
#include <stddef.h>

// canOpenDisplay opens and closes the display DISPLAY names with Xlib,
// as GLFW's X11 backend does: 1 when it opens, 0 when it does not, -1
// when libX11 is not installed. The library stays loaded: GLFW loads it
// again at once.
static int canOpenDisplay(void) {
	void *lib = dlopen("libX11.so.6", RTLD_LAZY | RTLD_GLOBAL);
	if (lib == NULL) {
		return -1;
	}
	void *(*open)(const char *) = (void *(*)(const char *))dlsym(lib, "XOpenDisplay");
	int (*close)(void *) = (int (*)(void *))dlsym(lib, "XCloseDisplay");
	if (open == NULL || close == NULL) {
		return -1;
	}
	void *d = open(NULL);
	if (d == NULL) {
		return 0;
	}
	close(d);
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
