package boids

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHistBucketsCoverEveryDuration(t *testing.T) {
	for _, d := range []time.Duration{1, 2, 3, 4, 5, 7, 8, 100, 999, 1000, 1 << 20, time.Second, 10 * time.Minute} {
		i := bucket(d)
		lo, hi := bucketBounds(i)
		assert.True(t, float64(d) >= lo && float64(d) < hi, "%v in bucket %d [%g, %g)", d, i, lo, hi)
		if d >= 8 {
			assert.LessOrEqual(t, hi/lo, 1.26, "bucket %d is at most a quarter octave wide", i)
		}
	}
	assert.Equal(t, 0, bucket(0), "zero and negative durations go to the first bucket")
	assert.Equal(t, 0, bucket(-5))
	assert.Equal(t, histBuckets-1, bucket(time.Duration(1<<62)))
}

func TestHistQuantilesWithinABucket(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	tests := []struct {
		name string
		draw func() time.Duration
	}{
		{"uniform 1..100 µs", func() time.Duration { return time.Duration(1000 + rng.IntN(99000)) }},
		{"exponential, mean 50 µs", func() time.Duration { return time.Duration(rng.ExpFloat64() * 50000) }},
		{"bimodal 200 ns / 2 ms", func() time.Duration {
			if rng.IntN(10) == 0 {
				return 2 * time.Millisecond
			}
			return 200
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h Hist
			ds := make([]time.Duration, 20000)
			for i := range ds {
				ds[i] = tt.draw()
				h.Record(ds[i])
			}
			slices.Sort(ds)
			require.EqualValues(t, len(ds), h.Count())
			for _, q := range []float64{0.5, 0.9, 0.99} {
				want := ds[int(q*float64(len(ds)))-1]
				assert.InEpsilon(t, float64(want), float64(h.Quantile(q)), 0.11, "q %g", q)
			}
			assert.GreaterOrEqual(t, h.Max(), ds[len(ds)-1])
			assert.InEpsilon(t, float64(ds[len(ds)-1]), float64(h.Max()), 0.2)
		})
	}
}

// The error bound the type's doc gives, over every duration of four whole
// octaves: a quantile is never more than 12% off, and it is more than 11%
// off at an octave's first quarter.
func TestHistQuantileError(t *testing.T) {
	worst := 0.0
	for d := time.Duration(8); d < 128; d++ {
		var h Hist
		h.Record(d)
		worst = max(worst, math.Abs(float64(h.Quantile(0.5)-d))/float64(d))
	}
	assert.LessOrEqual(t, worst, 0.12)
	assert.Greater(t, worst, 0.11)
}

func TestHistEmptyAndWindows(t *testing.T) {
	var h Hist
	assert.Zero(t, h.Quantile(0.5))
	assert.Zero(t, h.Max())
	for range 100 {
		h.Record(time.Microsecond)
	}
	before := h
	for range 100 {
		h.Record(time.Millisecond)
	}
	h.Sub(&before)
	assert.EqualValues(t, 100, h.Count(), "only what came after the earlier state")
	assert.InEpsilon(t, float64(time.Millisecond), float64(h.Quantile(0.5)), 0.11)
	var sum Hist
	sum.Add(&before)
	sum.Add(&h)
	assert.EqualValues(t, 200, sum.Count())
	assert.InEpsilon(t, float64(time.Microsecond), float64(sum.Quantile(0.5)), 0.11)
	assert.Zero(t, testing.AllocsPerRun(100, func() { h.Record(time.Second); _ = h.Summary() }))
}

func TestTickHistsSummarizeAndRestart(t *testing.T) {
	var th tickHists
	for i := range 100 {
		d := time.Duration(i+1) * time.Microsecond
		th.record(TickTimes{Wake: d, Barrier: 2 * d, End: d}, d)
	}
	f := &Flock{}
	for range 10 {
		f.updates.Record(3 * time.Microsecond)
	}
	s := th.stats(time.Second, f)
	assert.Equal(t, 100, s.Ticks)
	assert.InEpsilon(t, 50e3, float64(s.Wake.P50), 0.11)
	assert.InEpsilon(t, 99e3, float64(s.Wake.P99), 0.11)
	assert.InEpsilon(t, 100e3, float64(s.Publish.P50), 0.11, "EndTick and publication")
	assert.InEpsilon(t, 250e3, float64(s.Total.P50), 0.11)
	assert.InEpsilon(t, 3e3, float64(s.Update.P99), 0.11)
	next := th.stats(time.Second, f)
	assert.Zero(t, next.Ticks, "the next window starts empty")
	assert.Zero(t, next.Update.P50, "the flock's samples were taken")
}

func TestRuntimeSeesLockWaitsAndAllocatesNothing(t *testing.T) {
	r := NewRuntime()
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range 2 * runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 2000 {
				mu.Lock()
				time.Sleep(time.Microsecond)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	f := r.Read(time.Now())
	assert.Positive(t, f.MutexWait, "contended sync.Mutex waits show as a rate")
	assert.Positive(t, f.HeapBytes)
	assert.GreaterOrEqual(t, f.Goroutines, uint64(1))
	assert.Positive(t, f.SchedSamples)
	assert.Positive(t, f.SchedP99)
	assert.Zero(t, testing.AllocsPerRun(20, func() { r.Read(time.Now()) }))
}

func TestPointerPullsAndScatters(t *testing.T) {
	p := DefaultParams(640, 360)
	p.Pointer, p.Reach = Vec{300, 100}, 100
	self := Boid{Pos: Vec{250, 100}, Vel: Vec{0, 2}}
	p.Pull = 0.1
	assert.Greater(t, Step(&p, self, nil).Vel.X, float32(0), "attracted towards +x")
	p.Pull = -0.5
	assert.Less(t, Step(&p, self, nil).Vel.X, float32(0), "scattered towards -x")
	far := Boid{Pos: Vec{100, 100}, Vel: Vec{0, 2}}
	plain := DefaultParams(640, 360)
	assert.Equal(t, Step(&plain, far, nil), Step(&p, far, nil), "no effect beyond the reach")
	p.Pull = 2
	assert.ErrorContains(t, p.Validate(), "pointer pull 2")
}
