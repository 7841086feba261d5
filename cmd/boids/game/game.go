// Package game is the desktop front end: an Ebiten window that draws the
// simulation's latest snapshot and turns keys into Sim commands.
package game

import (
	"image"
	"math"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/boids-project/boids/boids"
	"github.com/boids-project/boids/cmd/boids/cli"
	_ "github.com/boids-project/boids/cmd/boids/internal/display"
)

// Game implements ebiten.Game. Update turns input into Sim commands and
// takes the latest snapshot; Draw only draws that snapshot. Both run on the
// main goroutine, the one goroutine that uses the game's Reader.
// Its parts, each in a file of its own: simControl (control.go) is what the
// game asked the Sim for and the actions that ask, which keys.go binds to
// keys; hud (hud.go) the overlay, panel, help card, status line and the
// measurements behind them; render.go draws the flock and the shapes; run.go
// starts and ends the program, with its files and signals.
type Game struct {
	opts cli.Options
	sim  *boids.Sim
	feed *boids.Reader // the game's own reader of the sim's snapshots
	in   controls
	log  *logger
	snap *boids.Snapshot

	simControl
	hud

	flock  *flockRenderer
	shapes quads   // grid and pointer ring
	scale  float64 // device scale factor, from Layout
	screen image.Point

	shot       *capture // an F12 screenshot on its way to a file
	final      *capture // the -screenshot frame
	finalSaved bool
	// ending: a quit came (key, signal) before the -screenshot frame, so
	// the frame Draw makes next is that one and the game ends after it.
	ending bool
	stats  frameStats
	quit   *signals // SIGINT and SIGTERM; nil in tests
	err    error
}

func newGame(opts cli.Options, sim *boids.Sim, in controls, log *logger) (*Game, error) {
	status, err := newStatusLine()
	if err != nil {
		return nil, err
	}
	feed := sim.NewReader()
	snap := feed.Latest()
	designs := boids.Designs()
	return &Game{
		opts: opts,
		sim:  sim,
		feed: feed,
		in:   in,
		log:  log,
		snap: snap,
		simControl: simControl{
			designs:      designs,
			strategy:     max(0, designIndex(designs, opts.Strategy)),
			params:       snap.Params,
			loggedParams: snap.Params,
			tps:          snap.TPS,
		},
		hud: hud{
			showOverlay: opts.Overlay,
			showPanel:   opts.Panel,
			colour:      colourOf(opts.Colour),
			status:      status,
			overlay:     newOverlay(status.face.Source),
			panel:       newPanel(),
			help:        newHelp(),
			meter:       newMeter(snap),
			flight:      newFlight(log, opts.Flight, opts.FlightSpike),
			compare:     comparison{designs: designs},
		},
		flock: newFlockRenderer(),
		scale: 1,
	}, nil
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
	if g.ending || g.finished() || g.quit.received() != nil {
		return g.end()
	}
	t0 := time.Now()
	g.snap = g.feed.Latest()
	g.heat.observe(g.snap)
	g.flight.poll()
	g.flight.ticks(g.snap, t0)
	captured := false
	if g.showPanel {
		var err error
		if captured, err = g.panel.update(g, g.screen.X); err != nil {
			return err
		}
	}
	if !captured {
		if g.in.Pressed(quitAction) {
			return g.end()
		}
		g.handleKeys()
	}
	g.handlePointer(captured)
	g.logSettledParams()
	g.cycle(t0)
	if err := g.measure(t0); err != nil {
		return err
	}
	g.updateCPU += time.Since(t0)
	return nil
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

// end ends the game, or, when -screenshot's frame has yet to be drawn,
// asks Draw for it first: -screenshot saves the last frame however the run
// ends. Ebiten draws a frame after its Updates; the next Update saves
// that frame and ends the game.
func (g *Game) end() error {
	if g.opts.Screenshot == "" || g.finalSaved || g.err != nil {
		return ebiten.Termination
	}
	g.ending = true
	return nil
}

// finalDue says whether the frame being drawn is the -screenshot one: the
// -frames-th, or the last one before a quit.
func (g *Game) finalDue() bool {
	return g.opts.Screenshot != "" && g.final == nil && (g.stats.frames == g.opts.Frames || g.ending)
}

// Draw draws the last snapshot taken by Update, and copies the screen
// when a screenshot is due; Update writes the file.
func (g *Game) Draw(screen *ebiten.Image) {
	t0 := time.Now()
	if !g.lastDraw.IsZero() {
		g.frames.push(t0.Sub(g.lastDraw), g.updateCPU, g.drawCPU)
		g.flight.frame(t0.Sub(g.lastDraw), t0)
	}
	g.lastDraw, g.updateCPU = t0, 0
	sw, sh := screen.Bounds().Dx(), screen.Bounds().Dy()
	v := fit(float32(g.opts.Width), float32(g.opts.Height), sw, sh)
	a := g.overlayAtlas()
	g.flock.draw(screen, g.snap.Boids, v, float32(g.scale), g.tintFor(g.snap))
	g.heat.draw(screen, a, v, float32(g.scale))
	g.drawShapes(screen, a, v)
	statusH := g.status.draw(screen, g.status.format(ebiten.ActualFPS(), g.snap), g.scale)
	if g.showOverlay {
		t := time.Now()
		g.overlay.draw(screen, &g.frames, 0, float32(statusH), g.scale)
		g.overlayCPU += time.Since(t)
	}
	g.overlay.cost = (g.overlay.cost*7 + g.overlayCPU) / 8
	g.overlayCPU = 0
	if g.showHelp {
		g.help.draw(screen, a, float32(g.scale))
	}
	if g.showPanel {
		g.panel.ui.Draw(screen)
	}
	g.stats.frame(time.Now(), g.snap.Tick)
	g.drawCPU = time.Since(t0)
	if g.shot != nil && !g.shot.taken() {
		g.shot.take(screen, g.snap.Progress())
	}
	if g.finalDue() {
		g.final = &capture{name: g.opts.Screenshot, final: true}
		g.final.take(screen, g.snap.Progress())
	}
}

// Layout gives the screen the window's size in physical pixels, never
// less than one pixel a side, so a window shrunk to nothing keeps working.
// The world keeps its size and is scaled to fit.
func (g *Game) Layout(outsideW, outsideH int) (int, int) {
	if m := ebiten.Monitor(); m != nil {
		g.scale = m.DeviceScaleFactor()
	}
	g.screen = image.Pt(max(1, int(math.Ceil(float64(outsideW)*g.scale))), max(1, int(math.Ceil(float64(outsideH)*g.scale))))
	return g.screen.X, g.screen.Y
}
