//go:build headless

package play

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"time"

	"github.com/boids-project/boids/boids"
	"github.com/boids-project/boids/cmd/boids/cli"
)

// frameRate turns -frames into a duration: the frames a 60 Hz display
// would have shown.
const frameRate = 60

// Run registers d and runs a flock on it without a window, printing the
// overlay's figures once a second, until -frames frames' worth of time has
// passed or, with -frames 0, until Ctrl-C.
func Run(d boids.Design) {
	o := options(d)
	if err := windowOnly(o); err != nil {
		exit(2, err)
	}
	runtime.GOMAXPROCS(o.Procs)
	stop, err := o.Profiles.Start()
	if err == nil {
		err = fly(o)
	}
	if serr := stop(); err == nil {
		err = serr
	}
	if err != nil {
		exit(1, err)
	}
}

// windowOnly refuses the flags that only mean something with a window.
func windowOnly(o cli.Options) error {
	for _, f := range []struct {
		name string
		set  bool
	}{
		{"screenshot", o.Screenshot != ""},
		{"panel", o.Panel},
		{"metrics-csv", o.MetricsCSV != ""},
		{"cycle", o.Cycle > 0},
	} {
		if f.set {
			return fmt.Errorf("-%s needs the window: build without -tags headless (xvfb-run -a go run . gives one without a display)", f.name)
		}
	}
	return nil
}

func fly(o cli.Options) error {
	sim, err := boids.NewSim(o.Config(func(msg string) { fmt.Fprintln(o.Log, msg) }))
	if err != nil {
		return err
	}
	defer sim.Stop()
	fmt.Fprintf(o.Log, "seed %d: %d boids, strategy %s, world %dx%d (%s), %g ticks/s, GOMAXPROCS %d\n",
		o.Seed, o.Boids, o.Strategy, o.Width, o.Height, o.Edges, o.TPS, runtime.GOMAXPROCS(0))

	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	defer cancel()
	if o.Frames > 0 {
		var cancelTime context.CancelFunc
		ctx, cancelTime = context.WithTimeout(ctx, time.Duration(o.Frames)*time.Second/frameRate)
		defer cancelTime()
	}
	tk := time.NewTicker(time.Second)
	defer tk.Stop()
	view := sim.NewReader()
	first := view.Latest()
	last, since := mark{first.Tick, first.Counters}, time.Now()
	for done := false; !done; {
		select {
		case <-ctx.Done():
			done = true
		case <-tk.C:
		}
		now := time.Now()
		if now.Sub(since) < time.Second/frameRate {
			continue // the end came with the last tick of the clock
		}
		s := view.Latest()
		report(s, last, now.Sub(since))
		last, since = mark{s.Tick, s.Counters}, now
	}
	return nil
}

// mark is where the figures of the last line ended.
type mark struct {
	tick uint64
	c    boids.Counters
}

// report writes one line of figures: the latest tick's times and the
// rates of ticks and counters since last, dt ago.
func report(s *boids.Snapshot, last mark, dt time.Duration) {
	c, l := s.Counters, last.c
	rate := func(n uint64) float64 { return float64(n) / dt.Seconds() }
	fmt.Printf("%s: %d boids, %.0f ticks/s, tick %v (barrier %v, end %v), reads %.0f/s, contended %.0f/s, lock wait %v/s, messages %.0f/s, publishes %.0f/s\n",
		s.Strategy, len(s.Boids), rate(s.Tick-last.tick), s.Times.Total().Round(time.Microsecond),
		s.Times.Barrier.Round(time.Microsecond), s.Times.End.Round(time.Microsecond),
		rate(c.Reads-l.Reads), rate(c.Contended-l.Contended),
		time.Duration(float64(c.LockWait-l.LockWait)/dt.Seconds()).Round(time.Microsecond),
		rate(c.Messages-l.Messages), rate(c.Publishes-l.Publishes))
}
