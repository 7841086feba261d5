//go:build workshop

package main

import (
	_ "embed"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/boids-project/boids/workshop/internal/check"
	"go.uber.org/goleak"
)

//go:embed swarm.go
var source []byte

var exercise = check.Exercise{
	Number: 6,
	Name:   "goroutine leaks",
	File:   "swarm.go",
	Source: source,
	Hints: []string{
		"goroutines in (*Swarm).boid, waiting on chan receive: who was meant to close their wake channel?",
		"a goroutine in (*Swarm).clock: time.Tick's channel never closes; give the clock a way to hear Stop.",
		"Stop should not return before the goroutines it ends have ended: a sync.WaitGroup, or a done channel.",
	},
	Next: "run go run . again: the goroutine count now follows the boid count, and drops to 1 after Stop.",
}

func TestMain(m *testing.M) { os.Exit(check.Main(m, exercise)) }

func TestSwarm(t *testing.T) {
	check.NeedRace(t)
	cases := []struct {
		name  string
		start int
		sizes []int
	}{
		{"shrink", 300, []int{50}},
		{"grow-and-shrink", 40, []int{400, 20, 200, 0, 60}},
		{"stop", 100, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := goleak.IgnoreCurrent()
			s := New(c.start, time.Millisecond)
			steps := fmt.Sprintf("New(%d)", c.start)
			waitTicks(t, s, steps)
			for _, n := range c.sizes {
				s.Resize(n)
				steps += fmt.Sprintf(", Resize(%d)", n)
				if got := s.Len(); got != n {
					check.Fail("after %s, Len() is %d, want %d.", steps, got, n)
					t.Fatalf("after %s: Len() = %d, want %d", steps, got, n)
				}
				waitTicks(t, s, steps)
			}
			steps += ", Stop()"
			// Counted the moment Stop returns, with no retry: then goleak,
			// which retries, tells a leak from a Stop that did not wait.
			n, running := check.Running(exercise, steps, s.Stop)
			if err := goleak.Find(before); err != nil {
				check.Fail("goroutines are still running after %s:", steps)
				check.Fail("  %s", check.Leaks(err))
				check.Fail("  (goleak's report, one stack per kind, is above)")
				t.Fatal(check.LeakStacks(err))
			}
			if n > 0 {
				check.Fail("Stop returned while %d of its goroutines still ran (they ended just after):", n)
				check.Fail("%s", running)
				check.Fail("Stop must not return before the goroutines it ends have ended: wait for them")
				check.Fail("  (a sync.WaitGroup for the boids, a done channel for the clock).")
				t.Fatalf("after %s, goroutines still running when Stop returned:\n%s", steps, running)
			}
		})
	}
}

// waitTicks waits until the swarm has run a few more ticks.
func waitTicks(t *testing.T, s *Swarm, steps string) {
	t.Helper()
	from := s.Ticks()
	deadline := time.Now().Add(10 * time.Second)
	for s.Ticks() < from+3 {
		if time.Now().After(deadline) {
			check.Fail("the swarm stopped ticking after %s.", steps)
			t.Fatalf("no tick for 10s after %s", steps)
		}
		time.Sleep(time.Millisecond)
	}
}
