package game

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/boids-project/boids/boids"
	"github.com/boids-project/boids/cmd/boids/cli"
)

func TestFrameQuantiles(t *testing.T) {
	var f frameTimes
	assert.Equal(t, frameQuantiles{}, f.quantiles())
	// 400 frames: the ring keeps the last 300, intervals 101..400 ms.
	for i := 1; i <= 400; i++ {
		f.push(time.Duration(i)*time.Millisecond, time.Duration(i)*time.Microsecond, 2*time.Millisecond)
	}
	q := f.quantiles()
	assert.Equal(t, float32(250), q.p50)
	assert.Equal(t, float32(385), q.p95)
	assert.Equal(t, float32(397), q.p99)
	assert.Equal(t, float32(400), q.max)
	assert.InDelta(t, 0.25, q.updateP50, 1e-6)
	assert.InDelta(t, 2, q.drawP50, 1e-6)
	assert.InDelta(t, 1000/250.5, q.fps, 1e-3, "frames over their total time")
	first, _, _ := f.at(0)
	assert.Equal(t, float32(101), first, "oldest kept frame")
}

func TestRank(t *testing.T) {
	tests := []struct {
		vals []float32
		q    float64
		want float32
	}{
		{nil, 0.5, 0},
		{[]float32{7}, 0.99, 7},
		{[]float32{1, 2, 3, 4}, 0.5, 2},
		{[]float32{1, 2, 3, 4}, 0.51, 3},
		{[]float32{1, 2, 3, 4}, 1, 4},
		{[]float32{1, 2, 3, 4}, 0, 1},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, rank(tt.vals, tt.q), "%v q %g", tt.vals, tt.q)
	}
}

func TestMeterRates(t *testing.T) {
	t0 := time.Now()
	snap := &boids.Snapshot{Strategy: "channel", Boids: make([]boids.Boid, 1000), TPS: 60, Published: t0}
	m := newMeter(snap)
	var frames frameTimes
	next := *snap
	next.Published = t0.Add(500 * time.Millisecond)
	assert.False(t, m.observe(&next, &frames, 0, next.Published), "half a second is no window")

	next.Published = t0.Add(2 * time.Second)
	next.Tick = 100
	c := &next.Counters
	c.Reads, c.Writes, c.Contended, c.LockWait = 4000, 2000, 600, 3*time.Second
	c.Messages, c.QueueSum, c.QueueMax, c.OwnerBusy = 6000, 40000, 77, time.Second
	c.CASRetries, c.Publishes, c.Rebuild = 50, 100, 10*time.Millisecond
	for range 99 {
		c.RTTHist.Record(10 * time.Microsecond)
	}
	c.RTTHist.Record(time.Millisecond)
	c.RoundTrip, c.RTTSamples = 100*10*time.Microsecond, 100
	require.True(t, m.observe(&next, &frames, 0, next.Published))
	f := m.last
	assert.Equal(t, 2*time.Second, f.window)
	assert.InDelta(t, 50, f.tps, 1e-9)
	assert.InDelta(t, 50000, f.updates, 1e-9, "ticks/s times boids")
	assert.InDelta(t, 2000, f.reads, 1e-9)
	assert.InDelta(t, 1000, f.writes, 1e-9)
	assert.InDelta(t, 0.1, f.contended, 1e-9, "600 of 6000 acquisitions")
	assert.InDelta(t, 1.5, f.lockWait, 1e-9, "seconds waited per second")
	assert.InDelta(t, 0.03, f.perTick(f.lockWait), 1e-9)
	assert.InDelta(t, 3000, f.messages, 1e-9)
	assert.InDelta(t, 10, f.queueMean, 1e-9, "queue length per query")
	assert.EqualValues(t, 77, f.queueMax)
	assert.InDelta(t, 0.5, f.ownerBusy, 1e-9)
	assert.InDelta(t, 25, f.casRetries, 1e-9)
	assert.InDelta(t, 50, f.publishes, 1e-9)
	assert.Equal(t, 100*time.Microsecond, f.rebuild, "per publication")
	assert.InEpsilon(t, 10e3, float64(f.rtt.P50), 0.11)
	assert.InEpsilon(t, 10e3, float64(f.rtt.P99), 0.11, "99 of 100 samples at 10 µs")
	assert.Equal(t, 10*time.Microsecond, f.rttMean)
	assert.False(t, f.steady, "the first window after a start is not steady")
	assert.Equal(t, channelKind, kindOf(&f))

	later := next
	later.Published = next.Published.Add(time.Second)
	later.Tick = 160
	later.Counters.Reads += 500
	later.Counters.RTTHist.Record(2 * time.Millisecond)
	require.True(t, m.observe(&later, &frames, 0, later.Published))
	assert.True(t, m.last.steady)
	assert.InDelta(t, 500, m.last.reads, 1e-9, "rates are over the window only")
	assert.InEpsilon(t, 2e6, float64(m.last.rtt.P50), 0.11, "the window's histogram only")
	assert.Zero(t, m.last.contended)
}

