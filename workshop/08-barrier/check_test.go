//go:build workshop

package main

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/boids-project/boids/boids"
	"github.com/boids-project/boids/workshop/internal/check"
)

//go:embed barrier.go
var source []byte

var exercise = check.Exercise{
	Number: 8,
	Name:   "write the barrier",
	File:   "barrier.go",
	Source: source,
	Hints: []string{
		"one buffered channel per boid wakes it; one channel of results, counted by Tick, is the barrier.",
		`"left behind": Tick returned before every boid had reported; "two updates": a boid ran on a stale wake-up.`,
		"context.WithCancelCause: the failing boid cancels with its error, and context.Cause tells Tick and Stop which.",
		"a boid waits for its wake-up or the flock's end: select on both, and so does Tick while it counts.",
	},
	Next: "compare with boids/flock.go: which do you find easier to prove right, and why does it use a WaitGroup?",
}

func TestMain(m *testing.M) { os.Exit(check.Main(m, exercise)) }

// The exercise's point: the participant writes the wake-up, the barrier and
// the cancellation, so neither the project's flock nor errgroup will do.

func TestOwnCode(t *testing.T) {
	const why = "exercise 8 asks you to write the wake-up and the barrier yourself."
	check.NoUse(t, exercise, "github.com/boids-project/boids/boids", "NewFlock", why)
	check.Imports(t, exercise, check.Forbid{Path: "golang.org/x/sync/errgroup",
		Why: "exercise 8 asks you to write errgroup's cancellation yourself, with context.WithCancelCause."})
}

// tracker is a StepFunc that runs the boids' rules and records, for every
// boid, the tick it last ran in. Boids read tick, and write ran[id], inside
// a tick; the test writes tick and reads ran between ticks: without a
// barrier that orders them, the race detector reports it.
type tracker struct {
	rules StepFunc
	tick  int
	ran   []int
	twice []string // "boid 3 in tick 2", for each second update in one tick
}

func (tr *tracker) step(ctx context.Context, id int, self boids.Boid, nbrs []boids.Boid) (boids.Boid, error) {
	if tr.ran[id] == tr.tick {
		tr.twice = append(tr.twice[:0], fmt.Sprintf("boid %d in tick %d", id, tr.tick))
	}
	tr.ran[id] = tr.tick
	return tr.rules(ctx, id, self, nbrs)
}

// tickWithin runs f.Tick, or ends the run with a deadlock verdict when it
// does not return within check.Stall.
func tickWithin(f *Flock, what string) error {
	done := make(chan error, 1)
	go func() { done <- f.Tick() }()
	select {
	case err := <-done:
		return err
	case <-time.After(check.Stall):
		check.Abort(exercise,
			fmt.Sprintf("deadlock: %s, Tick did not return in %v.", what, check.Stall),
			"Where the goroutines wait (only those inside "+exercise.File+"):",
			check.Stuck(exercise.File))
		return nil
	}
}

func newFlock(n int, step func(*boids.Params) StepFunc) (*Flock, boids.Params) {
	p := boids.DefaultParams(480, 320)
	bs := boids.RandomBoids(p, n, rand.New(rand.NewPCG(8, 9)))
	return Start(context.Background(), p, bs, boids.NewMutex(), step(&p)), p
}

