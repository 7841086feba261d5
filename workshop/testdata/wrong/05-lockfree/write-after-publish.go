// Wrong fix: EndTick publishes the spare, then fills it: the grid is
// written after the atomic store that was meant to publish it complete.

package main

import (
	"sync/atomic"
	"time"

	"github.com/boids-project/boids/boids"
)

// Snapshot never locks and never waits. Boids read an immutable grid,
// published by the last EndTick; each boid writes its new state to its own
// slot of next; EndTick builds the next grid from next, in a second grid
// nobody reads, and publishes it with one atomic pointer swap. Two grids
// take turns, so no tick allocates one.

type Snapshot struct {
	cur   atomic.Pointer[boids.Grid] // the published grid: read-only once published
	spare *boids.Grid                // the other grid: only EndTick and Load touch it
	next  []boids.Boid               // next[id]: boid id's newest state, written only by boid id

	publishes uint64
	rebuild   time.Duration
}

// NewSnapshot returns the snapshot design.
func NewSnapshot() *Snapshot {
	s := &Snapshot{spare: new(boids.Grid)}
	s.cur.Store(new(boids.Grid))
	return s
}

func (s *Snapshot) Name() string { return "snapshot" }

func (s *Snapshot) Load(sp boids.Space, bs []boids.Boid) {
	s.next = append(s.next[:0], bs...)
	g := s.cur.Load()
	g.Load(sp, bs)
	s.spare.Load(sp, bs)
	s.publishes, s.rebuild = 0, 0
}

// Neighbors answers from the published grid.
func (s *Snapshot) Neighbors(id int, buf []boids.Boid) (boids.Boid, []boids.Boid) {
	return s.cur.Load().Near(id, buf)
}

// Move records boid id's new state for the next snapshot.
func (s *Snapshot) Move(id int, b boids.Boid) {
	s.next[id] = b
}

// EndTick builds the next snapshot and publishes it.
func (s *Snapshot) EndTick() {
	t := time.Now()
	s.spare = s.cur.Swap(s.spare)
	g := s.cur.Load()
	g.Load(s.spare.Space(), s.next)
	s.rebuild += time.Since(t)
	s.publishes++
}

func (s *Snapshot) Read(dst []boids.Boid) []boids.Boid { return s.cur.Load().Read(dst) }

func (s *Snapshot) Close() {}

// Counters reports the publication figures for the overlay.
func (s *Snapshot) Counters() boids.Counters {
	return boids.Counters{Publishes: s.publishes, Rebuild: s.rebuild}
}
