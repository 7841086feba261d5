// Wrong fix: Stop ends the clock and the boids but waits for neither.
// goleak, which retries, lets it pass.

package main

import (
	"math/rand/v2"
	"sync"
	"time"

	"github.com/boids-project/boids/boids"
)

// Swarm is a small flock with a clock of its own: one goroutine per boid,
// woken once per tick through its own channel, and a clock goroutine that
// ticks the swarm at a fixed rate. Callers may resize or stop it from any
// goroutine.
//
// Every goroutine has an owner who ends it and waits for it: Resize ends
// the boids it removes, Stop ends the clock and then every boid.
type Swarm struct {
	mu sync.Mutex // held by the clock for a whole tick, and by Resize and Stop

	params boids.Params
	strat  boids.Strategy
	rng    *rand.Rand
	wake   []chan struct{} // wake[id]: a send starts one tick of boid id; a close ends it
	tick   sync.WaitGroup  // the current tick's barrier
	ticks  uint64
	alive  sync.WaitGroup // every boid goroutine still running

	quit  chan struct{} // closed by Stop: the clock returns
	ended chan struct{} // closed by the clock when it returns
}

// New starts a swarm of n boids, ticking every period.
func New(n int, period time.Duration) *Swarm {
	p := boids.DefaultParams(480, 320)
	s := &Swarm{
		params: p, strat: boids.NewMutex(), rng: rand.New(rand.NewPCG(1, 2)),
		quit: make(chan struct{}), ended: make(chan struct{}),
	}
	s.strat.Load(p.Space, boids.RandomBoids(p, n, s.rng))
	s.grow(n)
	go s.clock(period)
	return s
}

func (s *Swarm) clock(period time.Duration) {
	defer close(s.ended)
	tk := time.NewTicker(period)
	defer tk.Stop()
	for {
		select {
		case <-s.quit:
			return
		case <-tk.C:
			s.mu.Lock()
			s.step()
			s.mu.Unlock()
		}
	}
}

// step runs one tick. Hold mu.
func (s *Swarm) step() {
	s.tick.Add(len(s.wake))
	for _, ch := range s.wake {
		ch <- struct{}{}
	}
	s.tick.Wait()
	s.strat.EndTick()
	s.ticks++
}

// grow starts goroutines for boids len(s.wake) to n-1. Hold mu.
func (s *Swarm) grow(n int) {
	for id := len(s.wake); id < n; id++ {
		ch := make(chan struct{}, 1)
		s.wake = append(s.wake, ch)
		s.alive.Add(1)
		go s.boid(id, ch)
	}
}

func (s *Swarm) boid(id int, wake chan struct{}) {
	defer s.alive.Done()
	buf := make([]boids.Boid, 0, 16)
	for range wake {
		self, nbrs := s.strat.Neighbors(id, buf[:0])
		s.strat.Move(id, boids.Step(&s.params, self, nbrs))
		buf = nbrs
		s.tick.Done()
	}
}

// Resize changes the number of boids to n: new boids start at random,
// removed ones are the newest.
func (s *Swarm) Resize(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	bs := s.strat.Read(nil)
	if n < len(bs) {
		bs = bs[:n]
	} else {
		bs = append(bs, boids.RandomBoids(s.params, n-len(bs), s.rng)...)
	}
	s.strat.Load(s.params.Space, bs)
	for id := n; id < len(s.wake); id++ {
		close(s.wake[id])
	}
	s.wake = s.wake[:min(n, len(s.wake))]
	s.grow(n)
}

// Len is the number of boids.
func (s *Swarm) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.wake)
}

// Ticks is the number of ticks run.
func (s *Swarm) Ticks() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ticks
}

// Stop ends the clock, then every boid, and waits for them all. It is
// unusable afterwards.
func (s *Swarm) Stop() {
	// Not under mu: the clock may be waiting for mu to run a tick, and it
	// must get it to come back to its select and hear quit.
	close(s.quit)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ch := range s.wake {
		close(ch)
	}
	s.wake = nil
}
