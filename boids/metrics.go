package boids

import (
	"math"
	"math/bits"
	"runtime/metrics"
	"time"
)

// Hist is a histogram of durations in fixed buckets: each power of two is
// cut into four equal quarters, [4u, 5u) to [7u, 8u) for the octave's unit
// u, so a bucket is between 8/7 and 5/4 of its lower bound wide. A quantile
// read from it is its bucket's geometric middle, within about 12% of the
// true value: √(5/4) ≈ 1.118 at worst, at the low edge of an octave's first
// quarter (TestHistQuantileError). It is a plain array:
// recording is two shifts and an add, copying it is copying a value, and
// it never allocates, so a boid or the coordinator can fill one per tick.
type Hist struct {
	Counts [histBuckets]uint64
}

const (
	histSub     = 4  // buckets per power of two
	histOctaves = 40 // 1 ns up to 2^40 ns, about 18 minutes
	histBuckets = histSub * histOctaves
)

// bucket is the index for d: the octave of its highest bit, then the next
// two bits. Durations below 4 ns share the first buckets; the last bucket
// takes everything above the range.
func bucket(d time.Duration) int {
	ns := uint64(max(d, 1))
	e := bits.Len64(ns) - 1
	if e < 2 {
		return int(ns) - 1
	}
	i := e*histSub + int(ns>>(e-2)&3)
	return min(i, histBuckets-1)
}

// bucketBounds is the range [lo, hi) of durations counted in bucket i.
func bucketBounds(i int) (lo, hi float64) {
	e, sub := i/histSub, i%histSub
	if e < 2 {
		return float64(i + 1), float64(i + 2)
	}
	unit := math.Ldexp(1, e-2)
	return float64(histSub+sub) * unit, float64(histSub+sub+1) * unit
}

// Record counts one duration.
func (h *Hist) Record(d time.Duration) { h.Counts[bucket(d)]++ }

// Add merges o into h.
func (h *Hist) Add(o *Hist) {
	for i, c := range o.Counts {
		h.Counts[i] += c
	}
}

// Sub removes o, an earlier state of the same cumulative histogram, leaving
// what was recorded since.
func (h *Hist) Sub(o *Hist) {
	for i, c := range o.Counts {
		h.Counts[i] -= c
	}
}

// Count is the number of durations recorded.
func (h *Hist) Count() uint64 {
	var n uint64
	for _, c := range h.Counts {
		n += c
	}
	return n
}

// Quantile is the q-quantile (0..1) of the recorded durations: the
// geometric middle of the bucket holding the nearest-rank sample, or 0 when
// nothing was recorded.
func (h *Hist) Quantile(q float64) time.Duration {
	n := h.Count()
	if n == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(n)))
	rank = min(max(rank, 1), n)
	var seen uint64
	for i, c := range h.Counts {
		seen += c
		if seen >= rank {
			lo, hi := bucketBounds(i)
			return time.Duration(math.Sqrt(lo * hi))
		}
	}
	return 0
}

// Max is the upper bound of the highest non-empty bucket, or 0.
func (h *Hist) Max() time.Duration {
	for i := len(h.Counts) - 1; i >= 0; i-- {
		if h.Counts[i] > 0 {
			_, hi := bucketBounds(i)
			return time.Duration(hi)
		}
	}
	return 0
}

// Quantiles summarize a distribution of durations.
type Quantiles struct {
	P50, P99, Max time.Duration
}

// Summary reads the median, the 99th percentile and the maximum.
func (h *Hist) Summary() Quantiles {
	return Quantiles{P50: h.Quantile(0.5), P99: h.Quantile(0.99), Max: h.Max()}
}

// TickStats summarize every tick of one second of simulation (not only the
// ticks a renderer happened to see), phase by phase, in wall time.
type TickStats struct {
	Ticks   int // ticks in the window
	Window  time.Duration
	Total   Quantiles // the whole tick, publication included
	Wake    Quantiles
	Barrier Quantiles
	Publish Quantiles // the strategy's EndTick and the snapshot's publication
	// Update is one boid's work in a tick: its query, rules and move,
	// waits for the design included; sampled from one boid in 16.
	Update Quantiles
}

// tickHists collect the phase times of the ticks of the current window.
type tickHists struct {
	total, wake, barrier, publish, update Hist
	n                                     int
}

func (t *tickHists) record(tt TickTimes, publish time.Duration) {
	t.total.Record(tt.Total() + publish)
	t.wake.Record(tt.Wake)
	t.barrier.Record(tt.Barrier)
	t.publish.Record(tt.End + publish)
	t.n++
}

// stats summarizes the window, with the boid update times f sampled in
// it, and starts the next one.
func (t *tickHists) stats(window time.Duration, f *Flock) TickStats {
	f.TakeUpdates(&t.update)
	s := TickStats{
		Ticks: t.n, Window: window,
		Total: t.total.Summary(), Wake: t.wake.Summary(), Barrier: t.barrier.Summary(),
		Publish: t.publish.Summary(), Update: t.update.Summary(),
	}
	*t = tickHists{}
	return s
}

