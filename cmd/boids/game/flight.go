package game

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/trace"
	"slices"
	"sync"
	"time"

	"github.com/boids-project/boids/boids"
)

// flight is the flight recorder: while on, the runtime keeps the last few
// seconds of execution trace in memory. T writes them to a file; so does a
// tick or a frame that takes more than spike times the recent p99, at most
// once per spikeGap. Files are written by a goroutine of their own, so the
// window does not wait for the disk; close waits for it.
type flight struct {
	log *logger
	dir string // where dumps go: the working directory unless a test says

	spike float64
	rec   *trace.FlightRecorder // nil while off

	writing sync.WaitGroup // the goroutine writing a dump, if any
	busy    bool           // a dump is being written (the game's goroutine's)
	done    chan dumpResult

	lastAuto time.Time
	// frames are the recent frame intervals, a ring; tickP99 is the p99
	// tick time of the previous second, from the snapshot's statistics.
	frames   [flightFrames]time.Duration
	nframes  int
	sorted   []time.Duration
	tickP99  time.Duration
	lastStat time.Duration // the Window of the statistics last looked at
}

// Flight recorder settings: the window kept, a bound on its memory (a tick
// of 10,000 boids makes about a megabyte of trace, so the bound is what
// limits the window at that size), how many frames the recent p99 covers
// and how often a spike may write a file.
const (
	flightAge    = 5 * time.Second
	flightBytes  = 64 << 20
	flightFrames = 300
	spikeGap     = 10 * time.Second
)

type dumpResult struct {
	name string
	size int64
	why  string
	err  error
}

func newFlight(log *logger, on bool, spike float64) *flight {
	f := &flight{log: log, spike: spike, done: make(chan dumpResult, 1)}
	if on {
		f.set(true)
	}
	return f
}

func (f *flight) on() bool { return f.rec != nil }

// set starts or stops the recorder, with one line.
func (f *flight) set(on bool) {
	if on == f.on() {
		return
	}
	if !on {
		f.writing.Wait()
		f.rec.Stop()
		f.rec = nil
		f.log.line("flight recorder: off")
		return
	}
	rec := trace.NewFlightRecorder(trace.FlightRecorderConfig{MinAge: flightAge, MaxBytes: flightBytes})
	if err := rec.Start(); err != nil {
		f.log.printf("flight recorder: cannot start: %v", err)
		return
	}
	f.rec = rec
	spike := "no spike trigger"
	if f.spike > 0 {
		spike = fmt.Sprintf("a tick or frame over %gx the recent p99 writes one", f.spike)
	}
	f.log.printf("flight recorder: on, keeping the last %v (T writes it; %s)", flightAge, spike)
}

// dump writes the recorder's window to a new file, in the background.
func (f *flight) dump(now time.Time, why string) {
	switch {
	case !f.on():
		f.log.line("trace: the flight recorder is off (-flight, or the panel)")
		return
	case f.busy:
		f.log.line("trace: a dump is still being written")
		return
	}
	f.busy = true
	name := filepath.Join(f.dir, traceName(now))
	rec := f.rec
	f.writing.Go(func() {
		r := dumpResult{why: why}
		r.name, r.size, r.err = writeTrace(rec, name)
		f.done <- r
	})
}

// traceName is the dump's file name for now, in the working directory.
func traceName(now time.Time) string { return now.Format("boids-trace-20060102-150405.out") }

// writeTrace writes rec's window to a new file called name, or numbered
// after it when name exists (as F12's screenshots are), and returns the
// name used; it never overwrites a file.
func writeTrace(rec *trace.FlightRecorder, name string) (string, int64, error) {
	file, name, err := create(name, true)
	if err != nil {
		return name, 0, err
	}
	n, err := rec.WriteTo(file)
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(name)
	}
	return name, n, err
}

// poll reports a finished dump, once, from the game's goroutine.
func (f *flight) poll() {
	select {
	case r := <-f.done:
		f.busy = false
		if r.err != nil {
			f.log.printf("trace: cannot write %s: %v", r.name, unwrapPath(r.err))
			return
		}
		f.log.printf("trace: %s wrote %s (%.1f MB); open it with go tool trace %s", r.why, r.name, float64(r.size)/(1<<20), r.name)
	default:
	}
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// frame looks at one frame interval: a spike writes a dump.
func (f *flight) frame(d time.Duration, now time.Time) {
	f.frames[f.nframes%flightFrames] = d
	f.nframes++
	if f.nframes < flightFrames {
		return
	}
	f.sorted = append(f.sorted[:0], f.frames[:]...)
	slices.Sort(f.sorted)
	p99 := f.sorted[len(f.sorted)*99/100]
	f.check(d, p99, "frame", now)
}

// ticks looks at the snapshot's statistics once per second: a tick of that
// second longer than spike times the previous second's p99 writes a dump.
func (f *flight) ticks(snap *boids.Snapshot, now time.Time) {
	st := &snap.Stats
	if st.Ticks == 0 || st.Window == f.lastStat {
		return
	}
	f.lastStat = st.Window
	prev := f.tickP99
	f.tickP99 = st.Total.P99
	if prev > 0 {
		f.check(st.Total.Max, prev, "tick", now)
	}
}

func (f *flight) check(d, p99 time.Duration, what string, now time.Time) {
	if f.spike <= 0 || !f.on() || p99 <= 0 || float64(d) <= f.spike*float64(p99) {
		return
	}
	if !f.lastAuto.IsZero() && now.Sub(f.lastAuto) < spikeGap {
		return
	}
	f.lastAuto = now
	f.dump(now, fmt.Sprintf("%s spike (%v > %gx p99 %v)", what, d.Round(time.Microsecond), f.spike, p99.Round(time.Microsecond)))
}

// close waits for a dump being written and stops the recorder.
func (f *flight) close() {
	f.writing.Wait()
	f.poll()
	if f.rec != nil {
		f.rec.Stop()
		f.rec = nil
	}
}
