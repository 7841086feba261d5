package game

import (
	"runtime"
	"slices"
	"time"

	"github.com/boids-project/boids/boids"
)

// frameLen is how many frames the frame-time graph and percentiles cover.
const frameLen = 300

// frameTimes is a ring of the last frameLen frames: the interval between
// draws (what the user sees), and the CPU time of Update and Draw.
type frameTimes struct {
	interval, update, draw [frameLen]float32 // milliseconds
	next, n                int
	scratch                [frameLen]float32
}

func (f *frameTimes) push(interval, update, draw time.Duration) {
	f.interval[f.next] = ms(interval)
	f.update[f.next] = ms(update)
	f.draw[f.next] = ms(draw)
	f.next = (f.next + 1) % frameLen
	f.n = min(f.n+1, frameLen)
}

func ms(d time.Duration) float32 { return float32(d.Seconds() * 1000) }

// at returns the i-th oldest frame still held.
func (f *frameTimes) at(i int) (interval, update, draw float32) {
	j := (f.next - f.n + i + frameLen) % frameLen
	return f.interval[j], f.update[j], f.draw[j]
}

// frameQuantiles are nearest-rank percentiles of frame intervals, in ms.
type frameQuantiles struct {
	p50, p95, p99, max float32
	updateP50, drawP50 float32
	fps                float32 // frames over the time they took
}

// quantiles sorts a copy of the ring: a few microseconds for 300 frames,
// done a few times per second.
func (f *frameTimes) quantiles() frameQuantiles {
	if f.n == 0 {
		return frameQuantiles{}
	}
	var q frameQuantiles
	s := f.scratch[:f.n]
	var sum float32
	for i := range s {
		s[i], _, _ = f.at(i)
		sum += s[i]
	}
	slices.Sort(s)
	q.p50, q.p95, q.p99, q.max = rank(s, 0.5), rank(s, 0.95), rank(s, 0.99), s[len(s)-1]
	if sum > 0 {
		q.fps = float32(len(s)) * 1000 / sum
	}
	for i := range s {
		_, s[i], _ = f.at(i)
	}
	slices.Sort(s)
	q.updateP50 = rank(s, 0.5)
	for i := range s {
		_, _, s[i] = f.at(i)
	}
	slices.Sort(s)
	q.drawP50 = rank(s, 0.5)
	return q
}

// rank is the nearest-rank q-quantile of sorted values.
func rank(sorted []float32, q float64) float32 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*q+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// figures are one second's measurements: what the overlay shows, the CSV
// records and the comparison table keeps. Rates are per second of the
// window; "per tick" figures divide by the window's ticks.
type figures struct {
	at       time.Time
	window   time.Duration
	strategy string
	boids    int
	procs    int
	// steady: the same design, count, GOMAXPROCS and regime for two windows
	// running, and no pause in this one.
	steady bool
	kind   kind // the design's family, which decides its contention figures
	paused bool // the simulation was paused at some frame of the window

	frames       frameQuantiles
	overlay      time.Duration // the overlay's own update and draw, last frame
	tps, target  float64
	ticks        uint64
	stats        boids.TickStats
	updates      float64 // boid updates per second
	goroutines   uint64
	snapshotAge  time.Duration // how old the snapshot on screen was
	reads        float64
	writes       float64
	contended    float64 // share of lock acquisitions that waited
	lockWait     float64 // seconds waited per second, the design's own count
	mutexRuntime float64 // seconds waited per second, the runtime's count
	messages     float64
	rtt          boids.Quantiles
	rttMean      time.Duration
	rttSamples   uint64
	queueMean    float64
	queueMax     uint64  // longest owner queue seen, while the design sends messages
	ownerBusy    float64 // share of the window the owner was serving
	casRetries   float64
	publishes    float64
	rebuild      time.Duration // per publication
	rt           boids.RuntimeFigures
	free         freeFigures
}

// perTick divides a per-second rate by the window's tick rate.
func (f *figures) perTick(rate float64) float64 {
	if f.tps <= 0 {
		return 0
	}
	return rate / f.tps
}

// meter turns cumulative counters from snapshots into per-second figures,
// once a second.
type meter struct {
	rt       *boids.Runtime
	start    time.Time // when the current window began (a snapshot's publication)
	prev     boids.Counters
	prevTick uint64
	prevKey  runKey
	sameRuns int
	// paused is set when a frame of the window showed a paused simulation:
	// a window that ends running may have been paused for most of it, and
	// its rates are then no steady state's.
	paused    bool
	perWindow boids.Counters // the costs since prev, of the window just closed
	// kinds remembers each design's family once a steady window has shown
	// it, so that a quiet second (a mutex nobody waited for) keeps it.
	kinds map[string]kind
	last  figures
	fresh bool // last changed since the consumer looked
}

