package boids_test

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/boids-project/boids/boids"
	"github.com/boids-project/boids/boids/boidstest"
)

func newFlock(t *testing.T, n int, s boids.Strategy) *boids.Flock {
	t.Helper()
	p := boids.DefaultParams(480, 320)
	f, err := boids.NewFlock(p, boids.RandomBoids(p, n, rand.New(rand.NewPCG(1, 2))), s)
	require.NoError(t, err)
	return f
}

// Growing and shrinking a running flock starts and ends exactly the boid
// goroutines concerned, and Stop ends the rest.
func TestFlockResizeStartsAndStopsGoroutines(t *testing.T) {
	defer goleak.VerifyNone(t)
	// Goroutines of earlier tests may still be on their way out.
	require.NoError(t, goleak.Find())
	before := runtime.NumGoroutine()
	f := newFlock(t, 100, boids.NewMutex())
	rng := rand.New(rand.NewPCG(3, 3))
	for _, n := range []int{400, 10, 0, 1, 250} {
		require.NoError(t, f.Resize(n, rng))
		for range 3 {
			f.Tick()
		}
		assert.Equal(t, n, f.Len())
		assert.Len(t, f.Boids(nil), n)
		assert.Equal(t, before+n, settledGoroutines(before+n), "goroutines with %d boids", n)
	}
	require.Error(t, f.Resize(boids.MaxBoids+1, rng))
	require.Error(t, f.Resize(-1, rng))
	assert.Equal(t, 250, f.Len(), "a refused resize must not change the flock")
	f.Stop()
}

// settledGoroutines polls the goroutine count (in the test's goroutine:
// helpers like assert.Eventually add their own) until it is want or a
// timeout passes, and returns the last count.
func settledGoroutines(want int) int {
	deadline := time.Now().Add(timeout)
	for {
		n := runtime.NumGoroutine()
		if n == want || time.Now().After(deadline) {
			return n
		}
		time.Sleep(tick)
	}
}

func TestFlockResizeKeepsSurvivors(t *testing.T) {
	f := newFlock(t, 300, boids.NewMutex())
	defer f.Stop()
	f.Tick()
	before := f.Boids(nil)
	require.NoError(t, f.Resize(120, rand.New(rand.NewPCG(1, 1))))
	assert.Equal(t, before[:120], f.Boids(nil))
	require.NoError(t, f.Resize(500, rand.New(rand.NewPCG(1, 1))))
	assert.Equal(t, before[:120], f.Boids(nil)[:120])
}

// Replace installs exactly the boids given, starting and ending goroutines
// as Resize does, and a refused Replace leaves the flock as it was.
func TestFlockReplace(t *testing.T) {
	defer goleak.VerifyNone(t)
	require.NoError(t, goleak.Find())
	before := runtime.NumGoroutine()
	f := newFlock(t, 100, boids.NewMutex())
	p := f.Params()
	rng := rand.New(rand.NewPCG(5, 5))
	for _, n := range []int{300, 40, 0, 40} {
		want := boids.RandomBoids(p, n, rng)
		require.NoError(t, f.Replace(want))
		assert.Equal(t, want, f.Boids(make([]boids.Boid, 0, n)))
		require.NoError(t, boidstest.CheckMap(f.Strategy(), p.Space, want))
		f.Tick()
		assert.Equal(t, before+n, settledGoroutines(before+n), "goroutines with %d boids", n)
	}
	kept := f.Boids(nil)
	require.Error(t, f.Replace(make([]boids.Boid, boids.MaxBoids+1)))
	assert.Equal(t, kept, f.Boids(nil), "a refused replace must not change the flock")
	f.Stop()
}

