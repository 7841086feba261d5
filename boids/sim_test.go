package boids_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
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

// all returns a copy of the lines so far.
func (l *logLines) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.lines)
}

// last is the latest line, or "".
func (l *logLines) last() string {
	all := l.all()
	if len(all) == 0 {
		return ""
	}
	return all[len(all)-1]
}

func (l *logLines) has(prefix string) bool {
	return slices.ContainsFunc(l.all(), func(s string) bool { return strings.HasPrefix(s, prefix) })
}

// simTPS is the test Sims' clock: a tick every 5 ms.
const simTPS = 200

func newSim(t *testing.T, n int, log *logLines) *boids.Sim {
	t.Helper()
	s, err := boids.NewSim(boids.Config{
		Params: boids.DefaultParams(480, 320), Boids: n, Seed: 1, TPS: simTPS, Strategy: "mutex", Log: log.add,
	})
	require.NoError(t, err)
	return s
}

// eventually waits until r's latest snapshot satisfies ok.
func eventually(t *testing.T, r *boids.Reader, ok func(*boids.Snapshot) bool, what string) *boids.Snapshot {
	t.Helper()
	var snap *boids.Snapshot
	require.Eventually(t, func() bool { snap = r.Latest(); return ok(snap) }, timeout, tick, what)
	return snap
}

func TestSimRunsAndStops(t *testing.T) {
	defer goleak.VerifyNone(t)
	var log logLines
	s := newSim(t, 200, &log)
	r := s.NewReader()
	first := r.Latest()
	assert.Len(t, first.Boids, 200)
	assert.Equal(t, "mutex", first.Strategy)
	eventually(t, r, func(sn *boids.Snapshot) bool { return sn.Tick > 20 }, "the clock ticks")
	s.Stop()
	s.Stop()
}

// Readers on several goroutines at once, while the clock publishes: each
// snapshot a reader holds stays exactly as it was handed out until that
// reader asks again, whatever the others and the clock do. Under -race this
// also checks that nobody writes a held snapshot. (The single-reader buffer
// this replaced raced with two readers.)
func TestSimReaders(t *testing.T) {
	defer goleak.VerifyNone(t)
	var log logLines
	s := newSim(t, 200, &log)
	defer s.Stop()
	s.SetTPS(boids.MaxTPS)
	const readers, ticks = 3, 60
	var wg sync.WaitGroup
	for range readers {
		wg.Go(func() {
			r := s.NewReader()
			defer r.Close()
			held := r.Latest()
			copied := *held
			copied.Boids = slices.Clone(held.Boids)
			// Generous: the clock shares two cores with the race detector.
			deadline := time.Now().Add(4 * timeout)
			for start := held.Tick; held.Tick < start+ticks; {
				if !assert.True(t, time.Now().Before(deadline), "the clock stalled at tick %d", held.Tick) {
					return
				}
				// Until the next call, held is ours: it must not change.
				if !assert.Equal(t, copied.Tick, held.Tick) || !assert.True(t, slices.Equal(copied.Boids, held.Boids), "held boids changed") {
					return
				}
				// Readers that never block would crowd out the boids that
				// make the ticks they wait for.
				runtime.Gosched()
				// held is released by the call: read nothing of it after.
				prev := held.Tick
				next := r.Latest()
				if !assert.GreaterOrEqual(t, next.Tick, prev, "ticks only go forward") {
					return
				}
				if next != held {
					held = next
					copied = *held
					copied.Boids = slices.Clone(held.Boids)
				}
			}
		})
	}
	wg.Wait()
}

// A reader takes the latest snapshot without allocating, whether it
// already holds it or takes a reference to it, so a renderer can call it
// every frame. The clock is paused so that nothing else allocates while
// this counts.
func TestSimReaderAllocatesNothing(t *testing.T) {
	var log logLines
	s := newSim(t, 100, &log)
	defer s.Stop()
	r := s.NewReader()
	defer r.Close()
	s.TogglePause()
	eventually(t, r, func(sn *boids.Snapshot) bool { return sn.Paused }, "pause")
	assert.Zero(t, testing.AllocsPerRun(200, func() { r.Latest() }), "the snapshot held")
	assert.Zero(t, testing.AllocsPerRun(200, func() { r.Close(); r.Latest() }), "a reference taken")
}

// inBubble runs a Sim of n boids inside a synctest bubble, whose clock is
// fake: the Sim's ticker fires only while every goroutine of the bubble is
// blocked, so between two calls of settle the tick count is exact.
func inBubble(t *testing.T, n int, test func(t *testing.T, s *boids.Sim, log *logLines, settle func() *boids.Snapshot)) {
	synctest.Test(t, func(t *testing.T) {
		var log logLines
		s := newSim(t, n, &log)
		defer s.Stop()
		r := s.NewReader()
		// Once every goroutine is blocked, the coordinator has applied every
		// queued command and published, and no tick can start before the
		// fake clock moves.
		settle := func() *boids.Snapshot {
			synctest.Wait()
			return r.Latest()
		}
		test(t, s, &log, settle)
	})
}

