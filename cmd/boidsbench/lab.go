package main

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"runtime/metrics"
	"slices"
	"sync"
	"time"

	"github.com/boids-project/boids/boids"
)

// Combo is one row to measure: a design or baseline, a flock size, a
// GOMAXPROCS and a regime (baselines only tick).
type Combo struct {
	Strategy string
	Boids    int
	Procs    int
	Mode     boids.Mode
}

func (c Combo) String() string {
	return fmt.Sprintf("%s %s, %d boids, GOMAXPROCS %d", c.Strategy, c.Mode, c.Boids, c.Procs)
}

// Row is what one combination measured. Durations are per tick unless
// named otherwise.
type Row struct {
	Combo
	Ticks      int           // measured ticks, warm-up excluded
	Elapsed    time.Duration // wall time of the measured ticks
	TickP50    time.Duration
	TickP99    time.Duration
	LockWait   time.Duration // runtime's mutex wait (/sync/mutex/wait/total:seconds) per tick
	Contended  float64       // share of the design's lock acquisitions that waited; NaN if it takes none
	RTTMean    time.Duration // mean channel request/reply time; 0 if the design sends none
	CASRetries float64       // per tick
	Allocs     float64       // heap allocations per tick
	MemPerBoid float64       // bytes of heap and goroutine stacks per boid
	Counters   boids.Counters
	// CPUPerUpdate is the process's CPU time (user and system), in ns, per
	// boid update: the cost, where ns/boid-tick is the wall time and, in a
	// paced free row, the pacing.
	CPUPerUpdate float64
	// Candidates and Neighbours are the kernel's work per boid on the flock
	// as the timed ticks left it (boids.KernelWork).
	Candidates, Neighbours float64
	// Free rows only (NaN in ticked ones): boid updates in the timed
	// window, Jain's fairness index of the boids' rates, the 99th
	// percentile and maximum over boids of each one's longest wait between
	// two updates, and the 99th percentile age of the frames queries read
	// (lockfree).
	Updates              uint64
	Jain, GapP99, GapMax float64
	StalenessP99         float64
	// Speedup is the tick rate over the same design's at the smallest
	// GOMAXPROCS measured, and Parallel the share of the work Amdahl's law
	// says runs in parallel; both NaN where there is nothing to compare.
	Speedup, Parallel float64
}

// ticks is the timed ticks, or in a free row as many updates per boid.
func (r Row) ticks() float64 {
	if r.Mode == boids.Free {
		return float64(r.Updates) / float64(r.Boids)
	}
	return float64(r.Ticks)
}

// TicksPerSec is the measured tick rate; in a free row, each boid's mean
// update rate.
func (r Row) TicksPerSec() float64 { return r.ticks() / r.Elapsed.Seconds() }

// NsPerBoidTick is the wall time of one boid's update, spread over the flock.
func (r Row) NsPerBoidTick() float64 {
	return float64(r.Elapsed.Nanoseconds()) / r.ticks() / float64(r.Boids)
}

// UpdatesPerSec is boid updates per second of wall time.
func (r Row) UpdatesPerSec() float64 { return r.TicksPerSec() * float64(r.Boids) }

// flock is what a row runs: the real goroutine-per-boid Flock or a baseline.
type flock interface {
	Tick()
	Stop()
	Boids(dst []boids.Boid) []boids.Boid
}

// counted is a flock whose design measures its own costs.
type counted interface {
	Counters() boids.Counters
}

// Run settings shared by every combination.
type Run struct {
	Ticks  int
	Warmup int
	Seed   uint64
	// Shards is the partitioned designs' band count (sharded, actors).
	Shards int
	// GoroutineBytes is what one goroutine's descriptor costs (see
	// WarmGoroutines); Measure adds it for each goroutine a flock runs.
	GoroutineBytes float64
	// Rate is the free rows' target, in updates per boid per second; they
	// run as long as Warmup and Ticks ticks would take at that rate.
	Rate float64
	// Progress, if set, is called every few ticks with the ticks done.
	Progress func(c Combo, done, total int)
}

// newFlock builds combination c's flock in a BenchParams world.
func (r Run) newFlock(c Combo) (flock, error) {
	p := boids.BenchParams(c.Boids)
	start := boids.RandomBoids(p, c.Boids, rand.New(rand.NewPCG(r.Seed, r.Seed)))
	if slices.Contains(boids.BaselineNames(), c.Strategy) {
		return boids.NewBaseline(c.Strategy, p, start, c.Procs)
	}
	s, err := boids.NewStrategy(c.Strategy)
	if err != nil {
		return nil, err
	}
	if ps, ok := s.(boids.Partitioned); ok && r.Shards > 0 {
		ps.SetShards(r.Shards)
	}
	return boids.NewFlock(p, start, s)
}

var metricNames = []string{
	"/sync/mutex/wait/total:seconds",
	"/gc/heap/allocs:objects",
}

// reading is the runtime's cumulative figures at one moment.
type reading struct {
	wait   float64 // seconds goroutines waited on locks
	allocs uint64
	cpu    float64 // seconds of CPU the process used (NaN where unknown)
}

func readRuntime(samples []metrics.Sample) reading {
	metrics.Read(samples)
	return reading{
		wait:   samples[0].Value.Float64(),
		allocs: samples[1].Value.Uint64(),
		cpu:    processCPU(),
	}
}

func newSamples() []metrics.Sample {
	samples := make([]metrics.Sample, len(metricNames))
	for i, n := range metricNames {
		samples[i].Name = n
	}
	return samples
}

