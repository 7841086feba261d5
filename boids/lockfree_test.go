package boids_test

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/boids-project/boids/boids"
	"github.com/boids-project/boids/boids/boidstest"
)

func TestLockFree(t *testing.T) {
	defer goleak.VerifyNone(t)
	boidstest.TestStrategy(t, func() boids.Strategy { return boids.NewLockFree() })
}

func TestLockFreeCounters(t *testing.T) {
	defer goleak.VerifyNone(t)
	const n, ticks = 300, 25
	p := boids.DefaultParams(480, 320)
	s := boids.NewLockFree()
	f, err := boids.NewFlock(p, boids.RandomBoids(p, n, rand.New(rand.NewPCG(1, 1))), s)
	require.NoError(t, err)
	defer f.Stop()
	for range ticks {
		f.Tick()
	}
	c := s.Counters()
	assert.EqualValues(t, ticks, c.Publishes, "one frame published per tick")
	assert.Positive(t, c.Rebuild, "EndTick's rebuild is timed")

	s.Load(p.Space, f.Boids(nil))
	assert.Equal(t, boids.Counters{}, s.Counters(), "Load starts the counters afresh")
}

// TestLockFreeStaleness pins down the staleness the design allows: during a
// tick, a query sees every boid, itself included, as it was when the last
// frame was published; moves show only after EndTick.
func TestLockFreeStaleness(t *testing.T) {
	sp := boids.Space{W: 200, H: 200, Radius: 20, Edges: boids.Wrap}
	start := []boids.Boid{
		{Pos: boids.Vec{X: 100, Y: 100}, Vel: boids.Vec{X: 1}},
		{Pos: boids.Vec{X: 105, Y: 100}, Vel: boids.Vec{X: 2}},
	}
	moved := boids.Boid{Pos: boids.Vec{X: 110, Y: 100}, Vel: boids.Vec{X: 3}}
	s := boids.NewLockFree()
	defer s.Close()
	s.Load(sp, start)

	s.Move(1, moved)
	self, nbrs := s.Neighbors(1, nil)
	assert.Equal(t, start[1], self, "a boid reads itself as of the last frame, even after its move")
	assert.Equal(t, []boids.Boid{start[0]}, nbrs)
	self, nbrs = s.Neighbors(0, nil)
	assert.Equal(t, start[0], self)
	assert.Equal(t, []boids.Boid{start[1]}, nbrs, "a neighbour's move this tick is not visible yet")

	// Boid 0 never moved this tick: it keeps its state.
	s.EndTick()
	_, nbrs = s.Neighbors(0, nil)
	assert.Equal(t, []boids.Boid{moved}, nbrs, "the move is visible once the tick ends")
	assert.Equal(t, []boids.Boid{start[0], moved}, s.Read(nil))
}

// TestLockFreeMovedTwice checks that a boid breaking the contract by moving
// twice in a tick, which makes a cycle in a cell list, cannot hang EndTick.
func TestLockFreeMovedTwice(t *testing.T) {
	sp := boids.Space{W: 200, H: 200, Radius: 20, Edges: boids.Bounce}
	start := []boids.Boid{{Pos: boids.Vec{X: 10, Y: 10}}, {Pos: boids.Vec{X: 150, Y: 150}}}
	last := boids.Boid{Pos: boids.Vec{X: 12, Y: 10}}
	s := boids.NewLockFree()
	defer s.Close()
	s.Load(sp, start)
	s.Move(0, boids.Boid{Pos: boids.Vec{X: 11, Y: 10}})
	s.Move(0, last)
	s.Move(1, start[1])
	s.EndTick()
	assert.Equal(t, []boids.Boid{last, start[1]}, s.Read(nil), "the last move wins")
	require.NoError(t, boidstest.CheckMap(s, sp, nil))
}

// TestLockFreeMovedTwiceAcrossCells is the contract broken so that the
// lists still hold as many entries as there are boids: boid 0 moves twice,
// into cell A and then cell B, which unlinks boid 1 from A and lists boid 0
// twice. EndTick must notice and rebuild, rather than publish a frame where
// boid 1 is a copy of boid 0.
func TestLockFreeMovedTwiceAcrossCells(t *testing.T) {
	sp := boids.Space{W: 200, H: 200, Radius: 20, Edges: boids.Bounce}
	start := []boids.Boid{
		{Pos: boids.Vec{X: 100, Y: 100}}, {Pos: boids.Vec{X: 100, Y: 60}}, {Pos: boids.Vec{X: 60, Y: 100}},
	}
	a0, a1 := boids.Boid{Pos: boids.Vec{X: 10, Y: 10}}, boids.Boid{Pos: boids.Vec{X: 12, Y: 10}}
	b0, b2 := boids.Boid{Pos: boids.Vec{X: 150, Y: 150}}, boids.Boid{Pos: boids.Vec{X: 152, Y: 150}}
	s := boids.NewLockFree()
	defer s.Close()
	s.Load(sp, start)
	s.Move(1, a1)
	s.Move(0, a0)
	s.Move(0, b0)
	s.Move(2, b2)
	s.EndTick()
	want := []boids.Boid{b0, a1, b2}
	assert.Equal(t, want, s.Read(nil), "every boid keeps its last move")
	require.NoError(t, boidstest.CheckMap(s, sp, want))
}