// A window in which the simulation was paused for a while is no steady
// state, though it ends running: a paused free flock makes no updates, and
// the comparison table once kept such a window as a design's row (0.0
// updates per boid, beside the fairness of the second before the pause).
func TestMeterPauseUnsteadiesItsWindow(t *testing.T) {
	t0 := time.Now()
	snap := boids.Snapshot{Strategy: "channel", Boids: make([]boids.Boid, 10), Published: t0, Mode: boids.Free}
	m := newMeter(&snap)
	var frames frameTimes
	at := func(d time.Duration, paused bool) bool {
		snap.Published, snap.Paused = t0.Add(d), paused
		return m.observe(&snap, &frames, 0, snap.Published)
	}
	require.True(t, at(time.Second, false))
	require.True(t, at(2*time.Second, false))
	require.True(t, m.last.steady, "two windows of the same run")
	require.False(t, at(2300*time.Millisecond, true))
	require.True(t, at(3*time.Second, false), "resumed before the window closed")
	assert.True(t, m.last.paused)
	assert.False(t, m.last.steady, "a pause inside the window")
	c := comparison{designs: boids.Designs()}
	c.add(&m.last)
	assert.Zero(t, c.boids, "the table keeps no such row")
	require.True(t, at(4*time.Second, false))
	assert.True(t, m.last.steady, "the next whole second runs")
	assert.False(t, m.last.paused)
}

// A design's family comes from what its counters fill, not its name, and
// stays once a steady window has shown it: a registered design gets the
// figures its family means, and a design switched to is not taken for the
// one before it, whose counts the flock's running counters still hold.
func TestKindFromCounters(t *testing.T) {
	tests := []struct {
		f    figures
		want kind
	}{
		{figures{reads: 10, writes: 10}, otherKind},
		{figures{contended: 0.1}, lockKind},
		{figures{lockWait: 0.001}, lockKind},
		{figures{messages: 10, contended: 0.1}, channelKind},
		{figures{publishes: 60}, lockFreeKind},
		{figures{casRetries: 1}, lockFreeKind},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, kindOf(&tt.f), "%+v", tt.f)
	}

	t0 := time.Now()
	snap := boids.Snapshot{Strategy: "inbox", Boids: make([]boids.Boid, 10), Published: t0}
	m := newMeter(&snap)
	var frames frameTimes
	window := func(edit func(*boids.Counters)) kind {
		snap.Published = snap.Published.Add(time.Second)
		snap.Tick += 60
		edit(&snap.Counters)
		require.True(t, m.observe(&snap, &frames, 0, snap.Published))
		return m.last.kind
	}
	assert.Equal(t, otherKind, window(func(c *boids.Counters) { c.Messages += 600 }), "the start is no steady window")
	assert.Equal(t, channelKind, window(func(c *boids.Counters) { c.Messages += 600 }))

	snap.Strategy = "stripes"
	assert.Equal(t, otherKind, window(func(c *boids.Counters) { c.Messages += 300; c.Reads += 300 }),
		"the switch's window holds the old design's messages")
	assert.Equal(t, otherKind, window(func(c *boids.Counters) { c.Reads += 600 }), "no wait seen yet")
	assert.Equal(t, lockKind, window(func(c *boids.Counters) { c.Reads += 600; c.Contended++ }))
	assert.Equal(t, lockKind, window(func(c *boids.Counters) { c.Reads += 600 }), "a quiet second keeps it")
	assert.Equal(t, channelKind, m.kinds["inbox"])
}