// TestLockStep runs the real flock on the mutex design and checks every
// tick: no boid ran twice, none was left behind; then that Stop ended
// every goroutine by the time it returned.
func TestLockStep(t *testing.T) {
	check.NeedRace(t)
	const n, ticks = 300, 30
	tr := &tracker{ran: make([]int, n)}
	f, _ := newFlock(n, func(p *boids.Params) StepFunc { tr.rules = Rules(*p); return tr.step })
	for tick := 1; tick <= ticks; tick++ {
		tr.tick = tick
		if err := tickWithin(f, fmt.Sprintf("in tick %d of %d boids", tick, n)); err != nil {
			check.Fail("tick %d returned %v, with no boid failing and no cancellation.", tick, err)
			t.Fatalf("tick %d: %v", tick, err)
		}
		if len(tr.twice) > 0 {
			check.Fail("%s ran two updates: a boid runs once per tick, when Tick wakes it.", tr.twice[0])
			t.Fatalf("two updates: %s", tr.twice[0])
		}
		for id, last := range tr.ran {
			if last != tick {
				check.Fail("boid %d was left behind in tick %d: Tick returned before it had run. Tick must", id, tick)
				check.Fail("  wait for every boid (the barrier) before it returns.")
				t.Fatalf("boid %d left behind in tick %d", id, tick)
			}
		}
	}
	var err error
	check.GoneAfter(t, exercise, "Stop", func() { err = f.Stop() })
	if err != nil {
		check.Fail("Stop returned %v, with no boid failing.", err)
		t.Fatal(err)
	}
}

var errWall = errors.New("boid 7 hit a wall")

// TestOneFails makes boid 7's step fail in tick 3 while every other boid's
// step waits for the flock's context to end: unless boid 7's error cancels
// the others, Tick never returns.
func TestOneFails(t *testing.T) {
	check.NeedRace(t)
	const n = 100
	tick := 0
	f, _ := newFlock(n, func(p *boids.Params) StepFunc {
		rules := Rules(*p)
		return func(ctx context.Context, id int, self boids.Boid, nbrs []boids.Boid) (boids.Boid, error) {
			switch {
			case tick < 3:
				return rules(ctx, id, self, nbrs)
			case id == 7:
				return self, errWall
			}
			<-ctx.Done()
			return self, ctx.Err()
		}
	})
	for tick = 1; tick <= 2; tick++ {
		if err := tickWithin(f, fmt.Sprintf("in tick %d", tick)); err != nil {
			t.Fatalf("tick %d: %v", tick, err)
		}
	}
	tick = 3
	err := tickWithin(f, "after boid 7's step failed, while the other boids' steps waited for the flock's context to end (one boid's error must cancel the others)")
	if !errors.Is(err, errWall) {
		check.Fail("boid 7's step failed with %q, and Tick returned %v: Tick must return the error", errWall, err)
		check.Fail("  that ended the flock (context.Cause), not nil and not context.Canceled.")
		t.Fatalf("Tick returned %v, want %v", err, errWall)
	}
	if err := tickWithin(f, "after a failed tick"); err == nil {
		check.Fail("after boid 7's step failed, the next Tick returned nil: a flock that has ended ticks no more.")
		t.Fatal("Tick after failure returned nil")
	}
	check.GoneAfter(t, exercise, "Stop", func() { err = f.Stop() })
	if !errors.Is(err, errWall) {
		check.Fail("Stop returned %v after boid 7's step failed with %q: Stop must return that error.", err, errWall)
		t.Fatalf("Stop returned %v, want %v", err, errWall)
	}
}

// TestCallerCancels ends the caller's context between two ticks: the next
// Tick returns its error, and Stop ends every goroutine.
func TestCallerCancels(t *testing.T) {
	check.NeedRace(t)
	p := boids.DefaultParams(480, 320)
	ctx, cancel := context.WithCancel(context.Background())
	f := Start(ctx, p, boids.RandomBoids(p, 50, rand.New(rand.NewPCG(1, 1))), boids.NewMutex(), Rules(p))
	if err := tickWithin(f, "before any cancellation"); err != nil {
		t.Fatalf("tick: %v", err)
	}
	cancel()
	if err := tickWithin(f, "after the caller's context was cancelled"); !errors.Is(err, context.Canceled) {
		check.Fail("after the caller cancelled the context given to Start, Tick returned %v, not context.Canceled:", err)
		check.Fail("  the flock's context must derive from the caller's.")
		t.Fatalf("Tick after cancel returned %v", err)
	}
	var err error
	check.GoneAfter(t, exercise, "Stop", func() { err = f.Stop() })
	if err != nil {
		check.Fail("Stop returned %v after the caller cancelled: only a boid's failure is an error of the flock.", err)
		t.Fatal(err)
	}
}
