package boids

import (
	"fmt"
	"runtime"
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
