package boids

import (
	"fmt"
	"sync"
)

// Baseline names, as the bench command's -strategies flag spells them. They
// are reference points for measurement, not goroutine-per-boid designs, so
// they are not in Designs and the game cannot select them.
const (
	Sequential = "sequential"
	Workers    = "workers"
)

// BaselineNames lists the baselines in the order the bench reports them.
func BaselineNames() []string { return []string{Sequential, Workers} }

// Baseline steps a flock with the same rules (Step) and map (Grid) as the
// designs, without a goroutine per boid: either in the caller's goroutine
// with no synchronization at all (the single-core limit) or over a fixed
// pool of worker goroutines, each owning a contiguous slice of ids (the
// multi-core limit).
//
// A tick is double-buffered: every boid reads the grid as the previous tick
// left it and writes its new state to next; only once every boid is done
// does the owner move the new states into the grid. So workers never write
// what another worker reads, and both kinds compute exactly the same flock.
type Baseline struct {
	name   string
	params Params
	grid   Grid
	next   []Boid
	bufs   [][]Boid // one neighbour buffer per worker
	// start[w] is worker w's own channel: a send runs one tick over its
	// slice, a close ends it.
	start []chan struct{}
	tick  sync.WaitGroup
	alive sync.WaitGroup
}

// NewBaseline builds the baseline called name (Sequential or Workers) over
// boids; a Workers baseline starts workers goroutines, which live until Stop.
func NewBaseline(name string, p Params, boids []Boid, workers int) (*Baseline, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if len(boids) > MaxBoids {
		return nil, fmt.Errorf("%d boids: allowed 0..%d", len(boids), MaxBoids)
	}
	b := &Baseline{name: name, params: p, next: make([]Boid, len(boids))}
	b.grid.Load(p.Space, boids)
	switch name {
	case Sequential:
		b.bufs = [][]Boid{make([]Boid, 0, 64)}
	case Workers:
		if workers < 1 {
			return nil, fmt.Errorf("%d workers: need at least 1", workers)
		}
		b.bufs = make([][]Boid, workers)
		for w := range workers {
			b.bufs[w] = make([]Boid, 0, 64)
			ch := make(chan struct{}, 1)
			b.start = append(b.start, ch)
			b.alive.Add(1)
			go b.worker(w, w*len(boids)/workers, (w+1)*len(boids)/workers, ch)
		}
	default:
		return nil, fmt.Errorf("unknown baseline %q: allowed %s, %s", name, Sequential, Workers)
	}
	return b, nil
}

// Name is the baseline's name.
func (b *Baseline) Name() string { return b.name }

// Len is the number of boids.
func (b *Baseline) Len() int { return len(b.next) }

// Tick advances every boid one step.
func (b *Baseline) Tick() {
	if len(b.start) == 0 {
		b.step(0, 0, len(b.next))
	} else {
		b.tick.Add(len(b.start))
		for _, ch := range b.start {
			ch <- struct{}{}
		}
		b.tick.Wait()
	}
	for id := range b.next {
		b.grid.Set(id, b.next[id])
	}
}

func (b *Baseline) worker(w, lo, hi int, start chan struct{}) {
	defer b.alive.Done()
	for range start {
		b.step(w, lo, hi)
		b.tick.Done()
	}
}

// step moves boids lo..hi-1 into next, using worker w's buffer.
func (b *Baseline) step(w, lo, hi int) {
	buf := b.bufs[w]
	for id := lo; id < hi; id++ {
		var self Boid
		self, buf = b.grid.Near(id, buf[:0])
		b.next[id] = Step(&b.params, self, buf)
	}
	b.bufs[w] = buf
}

// Boids appends every boid's state, in id order, to dst.
func (b *Baseline) Boids(dst []Boid) []Boid { return b.grid.Read(dst) }

// Grid exposes the map for invariant checks between ticks.
func (b *Baseline) Grid() *Grid { return &b.grid }

// Stop ends the worker goroutines and waits for them. The baseline is
// unusable afterwards.
func (b *Baseline) Stop() {
	for _, ch := range b.start {
		close(ch)
	}
	b.start = nil
	b.alive.Wait()
}
