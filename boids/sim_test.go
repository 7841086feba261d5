package boids_test

import (
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/boids-project/boids/boids"
)

const (
	timeout = 5 * time.Second
	tick    = 2 * time.Millisecond
)

// logLines collects a Sim's log safely, for assertions.
type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) add(s string) { l.mu.Lock(); l.lines = append(l.lines, s); l.mu.Unlock() }

func (l *logLines) has(prefix string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, s := range l.lines {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}

func newSim(t *testing.T, n int, log *logLines) *boids.Sim {
	t.Helper()
	s, err := boids.NewSim(boids.Config{
		Params: boids.DefaultParams(480, 320), Boids: n, Seed: 1, TPS: 200, Strategy: "mutex", Log: log.add,
	})
	require.NoError(t, err)
	return s
}

// eventually waits until the latest snapshot satisfies ok.
func eventually(t *testing.T, s *boids.Sim, ok func(*boids.Snapshot) bool, what string) *boids.Snapshot {
	t.Helper()
	var snap *boids.Snapshot
	require.Eventually(t, func() bool { snap = s.Snapshot(); return ok(snap) }, timeout, tick, what)
	return snap
}

func TestSimRunsAndStops(t *testing.T) {
	defer goleak.VerifyNone(t)
	var log logLines
	s := newSim(t, 200, &log)
	first := s.Snapshot()
	assert.Len(t, first.Boids, 200)
	assert.Equal(t, "mutex", first.Strategy)
	eventually(t, s, func(sn *boids.Snapshot) bool { return sn.Tick > 20 }, "the clock ticks")
	s.Stop()
	s.Stop()
}

func TestSimCommands(t *testing.T) {
	defer goleak.VerifyNone(t)
	var log logLines
	s := newSim(t, 200, &log)
	defer s.Stop()

	s.TogglePause()
	snap := eventually(t, s, func(sn *boids.Snapshot) bool { return sn.Paused }, "pause")
	paused := snap.Tick
	time.Sleep(50 * time.Millisecond)
	assert.Equal(t, paused, s.Snapshot().Tick, "no ticks while paused")
	s.Step()
	eventually(t, s, func(sn *boids.Snapshot) bool { return sn.Tick == paused+1 }, "a single step while paused")

	s.Scale(2, 1)
	eventually(t, s, func(sn *boids.Snapshot) bool { return len(sn.Boids) == 400 }, "doubling while paused")
	assert.True(t, log.has("boids: 200 -> 400 (tick "), "%q", log.lines)
	s.SetBoids(0)
	eventually(t, s, func(sn *boids.Snapshot) bool { return len(sn.Boids) == 1 }, "the count is clamped to 1")
	s.Scale(1, 2)
	s.SetBoids(300)
	eventually(t, s, func(sn *boids.Snapshot) bool { return len(sn.Boids) == 300 }, "resize")

	s.SetStrategy("nonsense")
	s.SetStrategy(boids.Designs()[len(boids.Designs())-1].Name)
	eventually(t, s, func(sn *boids.Snapshot) bool { return sn.Strategy == boids.Designs()[len(boids.Designs())-1].Name }, "switch")
	require.Eventually(t, func() bool { return log.has(`strategy: unknown strategy "nonsense"`) }, timeout, tick)

	before := s.Snapshot().Boids[0]
	s.Reset(99)
	snap = eventually(t, s, func(sn *boids.Snapshot) bool { return sn.Seed == 99 }, "reset")
	assert.Len(t, snap.Boids, 300)
	assert.NotEqual(t, before, snap.Boids[0])
	assert.True(t, snap.Paused, "reset keeps the pause")

	bad := snap.Params
	bad.Radius = -3
	s.SetParams(bad)
	s.SetTPS(1e9)
	s.TogglePause()
	snap = eventually(t, s, func(sn *boids.Snapshot) bool { return !sn.Paused && sn.TPS == boids.MaxTPS }, "resume and tps")
	assert.NotEqual(t, float32(-3), snap.Params.Radius)
	require.Eventually(t, func() bool { return log.has("params: view radius -3") }, timeout, tick)
}

func TestSimRejectsBadConfig(t *testing.T) {
	good := boids.Config{Params: boids.DefaultParams(480, 320), Boids: 10, TPS: 60, Strategy: "mutex"}
	cases := map[string]func(*boids.Config){
		"boids":            func(c *boids.Config) { c.Boids = 0 },
		"ticks per second": func(c *boids.Config) { c.TPS = 0 },
		"unknown strategy": func(c *boids.Config) { c.Strategy = "spin" },
		"view radius":      func(c *boids.Config) { c.Params.Radius = 0 },
	}
	for want, edit := range cases {
		c := good
		edit(&c)
		_, err := boids.NewSim(c)
		require.Error(t, err)
		assert.Contains(t, err.Error(), want)
	}
}

// Commands from many goroutines at once, many times a second, while the
// clock runs: switches, resizes, pauses, resets. The renderer's snapshot
// must stay whole throughout, and everything must end on Stop.
func TestSimCommandStorm(t *testing.T) {
	defer goleak.VerifyNone(t)
	var log logLines
	s := newSim(t, 200, &log)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(g), 1))
			for range 60 {
				switch rng.IntN(6) {
				case 0:
					s.SetStrategy(boids.Designs()[rng.IntN(len(boids.Designs()))].Name)
				case 1:
					s.SetBoids(1 + rng.IntN(500))
				case 2:
					s.TogglePause()
				case 3:
					s.Step()
				case 4:
					s.Reset(rng.Uint64())
				case 5:
					s.Scale(2, 1)
				}
				time.Sleep(time.Millisecond)
			}
		})
	}
	for range 200 {
		snap := s.Snapshot()
		require.NotEmpty(t, snap.Boids)
		for _, b := range snap.Boids {
			require.True(t, b.Pos.Finite() && b.Vel.Finite())
		}
		time.Sleep(time.Millisecond)
	}
	wg.Wait()
	s.Stop()
}

func TestSimPublishesTickStats(t *testing.T) {
	defer goleak.VerifyNone(t)
	var log logLines
	s := newSim(t, 300, &log)
	defer s.Stop()
	snap := eventually(t, s, func(s *boids.Snapshot) bool { return s.Stats.Ticks > 0 }, "a second of tick stats")
	st := snap.Stats
	assert.InDelta(t, snap.ActualTPS, float64(st.Ticks)/st.Window.Seconds(), 1)
	assert.Positive(t, st.Update.P50, "boid update times are sampled")
	assert.Positive(t, st.Wake.P50)
	assert.Positive(t, st.Publish.P50)
	assert.GreaterOrEqual(t, st.Total.P99, st.Total.P50)
	assert.False(t, snap.Published.IsZero())
}