func TestComparisonKeepsSteadyRowsAndResets(t *testing.T) {
	c := comparison{designs: boids.Designs()}
	f := figures{strategy: "mutex", boids: 5000, procs: 2, ticks: 60, tps: 60, steady: true}
	c.add(&figures{strategy: "mutex", boids: 5000, procs: 2, ticks: 60})
	assert.Zero(t, c.boids, "an unsteady window is not kept")
	c.add(&f)
	lf := f
	lf.strategy, lf.tps = "lockfree", 120
	c.add(&lf)
	mutex, lockfree := designIndex(boids.Designs(), "mutex"), designIndex(boids.Designs(), "lockfree")
	require.True(t, c.have[mutex])
	require.True(t, c.have[lockfree])
	assert.InDelta(t, 120, c.rows[lockfree].tps, 0)
	assert.Empty(t, c.reset)

	more := f
	more.boids = 10000
	c.add(&more)
	assert.Equal(t, 10000, c.boids)
	assert.True(t, c.have[mutex])
	assert.False(t, c.have[lockfree], "figures at another count are dropped")
	assert.Equal(t, "reset: boids 5000 -> 10000", c.reset)

	procs := more
	procs.procs = 1
	c.add(&procs)
	assert.Equal(t, "reset: GOMAXPROCS 2 -> 1", c.reset)
}

func TestLineFormatting(t *testing.T) {
	tests := []struct {
		write func(*line)
		want  string
	}{
		{func(l *line) { l.dur(0) }, "0"},
		{func(l *line) { l.dur(850) }, "850 ns"},
		{func(l *line) { l.dur(12340) }, "12.3 us"},
		{func(l *line) { l.dur(1234567) }, "1.23 ms"},
		{func(l *line) { l.dur(250 * time.Millisecond) }, "250 ms"},
		{func(l *line) { l.dur(3 * time.Second) }, "3.00 s"},
		{func(l *line) { l.secs(2222.2) }, "2222 s"},
		{func(l *line) { l.count(950) }, "950"},
		{func(l *line) { l.count(52000) }, "52.0k"},
		{func(l *line) { l.count(1.5e6) }, "1.50M"},
		{func(l *line) { l.pct(0.6942) }, "69.4%"},
		{func(l *line) { l.mb(31 << 20) }, "31.0 MB"},
		{func(l *line) { l.s("ab").col(5).s("c") }, "ab   c"},
		{func(l *line) { l.s("abcdef").col(5).s("c") }, "abcdef c"},
		{func(l *line) { l.s("x").right(6, func(l *line) { l.i(42) }) }, "x   42"},
		{func(l *line) { l.s("x").right(2, func(l *line) { l.i(420) }) }, "x420"},
	}
	for _, tt := range tests {
		var l line
		tt.write(&l)
		assert.Equal(t, tt.want, string(l.b))
	}
}

func TestCSVRowsMatchTheHeader(t *testing.T) {
	var out bytes.Buffer
	start := time.Now()
	c, err := newCSV(&out, start)
	require.NoError(t, err)
	f := figures{at: start.Add(2500 * time.Millisecond), window: time.Second, strategy: "mutex", boids: 5000, procs: 2,
		steady: true, tps: 30, updates: 150000, lockWait: 0.25, contended: 0.5}
	require.NoError(t, c.write(&f))
	require.NoError(t, c.write(&f))
	rows := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	require.Len(t, rows, 3)
	head := strings.Split(rows[0], ",")
	row := strings.Split(rows[1], ",")
	require.Len(t, row, len(head))
	col := func(name string) string {
		for i, h := range head {
			if h == name {
				return row[i]
			}
		}
		t.Fatalf("no column %s", name)
		return ""
	}
	assert.Equal(t, "2.5", col("time_s"))
	assert.Equal(t, "mutex", col("strategy"))
	assert.Equal(t, "5000", col("boids"))
	assert.Equal(t, "true", col("steady"))
	assert.Equal(t, "250.00", col("lock_wait_ms_per_s"))
	assert.Equal(t, "0.5000", col("contended_share"))
	assert.Equal(t, "150000", col("updates_per_s"))
}