// Runtime reads the Go runtime's own figures that explain contention:
// lock waits the runtime saw, GC pauses, scheduling latency, heap and
// goroutines. Each Read is one runtime/metrics.Read into reused samples and
// allocates nothing once the histograms have been seen; window figures are
// the difference from the previous Read.
type Runtime struct {
	samples           [6]metrics.Sample
	prevSched, prevGC []uint64
	prevMutex         float64
	prevAt            time.Time
}

// Runtime metric names, in the order of Runtime.samples.
const (
	MetricMutexWait  = "/sync/mutex/wait/total:seconds"
	MetricGCPauses   = "/sched/pauses/total/gc:seconds"
	MetricSchedLat   = "/sched/latencies:seconds"
	MetricHeap       = "/memory/classes/heap/objects:bytes"
	MetricGoroutines = "/sched/goroutines:goroutines"
	MetricGCCycles   = "/gc/cycles/total:gc-cycles"
)

// RuntimeFigures are the runtime's figures for the window since the last
// Read.
type RuntimeFigures struct {
	Window       time.Duration
	MutexWait    float64       // seconds of lock waiting per second, all goroutines
	GCPause      time.Duration // total stop-the-world GC pause in the window
	GCPauseMax   time.Duration // the longest one (bucket bound)
	GCCycles     uint64        // cumulative
	SchedP99     time.Duration // runnable-to-running latency, 99th percentile
	HeapBytes    uint64
	Goroutines   uint64
	SchedSamples uint64 // scheduling events the window's percentile covers
}

// NewRuntime starts a reader; its first Read covers the time since.
func NewRuntime() *Runtime {
	r := &Runtime{}
	for i, name := range [...]string{MetricMutexWait, MetricGCPauses, MetricSchedLat, MetricHeap, MetricGoroutines, MetricGCCycles} {
		r.samples[i].Name = name
	}
	r.Read(time.Now())
	return r
}

// Read samples the runtime and returns the figures since the previous Read.
func (r *Runtime) Read(now time.Time) RuntimeFigures {
	metrics.Read(r.samples[:])
	f := RuntimeFigures{Window: now.Sub(r.prevAt)}
	secs := f.Window.Seconds()
	if v := r.samples[0].Value; v.Kind() == metrics.KindFloat64 {
		if secs > 0 {
			f.MutexWait = (v.Float64() - r.prevMutex) / secs
		}
		r.prevMutex = v.Float64()
	}
	if v := r.samples[1].Value; v.Kind() == metrics.KindFloat64Histogram {
		h := v.Float64Histogram()
		var total float64
		var top int = -1
		r.prevGC = resize(r.prevGC, len(h.Counts))
		for i, c := range h.Counts {
			d := c - r.prevGC[i]
			if d > 0 {
				total += float64(d) * mid(h.Buckets[i], h.Buckets[i+1])
				top = i
			}
			r.prevGC[i] = c
		}
		f.GCPause = time.Duration(total * 1e9)
		if top >= 0 {
			f.GCPauseMax = time.Duration(finiteBound(h.Buckets[top+1], h.Buckets[top]) * 1e9)
		}
	}
	if v := r.samples[2].Value; v.Kind() == metrics.KindFloat64Histogram {
		h := v.Float64Histogram()
		r.prevSched = resize(r.prevSched, len(h.Counts))
		var n uint64
		for i, c := range h.Counts {
			n += c - r.prevSched[i]
		}
		f.SchedSamples = n
		rank := uint64(math.Ceil(0.99 * float64(n)))
		var seen uint64
		for i, c := range h.Counts {
			d := c - r.prevSched[i]
			seen += d
			if n > 0 && f.SchedP99 == 0 && seen >= rank {
				f.SchedP99 = time.Duration(finiteBound(h.Buckets[i+1], h.Buckets[i]) * 1e9)
			}
			r.prevSched[i] = c
		}
	}
	if v := r.samples[3].Value; v.Kind() == metrics.KindUint64 {
		f.HeapBytes = v.Uint64()
	}
	if v := r.samples[4].Value; v.Kind() == metrics.KindUint64 {
		f.Goroutines = v.Uint64()
	}
	if v := r.samples[5].Value; v.Kind() == metrics.KindUint64 {
		f.GCCycles = v.Uint64()
	}
	r.prevAt = now
	return f
}

// mid is a bucket's middle; runtime histograms may have infinite ends.
func mid(lo, hi float64) float64 {
	switch {
	case math.IsInf(lo, -1):
		return hi
	case math.IsInf(hi, 1):
		return lo
	}
	return (lo + hi) / 2
}

// finiteBound is a bucket's upper bound, or its lower one when the upper is
// infinite.
func finiteBound(hi, lo float64) float64 {
	if math.IsInf(hi, 1) {
		return lo
	}
	return hi
}
