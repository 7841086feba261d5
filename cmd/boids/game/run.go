package game

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"sync"
	"syscall"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/boids-project/boids/boids"
	"github.com/boids-project/boids/cmd/boids/cli"
)

// This file is the program's start and end: profiles, GOMAXPROCS, the
// metrics file, the window, signals, and what is written at exit.

// Run opens the window and runs the simulation until the window closes, a
// quit key is pressed, opts.Frames frames have been drawn, or SIGINT or
// SIGTERM asks it to stop. However it ends, the metrics file gets the last
// (partial) second's row, the summary is printed, and every profile is
// stopped and written; a run a signal ended returns cli.Interrupted unless
// something else went wrong.
func Run(opts cli.Options) error {
	quit := catchSignals()
	defer quit.stop()
	stop, err := opts.Profiles.Start()
	if err == nil {
		err = run(opts, quit)
	}
	err = errors.Join(err, stop())
	if s := quit.received(); err == nil && s != nil {
		return cli.Interrupted{Signal: s}
	}
	return err
}

// signals turns SIGINT and SIGTERM into a request to quit, which Update
// reads. After the first, the default action is back: a second Ctrl-C
// ends a program stuck on its way out.
type signals struct {
	c   chan os.Signal
	got os.Signal
}

func catchSignals() *signals {
	s := &signals{c: make(chan os.Signal, 1)}
	signal.Notify(s.c, os.Interrupt, syscall.SIGTERM)
	return s
}

// received returns the signal that asked to quit, or nil.
func (s *signals) received() os.Signal {
	if s == nil {
		return nil
	}
	if s.got == nil {
		select {
		case s.got = <-s.c:
			signal.Stop(s.c)
		default:
		}
	}
	return s.got
}

func (s *signals) stop() { signal.Stop(s.c) }

func run(opts cli.Options, quit *signals) error {
	w := opts.Log
	if w == nil {
		w = io.Discard
	}
	log := &logger{w: w}
	if opts.Procs > 0 {
		runtime.GOMAXPROCS(opts.Procs)
	}
	sim, err := boids.NewSim(opts.Config(log.line))
	if err != nil {
		return err
	}
	defer sim.Stop()
	g, err := newGame(opts, sim, keyboard{}, log)
	if err != nil {
		return err
	}
	defer g.flight.close()
	g.quit = quit
	if opts.MetricsCSV != "" {
		// Each row is one write that reports its own error, so a plain file
		// does: no write error waits for Close.
		f, err := os.Create(opts.MetricsCSV)
		if err != nil {
			return fmt.Errorf("metrics csv: %w", err)
		}
		g.csvFile = f
		if g.csv, err = newCSV(f, time.Now()); err != nil {
			f.Close()
			return fmt.Errorf("metrics csv: %w", err)
		}
	}
	log.printf("seed %d: %d boids, strategy %s, world %dx%d (%s), %g %s, GOMAXPROCS %d",
		opts.Seed, opts.Boids, opts.Strategy, opts.Width, opts.Height, opts.Edges, opts.TPS, rateUnit(opts.Mode), runtime.GOMAXPROCS(0))
	ebiten.SetWindowTitle("boids")
	ebiten.SetWindowSize(windowSize(opts.Width, opts.Height))
	ebiten.SetWindowResizingMode(ebiten.WindowResizingModeEnabled)
	// Draw fills the whole screen itself.
	ebiten.SetScreenClearedEveryFrame(false)
	err = ebiten.RunGame(g)
	return errors.Join(err, g.finish())
}

// finish writes what a run leaves behind, however it ended: the metrics
// file's last row, for the part of a second since the previous one, and
// the summary line. A metrics file whose write failed during the run gets
// no more rows; that error has been reported.
func (g *Game) finish() error {
	var err error
	if g.csvFile != nil {
		if g.csv != nil && g.meter.closeWindow(g.feed.Latest(), &g.frames, g.overlay.cost, time.Now()) {
			err = g.csv.write(&g.meter.last)
		}
		if cerr := g.csvFile.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			err = fmt.Errorf("metrics csv: %w", err)
		}
	}
	g.summary()
	return errors.Join(g.err, err)
}

// windowSize is the world's size, shrunk to fit the monitor when known.
func windowSize(w, h int) (int, int) {
	m := ebiten.Monitor()
	if m == nil {
		return w, h
	}
	mw, mh := m.Size()
	if mw <= 0 || mh <= 0 || (w <= mw && h <= mh) {
		return w, h
	}
	s := min(float64(mw)/float64(w), float64(mh)/float64(h))
	return max(1, int(float64(w)*s)), max(1, int(float64(h)*s))
}

// logger serializes lines from the game and from the Sim's goroutine.
type logger struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *logger) line(msg string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintln(l.w, msg)
}

func (l *logger) printf(format string, args ...any) { l.line(fmt.Sprintf(format, args...)) }

// frameStats measures what the player saw, for the summary at exit.
type frameStats struct {
	frames           int
	first, last      time.Time
	firstTick, ticks uint64
}

func (s *frameStats) frame(now time.Time, tick uint64) {
	if s.frames == 0 {
		s.first, s.firstTick = now, tick
	}
	s.frames++
	s.last, s.ticks = now, tick
}

func (g *Game) summary() {
	s := g.stats
	el := s.last.Sub(s.first).Seconds()
	if s.frames < 2 || el <= 0 {
		g.log.printf("frames: %d", s.frames)
		return
	}
	rate := float64(s.ticks-s.firstTick) / el
	if g.snap.Mode == boids.Free {
		// The last second's: the ticks counted above do not advance.
		rate = g.snap.ActualTPS
	}
	g.log.printf("frames: %d in %.1fs, avg fps %.1f, sim %.1f %s (target %g), %d boids, %s",
		s.frames, el, float64(s.frames-1)/el, rate, rateUnit(g.snap.Mode),
		g.snap.TPS, len(g.snap.Boids), g.snap.Strategy)
}
