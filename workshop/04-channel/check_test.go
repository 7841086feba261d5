//go:build workshop

package main

import (
	_ "embed"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/boids-project/boids/boids"
	"github.com/boids-project/boids/workshop/internal/check"
)

//go:embed channel.go
var source []byte

var exercise = check.Exercise{
	Number: 4,
	Name:   "share memory by communicating",
	File:   "channel.go",
	Source: source,
	Hints: []string{
		"the owner must answer every query, on c.replies[r.id], or that boid waits forever.",
		`"boid N is ..., but ... was written", or a race in Read: moves were still queued when the tick ended.`,
		"a race on c.grid: during a tick only the owner (serve, handle) may touch it; everyone else asks.",
		"goroutines left after Close: close the request channel, then wait for serve (c.done).",
	},
	Next: "see it fly: go run . and compare it with mutex and lockfree on the overlay (keys 1, 2, 3 and Tab).",
}

func TestMain(m *testing.M) { os.Exit(check.Main(m, exercise)) }

// The exercise's point, checked first: no lock, every request to the owner,
// and an owner that has ended when Close returns.

const noLock = "exercise 4 asks for no lock and no atomic at all:\n" +
	"  only the owner goroutine touches c.grid during a tick, and boids ask it through c.reqs."

func TestImports(t *testing.T) {
	check.Imports(t, exercise,
		check.Forbid{Path: "sync", Why: noLock},
		check.Forbid{Path: "sync/atomic", Why: noLock})
}

// TestOwnerServes runs one tick by hand and asks the owner what it served:
// every query and every move must have been a request it handled.
func TestOwnerServes(t *testing.T) {
	check.NeedRace(t)
	const n = 50
	p := boids.DefaultParams(480, 320)
	bs := boids.RandomBoids(p, n, rand.New(rand.NewPCG(1, 2)))
	c := NewChannel()
	defer c.Close()
	c.Load(p.Space, bs)
	var buf []boids.Boid
	for id := range n {
		_, buf = c.Neighbors(id, buf[:0])
		c.Move(id, bs[id])
	}
	c.EndTick()
	if got := c.Counters(); got.Reads != n || got.Writes != n {
		check.Fail("after %d queries and %d moves, the owner (serve) handled %d queries and %d moves.", n, n, got.Reads, got.Writes)
		check.Fail("  Every Neighbors and every Move must be a request on c.reqs that the owner handles:")
		check.Fail("  the owner alone touches the grid, and EndTick's flush comes after them all.")
		t.Fatalf("owner served %d queries, %d moves; want %d each", got.Reads, got.Writes, n)
	}
}

// TestCloseWaits checks, the moment Close returns and without retrying,
// that the owner goroutine has ended.
func TestCloseWaits(t *testing.T) {
	check.NeedRace(t)
	p := boids.DefaultParams(480, 320)
	c := NewChannel()
	c.Load(p.Space, boids.RandomBoids(p, 20, rand.New(rand.NewPCG(3, 4))))
	c.EndTick() // the owner is serving now, not just created
	check.GoneAfter(t, exercise, "Close", c.Close)
}

func TestChannel(t *testing.T) {
	check.Design(t, exercise, func() boids.Strategy { return NewChannel() })
}
