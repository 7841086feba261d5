package boids_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/boids-project/boids/boids"
	"github.com/boids-project/boids/boids/boidstest"
)

func TestChannel(t *testing.T) {
	boidstest.TestStrategy(t, func() boids.Strategy { return boids.NewChannel() })
}

func TestChannelCloseEndsOwner(t *testing.T) {
	sp := boids.Space{W: 640, H: 360, Radius: 28, Edges: boids.Wrap}
	cases := []struct {
		name string
		use  func(s *boids.Channel)
	}{
		{"never loaded", func(s *boids.Channel) {}},
		{"loaded", func(s *boids.Channel) {
			s.Load(sp, make([]boids.Boid, 50))
		}},
		{"reloaded", func(s *boids.Channel) {
			for _, n := range []int{50, 0, 300, 20} {
				s.Load(sp, make([]boids.Boid, n))
				s.EndTick()
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			defer goleak.VerifyNone(t)
			s := boids.NewChannel()
			c.use(s)
			s.Close()
			s.Close()
		})
	}
}

func TestChannelFlockStopEndsOwner(t *testing.T) {
	defer goleak.VerifyNone(t)
	p := boids.DefaultParams(480, 320)
	f, err := boids.NewFlock(p, boids.RandomBoids(p, 100, rand.New(rand.NewPCG(1, 1))), boids.NewChannel())
	require.NoError(t, err)
	f.Tick()
	f.SetStrategy(boids.NewChannel())
	f.Tick()
	f.Stop()
}

func TestChannelCounters(t *testing.T) {
	const n, ticks = 200, 16
	p := boids.DefaultParams(480, 320)
	s := boids.NewChannel()
	f, err := boids.NewFlock(p, boids.RandomBoids(p, n, rand.New(rand.NewPCG(2, 2))), s)
	require.NoError(t, err)
	defer f.Stop()
	for range ticks {
		f.Tick()
	}
	c := s.Counters()
	assert.GreaterOrEqual(t, c.Messages, c.Reads+c.Writes+ticks, "queries, moves and a sync per tick")
	assert.Equal(t, uint64(n), c.RTTSamples, "each boid times one query in 16")
	assert.Positive(t, c.RoundTrip)
	assert.Equal(t, c.RTTSamples, c.RTTHist.Count(), "every sample in the histogram")
	assert.Positive(t, c.OwnerBusy)
	assert.LessOrEqual(t, c.QueueMax, uint64(4096))
	assert.LessOrEqual(t, c.QueueSum, c.Reads*c.QueueMax)
	again := s.Counters()
	again.OwnerBusy = c.OwnerBusy // the owner is busy serving Counters itself
	assert.Equal(t, c, again, "reading the counters must not change them")

	s.Load(p.Space, f.Boids(nil))
	c = s.Counters()
	assert.Less(t, c.OwnerBusy, time.Millisecond, "Load restarts the busy clock")
	c.OwnerBusy = 0
	assert.Equal(t, boids.Counters{}, c, "Load starts the counts afresh")
}

// The round-trip histogram holds every sampled round trip, each in its own
// bucket, however often Counters is read: never during the run, once a
// tick, or three times a tick. 40 ticks is not a multiple of the sampling
// period, so a histogram that kept only each boid's latest sample would
// miss some.
func TestChannelCountersReadAnyNumberOfTimes(t *testing.T) {
	const n, ticks = 100, 40
	p := boids.DefaultParams(480, 320)
	var samples uint64
	for _, reads := range []int{0, 1, 3} {
		t.Run(fmt.Sprintf("reads=%d", reads), func(t *testing.T) {
			s := boids.NewChannel()
			f, err := boids.NewFlock(p, boids.RandomBoids(p, n, rand.New(rand.NewPCG(2, 2))), s)
			require.NoError(t, err)
			defer f.Stop()
			for range ticks {
				f.Tick()
				for range reads {
					s.Counters()
				}
			}
			c := s.Counters()
			if samples == 0 {
				samples = c.RTTSamples
			}
			assert.Equal(t, samples, c.RTTSamples, "the boids sample the same queries whoever reads")
			assert.Equal(t, c.RTTSamples, c.RTTHist.Count(), "one histogram entry per sample")
			// A bucket's middle is within 12% of every duration in it, so
			// the middles of the samples' buckets add up to the summed round
			// trips within 12%.
			var mids float64
			for i, k := range c.RTTHist.Counts {
				var one boids.Hist
				one.Counts[i] = 1
				mids += float64(k) * float64(one.Quantile(0.5))
			}
			assert.InEpsilon(t, float64(c.RoundTrip), mids, 0.12, "the samples' buckets match their durations")
			again := s.Counters()
			assert.Equal(t, c.RTTHist, again.RTTHist, "reading must not change the histogram")
		})
	}
}

// TestChannelNoAllocs drives the design the way a tick does, every boid
// jumping between two random states so that many change cells, and requires
// that no query, move or sync allocates once the grid's cells have grown to
// fit both layouts.
func TestChannelNoAllocs(t *testing.T) {
	const n = 300
	p := boids.DefaultParams(480, 320)
	rng := rand.New(rand.NewPCG(3, 3))
	layouts := [2][]boids.Boid{boids.RandomBoids(p, n, rng), boids.RandomBoids(p, n, rng)}
	s := boids.NewChannel()
	defer s.Close()
	s.Load(p.Space, layouts[0])
	buf := make([]boids.Boid, 0, n)
	tick := 0
	run := func() {
		tick++
		next := layouts[tick%2]
		for id := range n {
			_, buf = s.Neighbors(id, buf[:0])
			s.Move(id, next[id])
		}
		s.EndTick()
	}
	run()
	run()
	assert.Zero(t, testing.AllocsPerRun(20, run), "allocations per tick of %d boids", n)
}

// BenchmarkChannelFlock compares the channel design with the mutex on the
// real flock at constant density. Run it with -cpu 2.
func BenchmarkChannelFlock(b *testing.B) {
	for _, d := range []struct {
		name string
		new  func() boids.Strategy
	}{
		{"mutex", func() boids.Strategy { return boids.NewMutex() }},
		{"channel", func() boids.Strategy { return boids.NewChannel() }},
	} {
		for _, n := range []int{1000, 5000, 6000, 8000, 10000} {
			b.Run(fmt.Sprintf("%s/boids=%d", d.name, n), func(b *testing.B) {
				p := boids.BenchParams(n)
				f, err := boids.NewFlock(p, boids.RandomBoids(p, n, rand.New(rand.NewPCG(4, 4))), d.new())
				require.NoError(b, err)
				defer f.Stop()
				for range 20 {
					f.Tick()
				}
				b.ReportAllocs()
				ticks := 0
				for b.Loop() {
					f.Tick()
					ticks++
				}
				sec := b.Elapsed().Seconds()
				b.ReportMetric(sec*1e9/float64(ticks*n), "ns/boid-tick")
				b.ReportMetric(float64(ticks)/sec, "ticks/s")
			})
		}
	}
}