// Measure runs combination c under GOMAXPROCS c.Procs: a warm-up, then
// r.Ticks timed ticks. A cancelled ctx abandons the row.
func (r Run) Measure(ctx context.Context, c Combo) (Row, error) {
	if c.Mode == boids.Free {
		return r.measureFree(ctx, c)
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(c.Procs))
	mem0 := liveBytes()
	resetStackStart(goroutines(c))
	f, err := r.newFlock(c)
	if err != nil {
		return Row{}, err
	}
	defer f.Stop()
	total := r.Warmup + r.Ticks
	for i := range r.Warmup {
		if err := r.step(ctx, f, c, i, total); err != nil {
			return Row{}, err
		}
	}
	durs := make([]time.Duration, r.Ticks)
	samples := newSamples()
	c0 := countersOf(f)
	rt0 := readRuntime(samples)
	start := time.Now()
	for i := range r.Ticks {
		t := time.Now()
		if err := r.step(ctx, f, c, r.Warmup+i, total); err != nil {
			return Row{}, err
		}
		durs[i] = time.Since(t)
	}
	elapsed := time.Since(start)
	rt1 := readRuntime(samples)
	c1 := countersOf(f)
	mem1 := liveBytes()
	runtime.KeepAlive(f)
	cand, nbrs := boids.KernelWork(boids.BenchParams(c.Boids).Space, f.Boids(nil))

	d := c1
	d.Sub(c0)
	n := float64(r.Ticks)
	row := Row{
		Combo:        c,
		Ticks:        r.Ticks,
		Elapsed:      elapsed,
		TickP50:      Percentile(durs, 50),
		TickP99:      Percentile(durs, 99),
		LockWait:     time.Duration((rt1.wait - rt0.wait) / n * 1e9),
		Contended:    share(d.Contended, d.Reads+d.Writes),
		CASRetries:   float64(d.CASRetries) / n,
		Allocs:       float64(rt1.allocs-rt0.allocs) / n,
		CPUPerUpdate: (rt1.cpu - rt0.cpu) * 1e9 / (n * float64(c.Boids)),
		MemPerBoid:   (float64(int64(mem1)-int64(mem0)) + float64(goroutines(c))*r.GoroutineBytes) / float64(c.Boids),
		Counters:     d,
		Candidates:   cand,
		Neighbours:   nbrs,
		Speedup:      nan,
		Parallel:     nan,
		Updates:      uint64(r.Ticks) * uint64(c.Boids),
		Jain:         nan, GapP99: nan, GapMax: nan,
		StalenessP99: nan,
	}
	if d.RTTSamples > 0 {
		row.RTTMean = d.RoundTrip / time.Duration(d.RTTSamples)
	}
	return row, nil
}

// step runs tick i of total, reporting progress every 50 ticks.
func (r Run) step(ctx context.Context, f flock, c Combo, i, total int) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if r.Progress != nil && i%50 == 0 {
		r.Progress(c, i, total)
	}
	f.Tick()
	return nil
}

// goroutines is how many goroutines combination c's flock runs.
func goroutines(c Combo) int {
	switch c.Strategy {
	case boids.Sequential:
		return 0
	case boids.Workers:
		return c.Procs
	}
	return c.Boids
}

// WarmGoroutines runs n goroutines at once and ends them, and returns the
// heap bytes each one's descriptor takes. The runtime never frees a
// goroutine's descriptor but reuses it for the next goroutine, so once
// this has run, every flock of up to n boids reuses descriptors and the
// heap growth Measure sees no longer includes them, whatever rows ran
// before: Measure adds them back at the cost measured here.
func WarmGoroutines(n int) float64 {
	before := liveBytes()
	var wg sync.WaitGroup
	release := make(chan struct{})
	wg.Add(n)
	for range n {
		go park(&wg, release)
	}
	close(release)
	wg.Wait()
	return float64(int64(liveBytes())-int64(before)) / float64(n)
}

// resetStackStart makes the next goroutines start with the smallest stack,
// as in a fresh program. The runtime sizes new stacks from the mean stack in
// use at the last collection (GODEBUG adaptivestackstart); between rows only
// a few deep goroutines are left, and their mean would give the next row's
// boids 4 KiB stacks instead of 2. A collection while n small goroutines
// are parked brings the mean back down.
func resetStackStart(n int) {
	var wg sync.WaitGroup
	release := make(chan struct{})
	wg.Add(n)
	for range n {
		go park(&wg, release)
	}
	runtime.GC()
	close(release)
	wg.Wait()
}

func park(wg *sync.WaitGroup, release chan struct{}) {
	defer wg.Done()
	<-release
}

func countersOf(f flock) boids.Counters {
	if cs, ok := f.(counted); ok {
		return cs.Counters()
	}
	return boids.Counters{}
}

// liveBytes is the memory a flock holds: live heap objects and goroutine
// stacks, read after two collections: the first shrinks stacks that grew
// for a moment, the second frees the stack spans the first emptied (the
// runtime frees no stack memory during a collection). Buffers cached in a
// sync.Pool do not survive two collections, so designs that keep some
// there are under-counted by that much.
func liveBytes() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc + m.StackInuse
}

func share(part, whole uint64) float64 {
	if whole == 0 {
		return nan
	}
	return float64(part) / float64(whole)
}

// Percentile is the nearest-rank q-th percentile of ds (0 for none). It
// sorts a copy, leaving ds as it was.
func Percentile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	k := int(math.Ceil(q/100*float64(len(s)))) - 1
	return s[min(max(k, 0), len(s)-1)]
}