// periods sleeps, on the bubble's clock, through k ticks of a clock at tps
// that was (re)started at the current instant, and half a period more.
func periods(k int, tps float64) {
	time.Sleep(time.Duration((float64(k) + 0.5) * float64(time.Second) / tps))
}

// Each command, one at a time, with its exact effect on the snapshot and
// the log: the count, the design, the seed, the rules, the clock, the pause
// and the tick.
func TestSimCommands(t *testing.T) {
	inBubble(t, 200, func(t *testing.T, s *boids.Sim, log *logLines, settle func() *boids.Snapshot) {
		snap := settle()
		require.Zero(t, snap.Tick)
		periods(5, simTPS)
		snap = settle()
		require.EqualValues(t, 5, snap.Tick, "five periods, five ticks")

		s.TogglePause()
		snap = settle()
		require.True(t, snap.Paused)
		require.EqualValues(t, 5, snap.Tick)
		assert.Equal(t, "paused (tick 5)", log.last())
		time.Sleep(time.Second)
		snap = settle()
		assert.EqualValues(t, 5, snap.Tick, "no ticks while paused")
		assert.Zero(t, snap.ActualTPS)

		s.Step()
		s.Step()
		snap = settle()
		assert.EqualValues(t, 7, snap.Tick, "one tick per step")
		assert.Equal(t, "step (tick 7)", log.last())

		s.Scale(2, 1)
		snap = settle()
		assert.Len(t, snap.Boids, 400)
		assert.Equal(t, "boids: 200 -> 400 (tick 7)", log.last())
		s.SetBoids(0)
		snap = settle()
		assert.Len(t, snap.Boids, 1, "the count is clamped to 1")
		s.Scale(1, 2)
		snap = settle()
		assert.Len(t, snap.Boids, 1)
		assert.Equal(t, fmt.Sprintf("boids: 1 (limits are 1..%d)", boids.MaxBoids), log.last())
		s.SetBoids(300)
		snap = settle()
		assert.Len(t, snap.Boids, 300)
		assert.EqualValues(t, 7, snap.Tick, "a resize is not a tick")

		before := slices.Clone(snap.Boids)
		s.SetStrategy("nonsense")
		snap = settle()
		assert.Equal(t, "mutex", snap.Strategy)
		assert.True(t, strings.HasPrefix(log.last(), `strategy: unknown strategy "nonsense"`), log.last())
		s.SetStrategy("lockfree")
		snap = settle()
		assert.Equal(t, "lockfree", snap.Strategy)
		assert.Equal(t, before, snap.Boids, "a switch hands the exact state over")
		assert.Equal(t, "strategy: mutex -> lockfree (tick 7, 300 boids)", log.last())

		s.Reset(99)
		snap = settle()
		assert.EqualValues(t, 99, snap.Seed)
		assert.Len(t, snap.Boids, 300)
		assert.NotEqual(t, before, snap.Boids)
		assert.True(t, snap.Paused, "reset keeps the pause")
		assert.Equal(t, "lockfree", snap.Strategy, "reset keeps the design")
		assert.Equal(t, "reset: seed 99, 300 boids (tick 7)", log.last())
		reset := slices.Clone(snap.Boids)
		s.Step()
		s.Reset(99)
		snap = settle()
		assert.Equal(t, reset, snap.Boids, "a seed draws the same flock every time")

		bad := snap.Params
		bad.Radius = -3
		s.SetParams(bad)
		snap = settle()
		assert.Equal(t, float32(28), snap.Params.Radius, "invalid rules are refused")
		assert.True(t, strings.HasPrefix(log.last(), "params: view radius -3"), log.last())
		good := snap.Params
		good.Radius, good.Cohesion = 40, 0.01
		s.SetParams(good)
		snap = settle()
		assert.Equal(t, good, snap.Params)

		s.SetTPS(1e9)
		snap = settle()
		assert.Equal(t, float64(boids.MaxTPS), snap.TPS, "the clock is clamped")
		s.SetTPS(boids.MaxTPS + 1)
		snap = settle()
		assert.Equal(t, "ticks/s: 1000 (limits are 1..1000)", log.last(), "past the limit it is at, the clock says so")
		s.SetTPS(math.NaN())
		snap = settle()
		assert.Equal(t, 1.0, snap.TPS, "NaN is below every limit")
		s.SetTPS(50)
		s.TogglePause()
		snap = settle()
		assert.Equal(t, 50.0, snap.TPS)
		assert.False(t, snap.Paused)
		assert.Equal(t, "resumed (tick 8)", log.last())
		periods(4, 50)
		snap = settle()
		assert.EqualValues(t, 12, snap.Tick, "four periods of the new clock, four ticks")
	})
}

