package game

import (
	"io"
	"strconv"
	"time"
)

// csvColumn is one -metrics-csv column: its name in the header and how
// its value is appended to a row.
type csvColumn struct {
	name  string
	value func(b []byte, f *figures, start time.Time) []byte
}

// csvColumns are the -metrics-csv columns, in their order: the overlay's
// figures for one second. Durations are in microseconds, waits in
// milliseconds per second, shares between 0 and 1.
var csvColumns = []csvColumn{
	{"time_s", func(b []byte, f *figures, start time.Time) []byte { return fixed(b, f.at.Sub(start).Seconds(), 1) }},
	{"strategy", func(b []byte, f *figures, _ time.Time) []byte { return append(b, f.strategy...) }},
	{"boids", num(0, func(f *figures) float64 { return float64(f.boids) })},
	{"gomaxprocs", num(0, func(f *figures) float64 { return float64(f.procs) })},
	{"steady", func(b []byte, f *figures, _ time.Time) []byte { return strconv.AppendBool(b, f.steady) }},
	{"fps", num(1, func(f *figures) float64 { return float64(f.frames.fps) })},
	{"frame_p50_ms", num(2, func(f *figures) float64 { return float64(f.frames.p50) })},
	{"frame_p95_ms", num(2, func(f *figures) float64 { return float64(f.frames.p95) })},
	{"frame_p99_ms", num(2, func(f *figures) float64 { return float64(f.frames.p99) })},
	{"frame_max_ms", num(2, func(f *figures) float64 { return float64(f.frames.max) })},
	{"target_tps", num(0, func(f *figures) float64 { return f.target })},
	{"tps", num(1, func(f *figures) float64 { return f.tps })},
	{"tick_p50_us", micros(func(f *figures) time.Duration { return f.stats.Total.P50 })},
	{"tick_p99_us", micros(func(f *figures) time.Duration { return f.stats.Total.P99 })},
	{"wake_p50_us", micros(func(f *figures) time.Duration { return f.stats.Wake.P50 })},
	{"barrier_p50_us", micros(func(f *figures) time.Duration { return f.stats.Barrier.P50 })},
	{"publish_p50_us", micros(func(f *figures) time.Duration { return f.stats.Publish.P50 })},
	{"boid_update_p50_us", micros(func(f *figures) time.Duration { return f.stats.Update.P50 })},
	{"boid_update_p99_us", micros(func(f *figures) time.Duration { return f.stats.Update.P99 })},
	{"updates_per_s", num(0, func(f *figures) float64 { return f.updates })},
	{"goroutines", num(0, func(f *figures) float64 { return float64(f.goroutines) })},
	{"reads_per_s", num(0, func(f *figures) float64 { return f.reads })},
	{"writes_per_s", num(0, func(f *figures) float64 { return f.writes })},
	{"contended_share", num(4, func(f *figures) float64 { return f.contended })},
	{"lock_wait_ms_per_s", num(2, func(f *figures) float64 { return f.lockWait * 1e3 })},
	{"runtime_mutex_wait_ms_per_s", num(2, func(f *figures) float64 { return f.mutexRuntime * 1e3 })},
	{"messages_per_s", num(0, func(f *figures) float64 { return f.messages })},
	{"rtt_p50_us", micros(func(f *figures) time.Duration { return f.rtt.P50 })},
	{"rtt_p99_us", micros(func(f *figures) time.Duration { return f.rtt.P99 })},
	{"rtt_mean_us", micros(func(f *figures) time.Duration { return f.rttMean })},
	{"queue_mean", num(1, func(f *figures) float64 { return f.queueMean })},
	{"queue_max", num(0, func(f *figures) float64 { return float64(f.queueMax) })},
	{"owner_busy_share", num(3, func(f *figures) float64 { return f.ownerBusy })},
	{"cas_retries_per_s", num(1, func(f *figures) float64 { return f.casRetries })},
	{"publishes_per_s", num(1, func(f *figures) float64 { return f.publishes })},
	{"rebuild_us", micros(func(f *figures) time.Duration { return f.rebuild })},
	{"heap_mb", num(1, func(f *figures) float64 { return float64(f.rt.HeapBytes) / (1 << 20) })},
	{"gc_pause_ms_per_s", num(3, func(f *figures) float64 {
		return f.rt.GCPause.Seconds() * 1e3 / max(f.window.Seconds(), 1e-9)
	})},
	{"sched_p99_us", micros(func(f *figures) time.Duration { return f.rt.SchedP99 })},
	{"mode", func(b []byte, f *figures, _ time.Time) []byte { return append(b, f.free.mode.String()...) }},
	{"boid_rate_min", num(1, func(f *figures) float64 { return f.free.fair.Min })},
	{"boid_rate_p1", num(1, func(f *figures) float64 { return f.free.fair.P1 })},
	{"boid_rate_p50", num(1, func(f *figures) float64 { return f.free.fair.P50 })},
	{"boid_rate_p99", num(1, func(f *figures) float64 { return f.free.fair.P99 })},
	{"boid_rate_max", num(1, func(f *figures) float64 { return f.free.fair.Max })},
	{"jain", num(4, func(f *figures) float64 { return f.free.fair.Jain })},
	{"gap_p99_ms", num(2, func(f *figures) float64 { return f.free.fair.GapP99.Seconds() * 1e3 })},
	{"gap_max_ms", num(2, func(f *figures) float64 { return f.free.fair.GapMax.Seconds() * 1e3 })},
	{"read_p50_us", micros(func(f *figures) time.Duration { return f.free.readCost.P50 })},
	{"read_p99_us", micros(func(f *figures) time.Duration { return f.free.readCost.P99 })},
	{"staleness_p50_us", micros(func(f *figures) time.Duration { return f.free.staleness.P50 })},
	{"staleness_p99_us", micros(func(f *figures) time.Duration { return f.free.staleness.P99 })},
}

func fixed(b []byte, v float64, prec int) []byte { return strconv.AppendFloat(b, v, 'f', prec, 64) }

// num is a column of v with prec decimals.
func num(prec int, v func(*figures) float64) func([]byte, *figures, time.Time) []byte {
	return func(b []byte, f *figures, _ time.Time) []byte { return fixed(b, v(f), prec) }
}

// micros is a column of a duration in microseconds, one decimal.
func micros(v func(*figures) time.Duration) func([]byte, *figures, time.Time) []byte {
	return func(b []byte, f *figures, _ time.Time) []byte { return fixed(b, float64(v(f))/1e3, 1) }
}

// csvWriter writes one row per closed window. Each row is one Write on an
// unbuffered file, so a killed program loses at most the current second.
type csvWriter struct {
	w     io.Writer
	start time.Time
	row   []byte
}

func newCSV(w io.Writer, start time.Time) (*csvWriter, error) {
	c := &csvWriter{w: w, start: start}
	b := c.row[:0]
	for _, col := range csvColumns {
		b = append(append(b, col.name...), ',')
	}
	b[len(b)-1] = '\n'
	_, err := w.Write(b)
	return c, err
}

func (c *csvWriter) write(f *figures) error {
	b := c.row[:0]
	for _, col := range csvColumns {
		b = append(col.value(b, f, c.start), ',')
	}
	b[len(b)-1] = '\n'
	c.row = b
	_, err := c.w.Write(b)
	return err
}
