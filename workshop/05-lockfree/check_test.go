//go:build workshop

package main

import (
	_ "embed"
	"fmt"
	"math/rand/v2"
	"os"
	"sync/atomic"
	"testing"

	"github.com/boids-project/boids/boids"
	"github.com/boids-project/boids/workshop/internal/check"
)

//go:embed snapshot.go
var source []byte

var exercise = check.Exercise{
	Number: 5,
	Name:   "lock-free",
	File:   "snapshot.go",
	Source: source,
	Hints: []string{
		"Neighbors: which grid can readers use without a lock? One that nobody writes while they read it.",
		"Move: where can boid id write without meeting any other goroutine?",
		"EndTick: build into the grid nobody reads, then publish it; atomic.Pointer.Swap hands back the old one.",
		`"boid N is ..., but ... was written": EndTick did not publish the moves.`,
	},
	Next: "see it fly: go run . and watch tick time and rebuild time at 10k boids against mutex.",
}

func TestMain(m *testing.M) { os.Exit(check.Main(m, exercise)) }

// The exercise's point, checked first: no lock, and a published frame that
// nobody writes again.

func TestImports(t *testing.T) {
	check.Imports(t, exercise, check.Forbid{Path: "sync",
		Why: "exercise 5 asks for no lock at all: readers load the published grid\n" +
			"  (one atomic load, sync/atomic) and never wait; writers never touch it."})
}

// TestReadWhilePublishing reads the published frame while EndTick builds
// the next one, as a renderer could at any moment in a lock-free design.
// Under the race detector, a grid rebuilt in place, or written after it
// was published, is a race with that reader.
func TestReadWhilePublishing(t *testing.T) {
	check.NeedRace(t)
	var crashed atomic.Value // what the reader panicked with, if it did
	ok := t.Run("reader", func(t *testing.T) {
		const n, ticks = 200, 20
		p := boids.DefaultParams(480, 320)
		bs := boids.RandomBoids(p, n, rand.New(rand.NewPCG(5, 6)))
		s := NewSnapshot()
		defer s.Close()
		s.Load(p.Space, bs)
		var buf []boids.Boid
		for range ticks {
			for id := range n {
				var self boids.Boid
				self, buf = s.Neighbors(id, buf[:0])
				s.Move(id, boids.Step(&p, self, buf))
			}
			var ended atomic.Bool
			done := make(chan struct{})
			go func() {
				defer close(done)
				defer func() {
					if r := recover(); r != nil {
						crashed.Store(fmt.Sprint(r))
					}
				}()
				var rbuf []boids.Boid
				for i := 0; ; i++ {
					_, rbuf = s.Neighbors(i%n, rbuf[:0])
					if ended.Load() {
						return
					}
				}
			}()
			s.EndTick()
			ended.Store(true)
			<-done
			if crashed.Load() != nil {
				return
			}
		}
	})
	why := "raced with it (the report is above)"
	if r := crashed.Load(); r != nil {
		why = fmt.Sprintf("crashed (%v)", r)
		ok = false
	}
	if !ok {
		check.Fail("a reader of the published grid, reading while EndTick built the next frame, %s.", why)
		check.Fail("Once a grid is published, nobody may write it again: a reader may be reading it.")
		check.Fail("  Build the next frame in the spare grid, publish it with one atomic store once it is")
		check.Fail("  complete, and keep the grid it replaces as the next spare.")
		t.FailNow()
	}
}

func TestSnapshot(t *testing.T) {
	check.Design(t, exercise, func() boids.Strategy { return NewSnapshot() })
}
