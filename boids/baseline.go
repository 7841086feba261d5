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

// Baseline steps a flock with the same rules (Step) and the same kernel as
// the designs, without a goroutine per boid: either in the caller's
// goroutine with no synchronization at all (the single-core limit) or over
// a fixed pool of worker goroutines (the multi-core limit).
//
// A tick is double-buffered: every boid reads the frame (the kernel's packed
// map) the previous tick left and writes its new state to next; only once
// every boid is done does the owner sort the new states into the other
// frame. So workers never write what another worker reads, and both kinds
// compute exactly the same flock. Boids are stepped in the frame's order,
// cell by cell, so that consecutive queries scan mostly the same memory;
// each worker owns a contiguous share of that order.
type Baseline struct {
	name   string
	params Params
	lay    Layout
	frames [2]frame
	cur    int      // frames[cur] is the flock as the last tick left it
	next   []Boid   // next[k]: the new state of the boid at frames[cur].cells[k]
	cell   []int32  // the sort's scratch
	bufs   [][]Boid // one neighbour buffer per worker
	// start[w] is worker w's own channel: a send runs one tick over its
	// share, a close ends it.
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
	n := len(boids)
	b := &Baseline{name: name, params: p, lay: p.Space.Layout(), next: make([]Boid, n), cell: make([]int32, n)}
	b.frames[0].sort(&b.lay, boids, nil, b.cell)
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
			go b.worker(w, w*n/workers, (w+1)*n/workers, ch)
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
	from := &b.frames[b.cur]
	b.cur ^= 1
	b.frames[b.cur].sort(&b.lay, b.next, from.ids, b.cell)
}

func (b *Baseline) worker(w, lo, hi int, start chan struct{}) {
	defer b.alive.Done()
	for range start {
		b.step(w, lo, hi)
		b.tick.Done()
	}
}

// step moves the boids at frame entries lo..hi-1 into next, using worker
// w's buffer.
func (b *Baseline) step(w, lo, hi int) {
	f := &b.frames[b.cur]
	buf := b.bufs[w]
	for k := lo; k < hi; k++ {
		self := f.cells[k]
		buf = f.near(&b.lay, self, k, buf[:0])
		b.next[k] = Step(&b.params, self, buf)
	}
	b.bufs[w] = buf
}

// Boids appends every boid's state, in id order, to dst.
func (b *Baseline) Boids(dst []Boid) []Boid {
	f := &b.frames[b.cur]
	for _, k := range f.slot {
		dst = append(dst, f.cells[k])
	}
	return dst
}

// CheckCells reports the first broken invariant of the baseline's map
// (every boid once, in the cell its position maps to). Tests use it.
func (b *Baseline) CheckCells() error { return b.frames[b.cur].check(&b.lay) }

// Stop ends the worker goroutines and waits for them. The baseline is
// unusable afterwards.
func (b *Baseline) Stop() {
	for _, ch := range b.start {
		close(ch)
	}
	b.start = nil
	b.alive.Wait()
}