// A switch hands the exact state over: same boids, same positions and
// velocities, nothing lost or duplicated, old design closed.
func TestFlockSwitchHandsStateOver(t *testing.T) {
	f := newFlock(t, 300, boids.NewMutex())
	defer f.Stop()
	for i := range 3 * len(boids.Designs()) {
		f.Tick()
		before := f.Boids(nil)
		d := boids.Designs()[i%len(boids.Designs())]
		f.SetStrategy(d.New())
		require.Equal(t, before, f.Boids(nil), "switch to %s", d.Name)
		require.NoError(t, boidstest.CheckMap(f.Strategy(), f.Params().Space, before), "switch to %s", d.Name)
	}
}

func TestFlockSetParamsRebuildsMap(t *testing.T) {
	for _, d := range boids.Designs() {
		t.Run(d.Name, func(t *testing.T) {
			f := newFlock(t, 300, d.New())
			defer f.Stop()
			f.Tick()
			p := f.Params()
			p.Radius, p.W, p.H, p.Edges = 40, 200, 150, boids.Bounce
			require.NoError(t, f.SetParams(p))
			require.NoError(t, boidstest.CheckMap(f.Strategy(), p.Space, nil))
			for _, b := range f.Boids(nil) {
				require.True(t, b.Pos.X < p.W && b.Pos.Y < p.H, "boid outside the smaller world: %+v", b)
			}
			f.Tick()
			bad := p
			bad.Radius = 0
			require.Error(t, f.SetParams(bad))
			assert.Equal(t, p, f.Params(), "refused params must not change the rules")
		})
	}
}

func TestNewFlockRejectsBadInput(t *testing.T) {
	p := boids.DefaultParams(480, 320)
	_, err := boids.NewFlock(p, make([]boids.Boid, boids.MaxBoids+1), boids.NewMutex())
	require.Error(t, err)
	p.MaxSpeed = -1
	_, err = boids.NewFlock(p, nil, boids.NewMutex())
	require.Error(t, err)
}

// The switch storm: hundreds of switches in random order, interleaved with
// ticks, resizes and resets, on every design; after each switch the state is
// exactly what the boids wrote and the map agrees with it.
func TestSwitchStorm(t *testing.T) {
	defer goleak.VerifyNone(t)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(-1))
	switches := 300
	if testing.Short() {
		switches = 100
	}
	for _, procs := range []int{1, 2} {
		t.Run(fmt.Sprintf("procs=%d", procs), func(t *testing.T) {
			runtime.GOMAXPROCS(procs)
			rng := rand.New(rand.NewPCG(uint64(procs), 7))
			f := newFlock(t, 200, boids.NewMutex())
			defer f.Stop()
			for i := range switches {
				switch rng.IntN(4) {
				case 0:
					require.NoError(t, f.Resize(1+rng.IntN(400), rng))
				case 1:
					f.Tick()
				case 2:
					// A reset, as the Sim's: new random boids, same count.
					require.NoError(t, f.Replace(boids.RandomBoids(f.Params(), f.Len(), rng)))
				}
				before := f.Boids(nil)
				d := boids.Designs()[rng.IntN(len(boids.Designs()))]
				f.SetStrategy(d.New())
				require.NoError(t, boidstest.CheckMap(f.Strategy(), f.Params().Space, before), "switch %d to %s", i, d.Name)
				f.Tick()
				require.Len(t, f.Boids(nil), len(before))
			}
		})
	}
}

// An empty flock ticks, runs free and halts without waiting for a boid
// that does not exist (a round over no boids ends at once).
func TestEmptyFlockNeverWaits(t *testing.T) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		f := newFlock(t, 0, boids.NewMutex())
		f.Tick()
		f.RunFree(60)
		f.Halt()
		assert.NoError(t, f.Resize(3, rand.New(rand.NewPCG(1, 1))))
		f.Tick()
		assert.NoError(t, f.Resize(0, rand.New(rand.NewPCG(1, 1))))
		f.RunFree(60)
		f.Halt()
		f.Stop()
	}()
	select {
	case <-done:
	case <-time.After(timeout):
		t.Fatal("an empty flock's round never ended")
	}
}