// The storm: four goroutines send random commands at once while two
// readers check every snapshot they get. The Sim logs each command it
// applies, in the order it applies them, so the log is the record against
// which the end state is checked: count, design, seed, pause, clock, and
// for the rules (sent by one goroutine only, so in order) its last values.
func TestSimCommandStorm(t *testing.T) {
	inBubble(t, 200, func(t *testing.T, s *boids.Sim, log *logLines, settle func() *boids.Snapshot) {
		designs := boids.DesignNames()
		const senders, commands = 4, 60
		var toggles, resets [senders]int
		var lastParams boids.Params
		base := boids.DefaultParams(480, 320)
		var wg sync.WaitGroup
		for g := range senders {
			wg.Go(func() {
				rng := rand.New(rand.NewPCG(uint64(g), 1))
				for range commands {
					switch rng.IntN(8) {
					case 0:
						s.SetStrategy(designs[rng.IntN(len(designs))])
					case 1:
						s.SetBoids(1 + rng.IntN(500))
					case 2:
						s.TogglePause()
						toggles[g]++
					case 3:
						s.Step()
					case 4:
						s.Reset(rng.Uint64())
						resets[g]++
					case 5:
						if rng.IntN(2) == 0 {
							s.Scale(2, 1)
						} else {
							s.Scale(1, 2)
						}
					case 6:
						s.SetTPS(float64(10 + rng.IntN(500)))
					case 7:
						if g == 0 {
							p := base
							p.Radius = float32(10 + rng.IntN(40))
							s.SetParams(p)
							lastParams = p
						}
					}
					time.Sleep(time.Duration(rng.IntN(3)) * time.Millisecond)
				}
			})
		}
		for range 2 {
			wg.Go(func() {
				r := s.NewReader()
				defer r.Close()
				var last uint64
				for range 200 {
					snap := r.Latest()
					assert.GreaterOrEqual(t, snap.Tick, last, "ticks only go forward")
					last = snap.Tick
					assert.Contains(t, designs, snap.Strategy)
					assert.True(t, len(snap.Boids) >= 1 && len(snap.Boids) <= boids.MaxBoids, "%d boids", len(snap.Boids))
					for _, b := range snap.Boids {
						if !assert.True(t, b.Pos.Finite() && b.Vel.Finite()) {
							return
						}
					}
					time.Sleep(time.Millisecond)
				}
			})
		}
		wg.Wait()
		snap := settle()

		want := struct {
			boids    int
			strategy string
			seed     uint64
			paused   bool
			tps      float64
		}{200, "mutex", 1, false, simTPS}
		var pauses, resetLines int
		for _, line := range log.all() {
			var a, b int
			var from, to string
			var f1, f2 float64
			var seed uint64
			switch {
			case strings.HasPrefix(line, "paused "):
				want.paused = true
				pauses++
			case strings.HasPrefix(line, "resumed "):
				want.paused = false
				pauses++
			case scan(line, "boids: %d -> %d", &a, &b):
				require.Equal(t, want.boids, a, line)
				want.boids = b
			case scan(line, "boids: %d (limits", &a):
				require.Equal(t, want.boids, a, line)
			case scan(line, "strategy: %s -> %s", &from, &to):
				require.Equal(t, want.strategy, from, line)
				want.strategy = to
			case scan(line, "reset: seed %d, %d boids", &seed, &a):
				require.Equal(t, want.boids, a, line)
				want.seed = seed
				resetLines++
			case scan(line, "ticks/s: %g -> %g", &f1, &f2):
				require.Equal(t, want.tps, f1, line)
				want.tps = f2
			case strings.HasPrefix(line, "step "):
				require.True(t, want.paused, "a step logged while running: %s", line)
			default:
				t.Errorf("unexpected log line %q", line)
			}
		}
		sum := func(xs [senders]int) (n int) {
			for _, x := range xs {
				n += x
			}
			return n
		}
		assert.Equal(t, sum(toggles), pauses, "every toggle applied once")
		assert.Equal(t, sum(resets), resetLines, "every reset applied once")
		assert.Len(t, snap.Boids, want.boids)
		assert.Equal(t, want.strategy, snap.Strategy)
		assert.Equal(t, want.seed, snap.Seed)
		assert.Equal(t, want.paused, snap.Paused)
		assert.Equal(t, want.tps, snap.TPS)
		if lastParams != (boids.Params{}) {
			assert.Equal(t, lastParams, snap.Params)
		}
	})
}

// scan reports whether line starts with format's fixed text and fills
// args, as fmt.Sscanf does.
func scan(line, format string, args ...any) bool {
	n, err := fmt.Sscanf(line, format, args...)
	return err == nil && n == len(args)
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

func TestSimPublishesTickStats(t *testing.T) {
	defer goleak.VerifyNone(t)
	var log logLines
	s := newSim(t, 300, &log)
	defer s.Stop()
	snap := eventually(t, s.NewReader(), func(s *boids.Snapshot) bool { return s.Stats.Ticks > 0 }, "a second of tick stats")
	st := snap.Stats
	assert.InDelta(t, snap.ActualTPS, float64(st.Ticks)/st.Window.Seconds(), 1)
	assert.Positive(t, st.Update.P50, "boid update times are sampled")
	assert.Positive(t, st.Wake.P50)
	assert.Positive(t, st.Publish.P50)
	assert.GreaterOrEqual(t, st.Total.P99, st.Total.P50)
	assert.False(t, snap.Published.IsZero())
}
