package boids

import (
	"fmt"
	"runtime"
	"sync"
	"testing"
)

// stepper is what a benchmark row runs: a flock of goroutines over a design
// or a baseline.
type stepper interface {
	Tick()
	Stop()
}

func newStepper(tb testing.TB, name string, n int) stepper {
	tb.Helper()
	p := BenchParams(n)
	boids := RandomBoids(p, n, newRand(1))
	for _, bn := range BaselineNames() {
		if name == bn {
			b, err := NewBaseline(name, p, boids, runtime.GOMAXPROCS(0))
			if err != nil {
				tb.Fatal(err)
			}
			return b
		}
	}
	s, err := NewStrategy(name)
	if err != nil {
		tb.Fatal(err)
	}
	f, err := NewFlock(p, boids, s)
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

// benchTicks runs s under b.Loop after a warm-up that lets every buffer
// reach its steady size, and reports the cost per boid and per tick.
func benchTicks(b *testing.B, s stepper, n int) {
	defer s.Stop()
	for range 20 {
		s.Tick()
	}
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	for b.Loop() {
		s.Tick()
	}
	runtime.ReadMemStats(&m1)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/boid-tick")
	b.ReportMetric(float64(m1.Mallocs-m0.Mallocs)/float64(b.N), "allocs/tick")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ticks/s")
}

// BenchmarkFlock is the bench command's table in short form: every design
// and both baselines at three flock sizes of equal density (BenchParams).
func BenchmarkFlock(b *testing.B) {
	names := append(DesignNames(), BaselineNames()...)
	for _, name := range names {
		for _, n := range []int{1000, 5000, 10000} {
			b.Run(fmt.Sprintf("%s/boids=%d", name, n), func(b *testing.B) {
				benchTicks(b, newStepper(b, name, n), n)
			})
		}
	}
}

// kernelWarmup is how many ticks the kernel benchmark lets a flock gather
// first: a random start examines 30 candidates per query, a gathered flock
// (after a few hundred ticks) about four times as many.
const kernelWarmup = 1000

// gatheredFlock is a sequential baseline of n boids in p after
// kernelWarmup ticks from a random start (seed 1): the flock gathered.
func gatheredFlock(b *testing.B, p Params, n int) *Baseline {
	base, err := NewBaseline(Sequential, p, RandomBoids(p, n, newRand(1)), 1)
	if err != nil {
		b.Fatal(err)
	}
	for range kernelWarmup {
		base.Tick()
	}
	return base
}

// BenchmarkKernel measures the neighbour query alone on a gathered flock of
// 10,000 boids (BenchParams), so that the kernel's cost shows apart from
// any design's synchronization: per query, the candidates it examines, the
// neighbours it finds and the time per neighbour. It queries the frame (the
// baselines' and lockfree's map) in the frame's order, as the baselines
// step, and in id order, as lockfree's boid goroutines come; and a Grid
// (mutex's and channel's map) in id order, freshly loaded: every row in
// order, as mutex's grid is after EndTick tidies it (in a 10,000-boid mutex
// flock, 93% of the row scans found their row so). A Grid's scan also
// passes over its cells' room, which candidates/query does not count.
// Then whole sequential ticks on the same flock.
func BenchmarkKernel(b *testing.B) {
	const n = 10000
	p := BenchParams(n)
	base := gatheredFlock(b, p, n)
	f, lay := &base.frames[base.cur], &base.lay
	var g Grid
	g.Load(p.Space, base.Boids(nil))
	buf := make([]Boid, 0, MaxNeighbors)
	queries := []struct {
		name  string
		query func(i int) // query number i of a pass over the flock
		cand  func(i int) int
	}{
		{"frame", func(k int) { buf = f.near(lay, f.cells[k], k, buf[:0]) }, func(k int) int { return f.candidates(lay, k) }},
		{"frame-by-id", func(id int) {
			k := int(f.slot[id])
			buf = f.near(lay, f.cells[k], k, buf[:0])
		}, func(id int) int { return f.candidates(lay, int(f.slot[id])) }},
		{"grid", func(id int) { _, buf = g.Near(id, buf[:0]) }, g.Candidates},
	}
	for _, k := range queries {
		var cand, nbrs int
		for i := range n {
			cand += k.cand(i)
			k.query(i)
			nbrs += len(buf)
		}
		b.Run(k.name, func(b *testing.B) {
			for b.Loop() {
				for i := range n {
					k.query(i)
				}
			}
			ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			b.ReportMetric(ns/n, "ns/query")
			b.ReportMetric(float64(cand)/n, "candidates/query")
			b.ReportMetric(float64(nbrs)/n, "neighbours/query")
			b.ReportMetric(ns/float64(nbrs), "ns/neighbour")
			b.ReportMetric(ns/float64(cand), "ns/candidate")
		})
	}
	b.Run("tick", func(b *testing.B) { benchTicks(b, base, n) })
}

// BenchmarkWake isolates waking 10k boid goroutines and waiting for them:
// the boids do nothing when woken, not even their rules.
func BenchmarkWake(b *testing.B) {
	const n = 10000
	p := BenchParams(n)
	f, err := NewFlock(p, make([]Boid, n), NewLockFree())
	if err != nil {
		b.Fatal(err)
	}
	f.work = func(int) {}
	benchTicks(b, f, n)
}

// BenchmarkSwitch measures the floor under BenchmarkWake: the cheapest way
// the runtime offers to hand the processor from one parked goroutine to
// another. A token goes round a ring of goroutines, each parked on its own
// channel of one slot (as a boid on its wake channel); a hop is one send
// and one park, the woken goroutine running next on the sender's core.
// A ring of 2 stays in the cache; 10,000 goroutines pay cold stacks, as a
// tick's wake does. Two rings share the goroutines and run at once: with
// two cores each may have one, and ns/hop, the wall time per hop of both
// rings together, would halve if the cores added up.
func BenchmarkSwitch(b *testing.B) {
	for _, n := range []int{2, 10000} {
		for _, rings := range []int{1, 2} {
			per := max(n/rings, 2)
			b.Run(fmt.Sprintf("ring=%d/rings=%d", per, rings), func(b *testing.B) { benchRings(b, per, rings) })
		}
	}
}

// benchRings passes a token round each of rings rings of per goroutines,
// b.N laps, the rings at once, and reports the wall time per hop of all
// the rings together.
func benchRings(b *testing.B, per, rings int) {
	var done, exited sync.WaitGroup
	var all []chan struct{}
	heads := make([]chan struct{}, rings)
	for r := range rings {
		ring := make([]chan struct{}, per)
		for i := range ring {
			ring[i] = make(chan struct{}, 1)
		}
		heads[r] = ring[0]
		all = append(all, ring...)
		for i, in := range ring {
			next := ring[(i+1)%per]
			exited.Add(1)
			go func() {
				defer exited.Done()
				// The first of the ring counts the laps: it passes the
				// token on b.N times, then ends the ring's run.
				lap := 0
				for range in {
					if i == 0 {
						if lap == b.N {
							done.Done()
							continue
						}
						lap++
					}
					next <- struct{}{}
				}
			}()
		}
	}
	b.ResetTimer()
	done.Add(rings)
	for _, h := range heads {
		h <- struct{}{}
	}
	done.Wait()
	b.StopTimer()
	for _, ch := range all {
		close(ch)
	}
	exited.Wait()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*per*rings), "ns/hop")
}