// overlayFrame is the overlay's work in one frame of the running game,
// forced to do everything it does at most once a second or a few times a
// second: close a metrics window (runtime metrics, comparison, CSV row),
// format the text, and lay out text and graph.
func overlayFrame(g *Game) {
	now := time.Now()
	g.meter.start = g.snap.Published.Add(-2 * time.Second)
	g.overlay.next = time.Time{}
	_ = g.measure(now)
	g.overlay.layout(&g.frames, 0, 24, 1)
}

func warmOverlay(t testing.TB, g *Game) {
	for i := range frameLen {
		g.frames.push(time.Duration(15+i%5)*time.Millisecond, time.Millisecond, 2*time.Millisecond)
	}
	var err error
	g.csv, err = newCSV(io.Discard, time.Now())
	require.NoError(t, err)
	for range 5 {
		overlayFrame(g)
	}
}

func TestOverlayAllocatesNothing(t *testing.T) {
	h := newHarness(t, 200)
	h.until("a second of tick stats", func(s *boids.Snapshot) bool { return s.Stats.Ticks > 0 })
	// AllocsPerRun counts every goroutine's allocations, and the boids'
	// buffer pool refills itself under the race detector (which drops pooled
	// items on purpose): only the overlay must be working while it counts.
	require.NoError(t, h.press(func(k *keys) { k.down[pauseAction] = true }))
	h.until("pause", func(s *boids.Snapshot) bool { return s.Paused })
	for _, d := range h.g.designs {
		h.g.compare.add(&figures{strategy: d.Name, boids: 200, procs: runtime.GOMAXPROCS(0), ticks: 1, steady: true})
	}
	warmOverlay(t, h.g)
	assert.Greater(t, len(h.g.overlay.q.vs), 4*500, "text and graph laid out")
	assert.Zero(t, testing.AllocsPerRun(50, func() { overlayFrame(h.g) }))

	screen := ebiten.NewImage(1280, 720)
	h.g.overlay.draw(screen, &h.g.frames, 0, 24, 1)
}

func BenchmarkOverlay(b *testing.B) {
	opts := cli.Defaults()
	opts.Boids, opts.Seed = 200, 1
	sim, err := boids.NewSim(opts.Config(nil))
	require.NoError(b, err)
	defer sim.Stop()
	g, err := newGame(opts, sim, &keys{digit: -1}, &logger{w: io.Discard})
	require.NoError(b, err)
	time.Sleep(1100 * time.Millisecond)
	g.snap = g.feed.Latest()
	warmOverlay(b, g)
	b.Run("every-part-every-frame", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			overlayFrame(g)
		}
	})
	b.Run("steady-frame", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			now := time.Now()
			_ = g.measure(now)
			g.overlay.layout(&g.frames, 0, 24, 1)
		}
	})
}

// Before the first second has closed the overlay shows the real
// GOMAXPROCS and goroutine count, not zeros.
func TestOverlayFirstSecond(t *testing.T) {
	h := newHarness(t, 200)
	o := h.g.overlay
	o.format(&h.g.meter.last, h.g.frames.quantiles(), h.g.snap, &h.g.compare)
	var text strings.Builder
	for _, l := range o.text.used() {
		text.Write(l.b)
		text.WriteByte('\n')
	}
	assert.Contains(t, text.String(), fmt.Sprintf("GOMAXPROCS %d\n", runtime.GOMAXPROCS(0)))
	assert.NotContains(t, text.String(), " 0 goroutines")
	assert.Regexp(t, ` [1-9][0-9]* goroutines`, text.String())
}