// TestLockFreeNoAllocs checks that a steady tick and a Load of the same size
// reuse memory.
func TestLockFreeNoAllocs(t *testing.T) {
	p := boids.DefaultParams(480, 320)
	start := boids.RandomBoids(p, 300, rand.New(rand.NewPCG(2, 2)))
	s := boids.NewLockFree()
	defer s.Close()
	s.Load(p.Space, start)
	buf := make([]boids.Boid, 0, len(start))
	tick := func() {
		for id := range start {
			var self boids.Boid
			self, buf = s.Neighbors(id, buf[:0])
			s.Move(id, boids.Step(&p, self, buf))
		}
		s.EndTick()
	}
	tick()
	assert.Zero(t, testing.AllocsPerRun(20, tick), "allocations per tick")
	assert.Zero(t, s.Counters().CASRetries, "pushes one at a time never retry")
	assert.Zero(t, testing.AllocsPerRun(20, func() { s.Load(p.Space, start) }), "allocations per Load")
}

// BenchmarkLockFreeFlock compares the design with mutex and with a
// worker-pool reference in the same run, on a real flock at constant
// density.
func BenchmarkLockFreeFlock(b *testing.B) {
	designs := []struct {
		name string
		new  func(p boids.Params, start []boids.Boid) ticker
	}{
		{"lockfree", flockOf(func() boids.Strategy { return boids.NewLockFree() })},
		{"mutex", flockOf(func() boids.Strategy { return boids.NewMutex() })},
		{"workers-ref", newWorkersRef},
	}
	for _, n := range []int{1000, 10000, 20000} {
		for _, d := range designs {
			b.Run(fmt.Sprintf("%s/n=%d", d.name, n), func(b *testing.B) {
				p := boids.BenchParams(n)
				t := d.new(p, boids.RandomBoids(p, n, rand.New(rand.NewPCG(3, 3))))
				defer t.Stop()
				for range 20 {
					t.Tick()
				}
				f, isFlock := t.(*boids.Flock)
				var before boids.Counters
				if isFlock {
					before = f.Counters()
				}
				b.ReportAllocs()
				for b.Loop() {
					t.Tick()
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/boid-tick")
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ticks/s")
				if !isFlock {
					return
				}
				if c := f.Counters(); c.Publishes > 0 {
					b.ReportMetric(float64((c.Rebuild-before.Rebuild).Microseconds())/float64(b.N), "rebuild-µs/tick")
					b.ReportMetric(float64(c.CASRetries-before.CASRetries)/float64(b.N), "retries/tick")
				}
			})
		}
	}
}

// ticker is what the benchmark drives: a Flock, or the workers reference.
type ticker interface {
	Tick()
	Stop()
}

func flockOf(newStrategy func() boids.Strategy) func(boids.Params, []boids.Boid) ticker {
	return func(p boids.Params, start []boids.Boid) ticker {
		f, err := boids.NewFlock(p, start, newStrategy())
		if err != nil {
			panic(err)
		}
		return f
	}
}

// workersRef is the yardstick without a goroutine per boid: GOMAXPROCS
// goroutines step slices of the flock over one Grid rebuilt every tick.
type workersRef struct {
	p         boids.Params
	grid      boids.Grid
	cur, next []boids.Boid
	bufs      [][]boids.Boid
}

func newWorkersRef(p boids.Params, start []boids.Boid) ticker {
	return &workersRef{p: p, cur: start, next: make([]boids.Boid, len(start)), bufs: make([][]boids.Boid, runtime.GOMAXPROCS(0))}
}

func (r *workersRef) Tick() {
	r.grid.Load(r.p.Space, r.cur)
	var wg sync.WaitGroup
	n, workers := len(r.cur), len(r.bufs)
	for w := range workers {
		wg.Go(func() {
			buf := r.bufs[w]
			for id := w * n / workers; id < (w+1)*n/workers; id++ {
				var self boids.Boid
				self, buf = r.grid.Near(id, buf[:0])
				r.next[id] = boids.Step(&r.p, self, buf)
			}
			r.bufs[w] = buf
		})
	}
	wg.Wait()
	r.cur, r.next = r.next, r.cur
}

func (r *workersRef) Stop() {}

// BenchmarkLockFreeSequential steps the flock from one goroutine, without a
// goroutine per boid, to isolate the strategy's own cost per boid-tick.
func BenchmarkLockFreeSequential(b *testing.B) {
	for _, d := range []struct {
		name string
		new  func() boids.Strategy
	}{
		{"lockfree", func() boids.Strategy { return boids.NewLockFree() }},
		{"mutex", func() boids.Strategy { return boids.NewMutex() }},
	} {
		b.Run(d.name, func(b *testing.B) {
			const n = 10000
			p := boids.BenchParams(n)
			s := d.new()
			defer s.Close()
			s.Load(p.Space, boids.RandomBoids(p, n, rand.New(rand.NewPCG(4, 4))))
			var buf []boids.Boid
			for b.Loop() {
				for id := range n {
					var self boids.Boid
					self, buf = s.Neighbors(id, buf[:0])
					s.Move(id, boids.Step(&p, self, buf))
				}
				s.EndTick()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/boid-tick")
		})
	}
}
