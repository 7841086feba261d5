// Package game is the desktop front end: an Ebiten window that draws the
// simulation's latest snapshot and turns keys into Sim commands.
package game

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/boids-project/boids/boids"
	_ "github.com/boids-project/boids/cmd/boids/internal/display"
)

// Game implements ebiten.Game. Update turns input into Sim commands and
// takes the latest snapshot; Draw only draws that snapshot. Both run on the
// main goroutine, so the snapshot has the single reader the Sim requires.
type Game struct {
	opts Options
	sim  *boids.Sim
	in   controls
	log  *logger
	snap *boids.Snapshot

	// The game's own record of what it asked the Sim for, so that keys
	// pressed faster than the Sim publishes still act on the right state.
	strategy int
	paused   bool

	flock  *flockRenderer
	status *statusLine
	scale  float64 // device scale factor, from Layout

	shot       *capture // an F12 screenshot on its way to a file
	final      *capture // the -screenshot frame
	finalSaved bool
	stats      frameStats
	err        error
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

// Run opens the window and runs the simulation until the window closes,
// a quit key is pressed or opts.Frames frames have been drawn.
func Run(opts Options) error {
	w := opts.Log
	if w == nil {
		w = io.Discard
	}
	log := &logger{w: w}
	if opts.Procs > 0 {
		runtime.GOMAXPROCS(opts.Procs)
	}
	sim, err := boids.NewSim(opts.config(log.line))
	if err != nil {
		return err
	}
	defer sim.Stop()
	g, err := newGame(opts, sim, keyboard{}, log)
	if err != nil {
		return err
	}
	log.printf("seed %d: %d boids, strategy %s, world %dx%d (%s), %g ticks/s, GOMAXPROCS %d",
		opts.Seed, opts.Boids, opts.Strategy, opts.Width, opts.Height, opts.Edges, opts.TPS, runtime.GOMAXPROCS(0))
	ebiten.SetWindowTitle("boids")
	ebiten.SetWindowSize(windowSize(opts.Width, opts.Height))
	ebiten.SetWindowResizingMode(ebiten.WindowResizingModeEnabled)
	// Draw fills the whole screen itself.
	ebiten.SetScreenClearedEveryFrame(false)
	if err := ebiten.RunGame(g); err != nil {
		return err
	}
	g.summary()
	return g.err
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

func newGame(opts Options, sim *boids.Sim, in controls, log *logger) (*Game, error) {
	status, err := newStatusLine()
	if err != nil {
		return nil, err
	}
	return &Game{
		opts:     opts,
		sim:      sim,
		in:       in,
		log:      log,
		snap:     sim.Snapshot(),
		strategy: max(0, designIndex(opts.Strategy)),
		flock:    newFlockRenderer(),
		status:   status,
		scale:    1,
	}, nil
}

func designIndex(name string) int {
	for i, d := range boids.Designs {
		if strings.EqualFold(d.Name, name) {
			return i
		}
	}
	return -1
}

// Update runs at Ebiten's 60 ticks per second, independently of the
// simulation's clock, which runs in the Sim's own goroutine.
func (g *Game) Update() error {
	if g.shot.taken() {
		g.save(g.shot)
		g.shot = nil
	}
	if g.final.taken() && !g.finalSaved {
		g.save(g.final)
		g.finalSaved = true
	}
	if g.finished() {
		return ebiten.Termination
	}
	g.snap = g.sim.Snapshot()
	if g.in.QuitPressed() {
		return ebiten.Termination
	}
	g.handleKeys()
	return nil
}

func (g *Game) handleKeys() {
	in := g.in
	if in.PausePressed() {
		g.paused = !g.paused
		g.sim.TogglePause()
	}
	if in.StepPressed() {
		if g.paused {
			g.sim.Step()
		} else {
			g.log.line("step: only while paused (Space pauses)")
		}
	}
	if in.MorePressed() {
		g.sim.Scale(2, 1)
	}
	if in.FewerPressed() {
		g.sim.Scale(1, 2)
	}
	if in.ResetPressed() {
		g.sim.Reset(rand.Uint64())
	}
	if in.NextStrategyPressed() {
		g.selectStrategy((g.strategy + 1) % len(boids.Designs))
	}
	if i := in.StrategyKey(); i >= 0 {
		if i < len(boids.Designs) {
			g.selectStrategy(i)
		} else {
			g.log.printf("strategy: no design on key %d (keys 1..%d: %s)",
				i+1, len(boids.Designs), strings.Join(boids.DesignNames(), ", "))
		}
	}
	if in.ScreenshotPressed() && g.shot == nil {
		g.shot = &capture{name: shotName(time.Now())}
	}
}

func (g *Game) selectStrategy(i int) {
	if i == g.strategy {
		g.log.printf("strategy: %s already in use (designs: %s)",
			boids.Designs[i].Name, strings.Join(boids.DesignNames(), ", "))
		return
	}
	g.strategy = i
	g.sim.SetStrategy(boids.Designs[i].Name)
}

// finished says whether -frames (and its screenshot, if any) are done.
func (g *Game) finished() bool {
	if g.err != nil {
		return true
	}
	if g.opts.Frames <= 0 || g.stats.frames < g.opts.Frames {
		return false
	}
	return g.opts.Screenshot == "" || g.finalSaved
}

// Draw draws the last snapshot taken by Update, and copies the screen
// when a screenshot is due; Update writes the file.
func (g *Game) Draw(screen *ebiten.Image) {
	sw, sh := screen.Bounds().Dx(), screen.Bounds().Dy()
	v := fit(float32(g.opts.Width), float32(g.opts.Height), sw, sh)
	g.flock.draw(screen, g.snap.Boids, v, float32(g.scale))
	g.status.draw(screen, g.status.format(ebiten.ActualFPS(), g.snap), g.scale)
	g.stats.frame(time.Now(), g.snap.Tick)
	if g.shot != nil && !g.shot.taken() {
		g.shot.take(screen, g.snap.Tick)
	}
	if g.opts.Screenshot != "" && g.final == nil && g.stats.frames == g.opts.Frames {
		g.final = &capture{name: g.opts.Screenshot, final: true}
		g.final.take(screen, g.snap.Tick)
	}
}

func (s *frameStats) frame(now time.Time, tick uint64) {
	if s.frames == 0 {
		s.first, s.firstTick = now, tick
	}
	s.frames++
	s.last, s.ticks = now, tick
}

// Layout gives the screen the window's size in physical pixels, never
// less than one pixel a side, so a window shrunk to nothing keeps working.
// The world keeps its size and is scaled to fit.
func (g *Game) Layout(outsideW, outsideH int) (int, int) {
	if m := ebiten.Monitor(); m != nil {
		g.scale = m.DeviceScaleFactor()
	}
	return max(1, int(math.Ceil(float64(outsideW)*g.scale))), max(1, int(math.Ceil(float64(outsideH)*g.scale)))
}

func (g *Game) summary() {
	s := g.stats
	el := s.last.Sub(s.first).Seconds()
	if s.frames < 2 || el <= 0 {
		g.log.printf("frames: %d", s.frames)
		return
	}
	g.log.printf("frames: %d in %.1fs, avg fps %.1f, sim %.1f ticks/s (target %g), %d boids, %s",
		s.frames, el, float64(s.frames-1)/el, float64(s.ticks-s.firstTick)/el,
		g.snap.TPS, len(g.snap.Boids), g.snap.Strategy)
}
