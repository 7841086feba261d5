package check

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

// GoneAfter runs call, a method that ends goroutines (Close, Stop), and
// the moment it returns, with no retry and no pause, lists the goroutines
// still running code in the participant's file: such a method must wait
// until the goroutines it ends have ended. what names the call for the
// verdict ("Close", "New(100), Stop()").
//
// It runs with GOMAXPROCS 1. A goroutine's last act is to tell its waiter
// it is done (a WaitGroup.Done, closing a channel); on one P, the woken
// waiter runs only once that goroutine has exited, so a correct method
// never sees its goroutines, and a method that does not wait finds them
// still runnable, because it has not given up the P since it woke them.
// A call that does not return within Stall is a deadlock.
func GoneAfter(t *testing.T, ex Exercise, what string, call func()) {
	started.Store(true)
	if n, left := Running(ex, what, call); n > 0 {
		Fail("%s returned while %s of %s still ran:", what, plural(n, "goroutine"), ex.File)
		Fail("%s", left)
		Fail("%s must not return before the goroutines it ends have ended: wait for them.", what)
		t.Fatalf("goroutines still running when %s returned:\n%s", what, left)
	}
}

// Running runs call as GoneAfter does and returns how many goroutines ran
// code in ex.File the moment it returned, and where, one line per way.
func Running(ex Exercise, what string, call func()) (int, string) {
	groups, ok := goneAfter(ex.File, Stall, call)
	if !ok {
		Abort(ex,
			fmt.Sprintf("deadlock: %s did not return in %v.", what, Stall),
			"Where the goroutines wait (only those inside "+ex.File+"):",
			Stuck(ex.File))
	}
	n := 0
	for _, g := range groups {
		n += g.count
	}
	return n, format(groups)
}

// goneAfter runs call and returns the goroutines running code in file the
// moment it returned, or false when it did not return within d.
func goneAfter(file string, d time.Duration, call func()) ([]group, bool) {
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	dump := make(chan string, 1)
	buf := make([]byte, 1<<22)
	go func() {
		call()
		dump <- string(buf[:runtime.Stack(buf, true)])
	}()
	select {
	case d := <-dump:
		_, others, _ := strings.Cut(d, "\n\n")
		return stuckGroups(others, file), true
	case <-time.After(d):
		return nil, false
	}
}
