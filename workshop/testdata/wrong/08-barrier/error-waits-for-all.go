// Wrong fix: a failed step is reported to Tick, which cancels the
// flock only once every boid has reported: boids whose steps wait for the
// flock's context never do.

package main

import (
	"context"
	"errors"

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
// Tick wakes every boid once and returns when every boid has moved. The
// wake-up is one buffered channel per boid; the barrier, a channel of
// results Tick counts; the end, the flock's context: cancelled by Stop, by
// the caller's context, or by the first boid whose step fails.
type Flock struct {
	params boids.Params
	strat  boids.Strategy
	step   StepFunc
	n      int // boids, and boid goroutines
	ctx    context.Context
	cancel context.CancelCauseFunc
	// wake[id] is boid id's own channel: a send starts one tick of work.
	wake []chan struct{}
	// done gets one result per boid per tick: nil, or its step's error.
	done chan error
	// exited gets one value per boid goroutine that has returned.
	exited chan struct{}
}

// Start starts a goroutine for each of bs over design s; step computes the
// moves. The flock ends at Stop, or earlier when ctx ends or a step fails.
func Start(ctx context.Context, p boids.Params, bs []boids.Boid, s boids.Strategy, step StepFunc) *Flock {
	ctx, cancel := context.WithCancelCause(ctx)
	f := &Flock{
		params: p, strat: s, step: step, n: len(bs),
		ctx: ctx, cancel: cancel,
		wake:   make([]chan struct{}, len(bs)),
		done:   make(chan error, len(bs)),
		exited: make(chan struct{}, len(bs)),
	}
	s.Load(p.Space, bs)
	for id := range f.wake {
		f.wake[id] = make(chan struct{}, 1)
		go f.boid(id)
	}
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

// boid is boid id's goroutine: one update per wake-up, until the flock's
// context ends. A failed step cancels the flock, errgroup-style, so that
// the other boids and Tick stop waiting.
func (f *Flock) boid(id int) {
	defer func() { f.exited <- struct{}{} }()
	var buf []boids.Boid
	for {
		// A cancelled flock and a wake-up can both be ready: select picks
		// either, and Tick does not wait for a boid once the flock is
		// cancelled.
		select {
		case <-f.ctx.Done():
			return
		case <-f.wake[id]:
		}
		var err error
		buf, err = f.update(f.ctx, id, buf)
		f.done <- err
	}
}

// Tick runs one tick: every boid runs update exactly once, then the design
// ends the tick. It returns the error of a boid whose step failed, or the
// cause of the flock's end, instead.
func (f *Flock) Tick() error {
	if f.ctx.Err() != nil {
		return context.Cause(f.ctx)
	}
	for _, w := range f.wake {
		w <- struct{}{}
	}
	// The barrier: one result from every boid. The first error cancels the
	// flock, and Cause says which error did.
	var first error
	for range f.n {
		if err := <-f.done; err != nil && first == nil {
			first = err
		}
	}
	if first != nil {
		f.cancel(first)
		return first
	}
	f.strat.EndTick()
	return nil
}

// Stop ends the flock and waits for every goroutine it started. It returns
// the error of the boid whose step failed, if one did.
func (f *Flock) Stop() error {
	f.cancel(nil)
	for range f.n {
		<-f.exited
	}
	f.strat.Close()
	if err := context.Cause(f.ctx); !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

// Boids appends every boid's state, in id order, to dst. Call it between
// ticks.
func (f *Flock) Boids(dst []boids.Boid) []boids.Boid { return f.strat.Read(dst) }
