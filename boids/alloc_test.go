package boids_test

import (
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/boids-project/boids/boids"
)

// allocating is the mutex design with a query that allocates its buffer,
// as the flock did whenever its pool of buffers ran dry: the check below
// must reject it.
type allocating struct{ *boids.Mutex }

func (a allocating) Neighbors(id int, buf []boids.Boid) (boids.Boid, []boids.Boid) {
	return a.Mutex.Neighbors(id, make([]boids.Boid, 0, cap(buf)))
}

// tickAllocs is how many heap objects the process allocated during ticks
// ticks of f.
func tickAllocs(f *boids.Flock, ticks int) uint64 {
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	for range ticks {
		f.Tick()
	}
	runtime.ReadMemStats(&m1)
	return m1.Mallocs - m0.Mallocs
}

// The mutex and channel designs allocate no buffer per tick, from the first
// tick and after collections, which emptied the pool the boids' buffers
// came from before (1,600-2,100 objects in 30 ticks of 3,000 boids). The
// counter is the whole process's, and the runtime allocates the records
// goroutines wait in as its per-core caches of them settle, and again when
// a collection has emptied its shared cache (up to 136 in the first 30
// ticks and 62 after the collections seen), hence a bound of a tenth of an
// object per boid rather than zero.
func TestTicksAllocateNothing(t *testing.T) {
	const n, ticks = 3000, 30 // three batches
	p := boids.BenchParams(n)
	for _, tc := range []struct {
		name  string
		s     boids.Strategy
		clean bool
	}{
		{"mutex", boids.NewMutex(), true},
		{"channel", boids.NewChannel(), true},
		{"allocating", allocating{boids.NewMutex()}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := boids.NewFlock(p, boids.RandomBoids(p, n, rand.New(rand.NewPCG(1, 1))), tc.s)
			require.NoError(t, err)
			defer f.Stop()
			first := tickAllocs(f, ticks)
			runtime.GC()
			runtime.GC()
			after := tickAllocs(f, ticks)
			t.Logf("%d objects in the first %d ticks, %d after two collections", first, ticks, after)
			if !tc.clean {
				assert.GreaterOrEqual(t, after, uint64(n*ticks), "the check missed a query that allocates")
				return
			}
			assert.Less(t, first, uint64(n/10), "objects allocated in the first %d ticks", ticks)
			assert.Less(t, after, uint64(n/10), "objects allocated in %d ticks after two collections", ticks)
		})
	}
}
