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
	steady   bool // the same design, count and GOMAXPROCS for two windows running
	paused   bool

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
	rt        *boids.Runtime
	start     time.Time // when the current window began (a snapshot's publication)
	prev      boids.Counters
	prevTick  uint64
	prevKey   runKey
	sameRuns  int
	rttWindow boids.Hist
	last      figures
	fresh     bool // last changed since the consumer looked
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
	return &meter{
		rt: boids.NewRuntime(), start: snap.Published, prev: snap.Counters, prevTick: snap.Tick,
		prevKey: keyOf(snap), sameRuns: -1,
	}
}

func keyOf(snap *boids.Snapshot) runKey {
	return runKey{snap.Strategy, len(snap.Boids), runtime.GOMAXPROCS(0), snap.Mode}
}

// observe closes a window when a second of simulation has been published
// since the last one, and reports whether it did.
func (m *meter) observe(snap *boids.Snapshot, frames *frameTimes, overlay time.Duration, now time.Time) bool {
	el := snap.Published.Sub(m.start)
	if el < time.Second {
		return false
	}
	key := keyOf(snap)
	if key == m.prevKey {
		m.sameRuns++
	} else {
		m.sameRuns = 0
	}
	c := &snap.Counters
	p := &m.prev
	secs := el.Seconds()
	rate := func(now, then uint64) float64 { return float64(now-then) / secs }
	f := &m.last
	*f = figures{
		at: now, window: el, strategy: snap.Strategy, boids: len(snap.Boids), procs: key.procs,
		steady: m.sameRuns >= 1, paused: snap.Paused,
		frames: frames.quantiles(), overlay: overlay,
		target: snap.TPS, ticks: snap.Tick - m.prevTick, stats: snap.Stats,
		snapshotAge: now.Sub(snap.Published),
		reads:       rate(c.Reads, p.Reads),
		writes:      rate(c.Writes, p.Writes),
		messages:    rate(c.Messages, p.Messages),
		casRetries:  rate(c.CASRetries, p.CASRetries),
		publishes:   rate(c.Publishes, p.Publishes),
		lockWait:    (c.LockWait - p.LockWait).Seconds() / secs,
		ownerBusy:   (c.OwnerBusy - p.OwnerBusy).Seconds() / secs,
		rt:          m.rt.Read(now),
	}
	f.tps = float64(f.ticks) / secs
	f.updates = f.tps * float64(f.boids)
	m.observeFree(f, snap, p)
	f.goroutines = f.rt.Goroutines
	f.mutexRuntime = f.rt.MutexWait
	if acq := (c.Reads - p.Reads) + (c.Writes - p.Writes); acq > 0 {
		f.contended = float64(c.Contended-p.Contended) / float64(acq)
	}
	if q := c.Reads - p.Reads; q > 0 {
		f.queueMean = float64(c.QueueSum-p.QueueSum) / float64(q)
	}
	// The longest queue is a maximum since the design's start, not a sum,
	// so it has no window of its own; it is shown while messages flow.
	if f.messages > 0 {
		f.queueMax = c.QueueMax
	}
	if n := c.Publishes - p.Publishes; n > 0 {
		f.rebuild = (c.Rebuild - p.Rebuild) / time.Duration(n)
	}
	m.rttWindow = c.RTTHist
	m.rttWindow.Sub(&p.RTTHist)
	f.rtt = m.rttWindow.Summary()
	f.rttSamples = c.RTTSamples - p.RTTSamples
	if f.rttSamples > 0 {
		f.rttMean = (c.RoundTrip - p.RoundTrip) / time.Duration(f.rttSamples)
	}
	m.prev = *c
	m.prevTick = snap.Tick
	m.prevKey = key
	m.start = snap.Published
	m.fresh = true
	return true
}
