package main

import (
	"context"

	"github.com/boids-project/boids/boids"
)

// StepFunc computes boid id's next state from its own and its neighbours'.
// It may fail, and should give up when ctx ends.
type StepFunc func(ctx context.Context, id int, self boids.Boid, nbrs []boids.Boid) (boids.Boid, error)

// Rules is the StepFunc of the boids' rules; it never fails.
func Rules(p boids.Params) StepFunc {
	return func(_ context.Context, _ int, self boids.Boid, nbrs []boids.Boid) (boids.Boid, error) {
		return boids.Step(&p, self, nbrs), nil
	}
}

// Flock runs one goroutine per boid over a shared design, in lock step:
// Tick wakes every boid once and returns when every boid has moved.
//
// Exercise 8: write the wake-up, the barrier and the end (the parts marked
// "exercise 8"), with channels or a sync.Cond, and a context.Context that
// ends the flock when Stop is called, when the caller's context ends, or
// when one boid's step fails (the others then stop waiting, as in
// golang.org/x/sync/errgroup). Not with boids.Flock, and not with errgroup.
type Flock struct {
	params boids.Params
	strat  boids.Strategy
	step   StepFunc
	n      int // boids, and boid goroutines
	// exercise 8: your fields (the wake-up, the barrier, the context).
}

// Start starts a goroutine for each of bs over design s; step computes the
// moves. The flock ends at Stop, or earlier when ctx ends or a step fails.
func Start(ctx context.Context, p boids.Params, bs []boids.Boid, s boids.Strategy, step StepFunc) *Flock {
	f := &Flock{params: p, strat: s, step: step, n: len(bs)}
	s.Load(p.Space, bs)
	// exercise 8: start one goroutine per boid. Each waits for Tick to wake
	// it, runs f.update once, and tells Tick it is done (or that its step
	// failed); it returns when the flock ends.
	return f
}

// update is boid id's work in one tick: query, step, move. buf is the
// boid's own neighbour buffer, handed back for the next tick.
func (f *Flock) update(ctx context.Context, id int, buf []boids.Boid) ([]boids.Boid, error) {
	self, nbrs := f.strat.Neighbors(id, buf[:0])
	next, err := f.step(ctx, id, self, nbrs)
	if err != nil {
		return nbrs, err
	}
	f.strat.Move(id, next)
	return nbrs, nil
}

// Tick runs one tick: every boid runs update exactly once, then the design
// ends the tick. It returns the error of a boid whose step failed, or the
// cause of the flock's end, instead.
func (f *Flock) Tick() error {
	// exercise 8: wake every boid once, then wait until every boid has
	// run (the barrier), then f.strat.EndTick(). If a boid's step failed,
	// or ctx was cancelled, return that error instead, without waiting
	// for boids that will not come.
	return nil
}

// Stop ends the flock and waits for every goroutine it started. It returns
// the error of the boid whose step failed, if one did.
func (f *Flock) Stop() error {
	// exercise 8: end every boid goroutine and wait until they have ended,
	// then f.strat.Close(). Return the error of the boid whose step
	// failed, if one did.
	return nil
}

// Boids appends every boid's state, in id order, to dst. Call it between
// ticks.
func (f *Flock) Boids(dst []boids.Boid) []boids.Boid { return f.strat.Read(dst) }
