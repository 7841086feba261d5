package main

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"github.com/boids-project/boids/boids"
)

// measureFree runs combination c in the free regime: every boid loops on
// its own, paced at r.Rate updates per second. It warms up for as long as
// r.Warmup ticks would take at that rate, then measures for r.Ticks'
// worth; progress is reported in those tick equivalents.
func (r Run) measureFree(ctx context.Context, c Combo) (Row, error) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(c.Procs))
	mem0 := liveBytes()
	resetStackStart(goroutines(c))
	fl, err := r.newFlock(c)
	if err != nil {
		return Row{}, err
	}
	f, ok := fl.(*boids.Flock)
	if !ok {
		fl.Stop()
		return Row{}, fmt.Errorf("%s has no free regime: only designs run free", c.Strategy)
	}
	defer f.Stop()
	total := r.Warmup + r.Ticks
	f.RunFree(r.Rate)
	if err := r.wait(ctx, c, 0, r.Warmup, total); err != nil {
		return Row{}, err
	}
	samples := newSamples()
	f.TakeFairness() // the fairness window starts with the timed one
	// The counters and the update count are read back to back, at both
	// ends, so that the boids that move between the two reads are only
	// those in flight, not those that run while the runtime's metrics are
	// read.
	c0 := f.Counters()
	u0 := f.Updates()
	rt0 := readRuntime(samples)
	start := time.Now()
	if err := r.wait(ctx, c, r.Warmup, r.Ticks, total); err != nil {
		return Row{}, err
	}
	fair, _ := f.TakeFairness()
	elapsed := time.Since(start)
	u1 := f.Updates()
	c1 := f.Counters()
	rt1 := readRuntime(samples)
	f.Halt()
	mem1 := liveBytes()
	runtime.KeepAlive(f)
	cand, nbrs := boids.KernelWork(boids.BenchParams(c.Boids).Space, f.Boids(nil))

	d := c1
	d.Sub(c0)
	row := Row{
		Combo: c, Elapsed: elapsed, Updates: u1 - u0,
		Contended:    share(d.Contended, d.Reads+d.Writes),
		MemPerBoid:   (float64(int64(mem1)-int64(mem0)) + float64(goroutines(c))*r.GoroutineBytes) / float64(c.Boids),
		Counters:     d,
		Candidates:   cand,
		Neighbours:   nbrs,
		Speedup:      nan,
		Parallel:     nan,
		Jain:         fair.Jain,
		GapP99:       float64(fair.GapP99),
		GapMax:       float64(fair.GapMax),
		StalenessP99: nan,
	}
	// Per-tick figures are per tick equivalent: as many updates as boids.
	n := row.ticks()
	row.LockWait = time.Duration((rt1.wait - rt0.wait) / n * 1e9)
	row.CASRetries = float64(d.CASRetries) / n
	row.Allocs = float64(rt1.allocs-rt0.allocs) / n
	row.CPUPerUpdate = (rt1.cpu - rt0.cpu) * 1e9 / float64(row.Updates)
	if d.RTTSamples > 0 {
		row.RTTMean = d.RoundTrip / time.Duration(d.RTTSamples)
	}
	if d.Staleness.Count() > 0 {
		row.StalenessP99 = float64(d.Staleness.Quantile(0.99))
	}
	return row, nil
}

// wait lets the free flock run for ticks ticks' worth of time at r.Rate,
// reporting progress, from done of total.
func (r Run) wait(ctx context.Context, c Combo, done, ticks, total int) error {
	per := time.Duration(float64(time.Second) / r.Rate)
	end := time.Now().Add(time.Duration(ticks) * per)
	report := time.NewTicker(250 * time.Millisecond)
	defer report.Stop()
	for left := time.Until(end); left > 0; left = time.Until(end) {
		if r.Progress != nil {
			r.Progress(c, done+ticks-int(left/per), total)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-report.C:
		case <-time.After(left):
		}
	}
	return ctx.Err()
}