// runKey identifies what a steady state is steady for.
type runKey struct {
	strategy string
	boids    int
	procs    int
	mode     boids.Mode
}

func newMeter(snap *boids.Snapshot) *meter {
	// The first window holds the start-up, so it counts as a change.
	m := &meter{
		rt: boids.NewRuntime(), start: snap.Published, prev: snap.Counters, prevTick: snap.Tick,
		prevKey: keyOf(snap), sameRuns: -1, kinds: map[string]kind{},
	}
	// Until the first second closes, the overlay shows what is already
	// known rather than zeros: the flock, GOMAXPROCS, the goroutines.
	m.last = figures{
		strategy: snap.Strategy, boids: len(snap.Boids), procs: m.prevKey.procs, target: snap.TPS,
		goroutines: uint64(runtime.NumGoroutine()),
	}
	return m
}

func keyOf(snap *boids.Snapshot) runKey {
	return runKey{snap.Strategy, len(snap.Boids), runtime.GOMAXPROCS(0), snap.Mode}
}

// observe closes a window when a second of simulation has been published
// since the last one, and reports whether it did.
func (m *meter) observe(snap *boids.Snapshot, frames *frameTimes, overlay time.Duration, now time.Time) bool {
	m.paused = m.paused || snap.Paused
	if snap.Published.Sub(m.start) < time.Second {
		return false
	}
	return m.closeWindow(snap, frames, overlay, now)
}

// closeWindow closes the current window, however short, if the snapshot
// was published after it began; at exit it gives the last part-second its
// row. It reports whether it did.
func (m *meter) closeWindow(snap *boids.Snapshot, frames *frameTimes, overlay time.Duration, now time.Time) bool {
	el := snap.Published.Sub(m.start)
	if el <= 0 {
		return false
	}
	key := keyOf(snap)
	if key == m.prevKey {
		m.sameRuns++
	} else {
		m.sameRuns = 0
	}
	paused := m.paused || snap.Paused
	m.paused = false
	m.perWindow = snap.Counters
	m.perWindow.Sub(m.prev)
	d := &m.perWindow
	secs := el.Seconds()
	rate := func(n uint64) float64 { return float64(n) / secs }
	f := &m.last
	*f = figures{
		at: now, window: el, strategy: snap.Strategy, boids: len(snap.Boids), procs: key.procs,
		steady: m.sameRuns >= 1 && !paused, paused: paused,
		frames: frames.quantiles(), overlay: overlay,
		target: snap.TPS, ticks: snap.Tick - m.prevTick, stats: snap.Stats,
		snapshotAge: now.Sub(snap.Published),
		reads:       rate(d.Reads),
		writes:      rate(d.Writes),
		messages:    rate(d.Messages),
		casRetries:  rate(d.CASRetries),
		publishes:   rate(d.Publishes),
		lockWait:    d.LockWait.Seconds() / secs,
		ownerBusy:   d.OwnerBusy.Seconds() / secs,
		rt:          m.rt.Read(now),
	}
	f.tps = float64(f.ticks) / secs
	f.updates = f.tps * float64(f.boids)
	m.observeFree(f, snap, d)
	f.goroutines = f.rt.Goroutines
	f.mutexRuntime = f.rt.MutexWait
	if acq := d.Reads + d.Writes; acq > 0 {
		f.contended = float64(d.Contended) / float64(acq)
	}
	if d.Reads > 0 {
		f.queueMean = float64(d.QueueSum) / float64(d.Reads)
	}
	// The longest queue is a maximum since the design's start, not a sum,
	// so it has no window of its own; it is shown while messages flow.
	if f.messages > 0 {
		f.queueMax = d.QueueMax
	}
	if d.Publishes > 0 {
		f.rebuild = d.Rebuild / time.Duration(d.Publishes)
	}
	// The flock's counters run on across design switches, so only a
	// steady window (no switch in it) tells the family.
	if k := kindOf(f); f.steady && k != otherKind {
		m.kinds[f.strategy] = k
	}
	f.kind = m.kinds[f.strategy]
	f.rtt = d.RTTHist.Summary()
	f.rttSamples = d.RTTSamples
	if f.rttSamples > 0 {
		f.rttMean = d.RoundTrip / time.Duration(f.rttSamples)
	}
	m.prev = snap.Counters
	m.prevTick = snap.Tick
	m.prevKey = key
	m.start = snap.Published
	m.fresh = true
	return true
}
