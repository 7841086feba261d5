// Wrong fix: an RWMutex design. Race-free and correct, and it locks.

package main

import (
	"sync"
	"time"

	"github.com/boids-project/boids/boids"
)

// Snapshot, as one grid under one RWMutex: the mutex design again.
type Snapshot struct {
	mu   sync.RWMutex
	grid boids.Grid

	publishes uint64
	rebuild   time.Duration
}

// NewSnapshot returns the design.
func NewSnapshot() *Snapshot { return &Snapshot{} }

func (s *Snapshot) Name() string { return "snapshot" }

func (s *Snapshot) Load(sp boids.Space, bs []boids.Boid) { s.grid.Load(sp, bs) }

func (s *Snapshot) Neighbors(id int, buf []boids.Boid) (boids.Boid, []boids.Boid) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.grid.Near(id, buf)
}

func (s *Snapshot) Move(id int, b boids.Boid) {
	s.mu.Lock()
	s.grid.Set(id, b)
	s.mu.Unlock()
}

func (s *Snapshot) EndTick() {}

func (s *Snapshot) Read(dst []boids.Boid) []boids.Boid { return s.grid.Read(dst) }

func (s *Snapshot) Close() {}
