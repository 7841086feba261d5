package game

import (
	"io"
	"strconv"
	"strings"
	"time"
)

// csvColumns are the -metrics-csv columns: the overlay's figures for one
// second. Durations are in microseconds, waits in milliseconds per second,
// shares between 0 and 1.
var csvColumns = []string{
	"time_s", "strategy", "boids", "gomaxprocs", "steady",
	"fps", "frame_p50_ms", "frame_p95_ms", "frame_p99_ms", "frame_max_ms",
	"target_tps", "tps", "tick_p50_us", "tick_p99_us",
	"wake_p50_us", "barrier_p50_us", "publish_p50_us", "boid_update_p50_us", "boid_update_p99_us",
	"updates_per_s", "goroutines",
	"reads_per_s", "writes_per_s", "contended_share", "lock_wait_ms_per_s", "runtime_mutex_wait_ms_per_s",
	"messages_per_s", "rtt_p50_us", "rtt_p99_us", "rtt_mean_us", "queue_mean", "queue_max", "owner_busy_share",
	"cas_retries_per_s", "publishes_per_s", "rebuild_us",
	"heap_mb", "gc_pause_ms_per_s", "sched_p99_us",
	"mode", "boid_rate_min", "boid_rate_p1", "boid_rate_p50", "boid_rate_p99", "boid_rate_max", "jain",
	"gap_p99_ms", "gap_max_ms", "read_p50_us", "read_p99_us", "staleness_p50_us", "staleness_p99_us",
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
	_, err := io.WriteString(w, strings.Join(csvColumns, ",")+"\n")
	return c, err
}

func (c *csvWriter) write(f *figures) error {
	b := c.row[:0]
	us := func(d time.Duration) float64 { return float64(d) / 1e3 }
	num := func(v float64, prec int) { b = strconv.AppendFloat(b, v, 'f', prec, 64); b = append(b, ',') }
	num(f.at.Sub(c.start).Seconds(), 1)
	b = append(b, f.strategy...)
	b = append(b, ',')
	num(float64(f.boids), 0)
	num(float64(f.procs), 0)
	b = strconv.AppendBool(b, f.steady)
	b = append(b, ',')
	num(float64(f.frames.fps), 1)
	num(float64(f.frames.p50), 2)
	num(float64(f.frames.p95), 2)
	num(float64(f.frames.p99), 2)
	num(float64(f.frames.max), 2)
	num(f.target, 0)
	num(f.tps, 1)
	num(us(f.stats.Total.P50), 1)
	num(us(f.stats.Total.P99), 1)
	num(us(f.stats.Wake.P50), 1)
	num(us(f.stats.Barrier.P50), 1)
	num(us(f.stats.Publish.P50), 1)
	num(us(f.stats.Update.P50), 1)
	num(us(f.stats.Update.P99), 1)
	num(f.updates, 0)
	num(float64(f.goroutines), 0)
	num(f.reads, 0)
	num(f.writes, 0)
	num(f.contended, 4)
	num(f.lockWait*1e3, 2)
	num(f.mutexRuntime*1e3, 2)
	num(f.messages, 0)
	num(us(f.rtt.P50), 1)
	num(us(f.rtt.P99), 1)
	num(us(f.rttMean), 1)
	num(f.queueMean, 1)
	num(float64(f.queueMax), 0)
	num(f.ownerBusy, 3)
	num(f.casRetries, 1)
	num(f.publishes, 1)
	num(us(f.rebuild), 1)
	num(float64(f.rt.HeapBytes)/(1<<20), 1)
	num(f.rt.GCPause.Seconds()*1e3/max(f.window.Seconds(), 1e-9), 3)
	num(us(f.rt.SchedP99), 1)
	b = append(b, f.free.mode.String()...)
	b = append(b, ',')
	fr := &f.free.fair
	for _, r := range [...]float64{fr.Min, fr.P1, fr.P50, fr.P99, fr.Max} {
		num(r, 1)
	}
	num(fr.Jain, 4)
	num(fr.GapP99.Seconds()*1e3, 2)
	num(fr.GapMax.Seconds()*1e3, 2)
	num(us(f.free.readCost.P50), 1)
	num(us(f.free.readCost.P99), 1)
	num(us(f.free.staleness.P50), 1)
	num(us(f.free.staleness.P99), 1)
	b[len(b)-1] = '\n'
	c.row = b
	_, err := c.w.Write(b)
	return err
}
