package check

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"
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
// without -race, unless the exercise tries without it. Every check that
// runs the design calls it first.
func NeedRace(t *testing.T) {
	started.Store(true)
	if !Race && !current.TriesWithoutRace {
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
// calls in that file (innermost first, each with its function) and what
// they wait for, one line per way of being stuck, with how many goroutines
// are stuck that way. The goroutine that asks is left out.
func Stuck(file string) string {
	buf := make([]byte, 1<<22)
	dump := string(buf[:runtime.Stack(buf, true)])
	_, others, _ := strings.Cut(dump, "\n\n")
	return stuckIn(others, file)
}

func stuckIn(dump, file string) string { return format(stuckGroups(dump, file)) }

// stuckGroups groups the goroutines of dump that run code in file by
// where they are stuck.
func stuckGroups(dump, file string) []group {
	var gs []goroutine
	for _, g := range parseStacks(dump) {
		if slices.ContainsFunc(g.frames, func(f frame) bool { return inFile(f, file) }) {
			gs = append(gs, g)
		}
	}
	return groupBy(gs, func(g goroutine) string { return stuckKey(g, file) })
}

// format writes one line per group: how many, and where.
func format(groups []group) string {
	var sb strings.Builder
	for _, gr := range groups {
		fmt.Fprintf(&sb, "%4d × %s\n", gr.count, gr.key)
	}
	return strings.TrimRight(sb.String(), "\n")
}

func inFile(f frame, file string) bool { return f.file == file || strings.HasSuffix(f.file, "/"+file) }

// stuckKey is "(*Swarm).Stop at swarm.go:134 <- ... (sync.RWMutex.Lock)".
func stuckKey(g goroutine, file string) string {
	var at []string
	for _, f := range g.frames {
		if inFile(f, file) {
			fn := short(f.fn)
			fn = fn[strings.Index(fn, ".")+1:]
			at = append(at, fmt.Sprintf("%s at %s:%d", fn, file, f.line))
		}
	}
	return fmt.Sprintf("%s (%s)", strings.Join(at, " <- "), g.waitingIn())
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
