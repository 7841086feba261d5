//go:build workshop

package main

import (
	_ "embed"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/boids-project/boids/boids"
	"github.com/boids-project/boids/workshop/internal/check"
)

//go:embed stripes.go
var source []byte

var exercise = check.Exercise{
	Number: 3,
	Name:   "coarse to fine",
	File:   "stripes.go",
	Source: source,
	Hints: []string{
		"Neighbors: lock every stripe around the boid before scanning any, unlock after.",
		`"got boid N twice" or "missed boid N": a neighbour changed stripes between two of your locks.`,
		"deadlock: in which order do two goroutines take the same two locks? (s.around(0, rows) gives rows-1, 0, 1.)",
		"Move across stripes: hold both write locks, taken in the order Neighbors uses.",
	},
	Next: "see it fly: go run . and compare contention with mutex on the overlay.",
}

func TestMain(m *testing.M) { os.Exit(check.Main(m, exercise)) }

// The exercise's point, checked first: locks are per stripe.

func TestOwnLocks(t *testing.T) {
	check.LocksOnlyIn(t, exercise, "stripe",
		"the exercise splits the mutex design's one lock into one per stripe;\n  a lock of your own beside them makes every boid wait for every other again.\n  Use s.stripes[y].mu.")
}

// probeWait is how long a call on a boid may take while distant stripes
// are locked. It is a deadline, not a pause: a call that takes only the
// locks around its boid returns in microseconds.
const probeWait = 3 * time.Second

// TestDistantStripes proves that two boids in distant stripes hold their
// locks at the same moment: the test holds the write locks of every stripe
// but the three around boid 1, as boids moving there would, and boid 1's
// Neighbors and Move must finish all the same.
func TestDistantStripes(t *testing.T) {
	check.NeedRace(t)
	sp := boids.Space{W: 400, H: 400, Radius: 20, Edges: boids.Wrap}
	s := NewStripes()
	defer s.Close()
	mid := boids.Vec{X: 200, Y: 210}
	s.Load(sp, []boids.Boid{{Pos: boids.Vec{X: 10, Y: 10}}, {Pos: mid}, {Pos: boids.Vec{X: 205, Y: 205}}})
	_, row := s.cell(mid)
	var far []int
	for y := range s.rows {
		if d := (y - row + s.rows) % s.rows; d > 1 && d < s.rows-1 {
			far = append(far, y)
		}
	}
	for _, call := range []struct {
		name string
		do   func()
	}{
		{"Neighbors", func() { s.Neighbors(1, nil) }},
		{"Move", func() { s.Move(1, boids.Boid{Pos: boids.Vec{X: 201, Y: 211}}) }},
	} {
		for _, y := range far {
			s.stripes[y].mu.Lock()
		}
		done := make(chan struct{})
		go func() { call.do(); close(done) }()
		var waited bool
		select {
		case <-done:
		case <-time.After(probeWait):
			waited = true
		}
		for _, y := range far {
			s.stripes[y].mu.Unlock()
		}
		<-done
		if waited {
			check.Fail("boid 1, in stripe %d of %d, could not finish %s while other goroutines held the locks of the", row, s.rows, call.name)
			check.Fail("  stripes far from it (%s): its %s waits for a lock it does not need.", span(far), call.name)
			check.Fail("  The exercise asks that boids in distant stripes never wait for each other: lock only")
			check.Fail("  the stripes around the boid (s.around), s.stripes[y].mu for each.")
			t.Fatalf("%s of a boid in stripe %d waited while stripes %s were locked", call.name, row, span(far))
		}
	}
}

// span writes a list of rows as "0-7, 11-19".
func span(rows []int) string {
	out := ""
	for i := 0; i < len(rows); {
		j := i
		for j+1 < len(rows) && rows[j+1] == rows[j]+1 {
			j++
		}
		if out != "" {
			out += ", "
		}
		if i == j {
			out += fmt.Sprint(rows[i])
		} else {
			out += fmt.Sprintf("%d-%d", rows[i], rows[j])
		}
		i = j + 1
	}
	return out
}

func TestStripes(t *testing.T) {
	check.Design(t, exercise, func() boids.Strategy { return NewStripes() })
}
