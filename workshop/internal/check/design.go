package check

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/boids-project/boids/boids"
	"github.com/boids-project/boids/boids/boidstest"
	"go.uber.org/goleak"
)

// Stall is how long no call into the design may finish, while some are
// inside it, before the checker calls it a deadlock. The suite's own
// timeouts are longer (20 s) and cannot end a flock whose boids are stuck.
const Stall = 5 * time.Second

// Design runs the conformance suite (boidstest.TestStrategy) on the design
// newStrategy makes. The design is wrapped so that a panic in any of its
// methods, or a deadlock, ends the run at once with a verdict naming it;
// after the suite, goleak checks that Close ended the design's goroutines.
func Design(t *testing.T, ex Exercise, newStrategy func() boids.Strategy) {
	NeedRace(t)
	w := &watch{ex: ex, stop: make(chan struct{}), done: make(chan struct{})}
	go w.run()
	boidstest.TestStrategy(t, func() boids.Strategy { return guarded{newStrategy(), w} })
	close(w.stop)
	<-w.done
	if t.Failed() {
		return
	}
	if err := goleak.Find(); err != nil {
		Fail("goroutines are still running after the test closed every design:")
		Fail("  Close must end every goroutine the design started, and wait for it.")
		Fail("  %s", Leaks(err))
		t.Fatal(LeakStacks(err))
	}
}

// NeedRace starts a check: it fails the test when the binary was built
// without -race. Every check calls it first.
func NeedRace(t *testing.T) {
	started.Store(true)
	if !Race {
		Fail("the checker needs the race detector: run it with -race, as in")
		Fail("  go test -race -tags workshop")
		t.Fatal("built without -race")
	}
}

// watch counts calls into the design to tell a deadlock from slow work.
type watch struct {
	ex       Exercise
	inside   atomic.Int64
	finished atomic.Uint64
	stop     chan struct{}
	done     chan struct{}
}

func (w *watch) run() {
	defer close(w.done)
	tk := time.NewTicker(Stall / 20)
	defer tk.Stop()
	last, since := w.finished.Load(), time.Now()
	for {
		select {
		case <-w.stop:
			return
		case <-tk.C:
		}
		if f := w.finished.Load(); f != last || w.inside.Load() == 0 {
			last, since = f, time.Now()
			continue
		}
		if time.Since(since) >= Stall {
			Abort(w.ex,
				fmt.Sprintf("deadlock: for %v no call into your design finished, while %d calls were inside it.", Stall, w.inside.Load()),
				"Where the goroutines wait (only those inside "+w.ex.File+"):",
				Stuck(w.ex.File))
		}
	}
}

// Stuck returns, for the goroutines whose stack passes through file, the
// stack lines in that file, one goroutine per line, grouped when equal.
func Stuck(file string) string {
	buf := make([]byte, 1<<22)
	buf = buf[:runtime.Stack(buf, true)]
	count := map[string]int{}
	var order []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		lines := strings.Split(g, "\n")
		var at []string
		for i := 1; i+1 < len(lines); i += 2 {
			if strings.Contains(lines[i+1], "/"+file+":") {
				fn := lines[i]
				if j := strings.LastIndex(fn, "("); j > 0 {
					fn = fn[:j]
				}
				fn = fn[strings.LastIndex(fn, "/")+1:]
				fn = fn[strings.Index(fn, ".")+1:]
				loc := strings.TrimSpace(lines[i+1])
				if j := strings.LastIndex(loc, "/"); j >= 0 {
					loc = loc[j+1:]
				}
				if j := strings.Index(loc, " "); j >= 0 {
					loc = loc[:j]
				}
				at = append(at, fn+" at "+loc)
			}
		}
		if len(at) == 0 {
			continue
		}
		state := lines[0]
		if i, j := strings.Index(state, "["), strings.Index(state, "]"); i >= 0 && j > i {
			state = state[i+1 : j]
			if k := strings.Index(state, ","); k >= 0 {
				state = state[:k]
			}
		}
		key := fmt.Sprintf("[%s] %s", state, strings.Join(at, " <- "))
		if count[key] == 0 {
			order = append(order, key)
		}
		count[key]++
	}
	var sb strings.Builder
	for _, k := range order {
		fmt.Fprintf(&sb, "%4d × %s\n", count[k], k)
	}
	return strings.TrimRight(sb.String(), "\n")
}

func (w *watch) enter() { w.inside.Add(1) }

// leave is deferred by every wrapped call: it turns a panic into a verdict.
func (w *watch) leave(method string) {
	if r := recover(); r != nil {
		Abort(w.ex, fmt.Sprintf("your design panicked in %s: %v", method, r), string(debug.Stack()))
	}
	w.inside.Add(-1)
	w.finished.Add(1)
}

// guarded forwards every call to the participant's design under the watch.
type guarded struct {
	s boids.Strategy
	w *watch
}

func (g guarded) Name() string {
	defer g.w.leave("Name")
	g.w.enter()
	return g.s.Name()
}

func (g guarded) Load(sp boids.Space, bs []boids.Boid) {
	defer g.w.leave("Load")
	g.w.enter()
	g.s.Load(sp, bs)
}

func (g guarded) Neighbors(id int, buf []boids.Boid) (boids.Boid, []boids.Boid) {
	defer g.w.leave("Neighbors")
	g.w.enter()
	return g.s.Neighbors(id, buf)
}

func (g guarded) Move(id int, b boids.Boid) {
	defer g.w.leave("Move")
	g.w.enter()
	g.s.Move(id, b)
}

func (g guarded) EndTick() {
	defer g.w.leave("EndTick")
	g.w.enter()
	g.s.EndTick()
}

func (g guarded) Read(dst []boids.Boid) []boids.Boid {
	defer g.w.leave("Read")
	g.w.enter()
	return g.s.Read(dst)
}

func (g guarded) Close() {
	defer g.w.leave("Close")
	g.w.enter()
	g.s.Close()
}
