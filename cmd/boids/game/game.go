// Package game is the desktop front end: an Ebiten window that draws the
// simulation's latest snapshot and turns keys into Sim commands.
package game

import (
	"fmt"
	"image"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/boids-project/boids/boids"
	"github.com/boids-project/boids/cmd/boids/cli"
	_ "github.com/boids-project/boids/cmd/boids/internal/display"
)

// Game implements ebiten.Game. Update turns input into Sim commands and
// takes the latest snapshot; Draw only draws that snapshot. Both run on the
// main goroutine, so the snapshot has the single reader the Sim requires.
type Game struct {
	opts cli.Options
	sim  *boids.Sim
	in   controls
	log  *logger
	snap *boids.Snapshot

	designs []boids.Design // the registry's, fixed once the sim has started

	// The game's own record of what it asked the Sim for, so that keys
	// pressed faster than the Sim publishes still act on the right state.
	strategy int
	paused   bool
	params   boids.Params
	tps      float64
	// loggedParams are the rules as last reported on stderr: a slider
	// logs its change once, when released.
	loggedParams boids.Params
	mouse        pointer
	mouseDown    bool      // a button was held in the last update
	switched     time.Time // when -cycle last switched designs

	flock  *flockRenderer
	status *statusLine
	scale  float64 // device scale factor, from Layout
	screen image.Point

	showOverlay, showPanel, showHelp, showGrid bool
	overlay                                    *overlay
	panel                                      *panel
	help                                       *help
	shapes                                     quads // grid and pointer ring
	meter                                      *meter
	compare                                    comparison
	frames                                     frameTimes
	csv                                        *csvWriter
	lastDraw                                   time.Time
	updateCPU, drawCPU                         time.Duration
	overlayCPU                                 time.Duration // this frame's overlay work so far

	heat   heat    // the contention map (G), and the overlay's per-part figures
	flight *flight // the flight recorder (T)

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
// a quit key is pressed or opts.Frames frames have been drawn; the profiles
// opts asks for cover the whole run.
func Run(opts cli.Options) error {
	stop, err := opts.Profiles.Start()
	if err == nil {
		err = run(opts)
	}
	if serr := stop(); err == nil {
		err = serr
	}
	return err
}

func run(opts cli.Options) error {
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
	if opts.MetricsCSV != "" {
		f, err := os.Create(opts.MetricsCSV)
		if err != nil {
			return fmt.Errorf("metrics csv: %w", err)
		}
		defer f.Close()
		if g.csv, err = newCSV(f, time.Now()); err != nil {
			return fmt.Errorf("metrics csv: %w", err)
		}
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

func newGame(opts cli.Options, sim *boids.Sim, in controls, log *logger) (*Game, error) {
	status, err := newStatusLine()
	if err != nil {
		return nil, err
	}
	snap := sim.Snapshot()
	designs := boids.Designs()
	return &Game{
		designs:      designs,
		compare:      comparison{designs: designs},
		opts:         opts,
		sim:          sim,
		in:           in,
		log:          log,
		snap:         snap,
		strategy:     max(0, designIndex(designs, opts.Strategy)),
		params:       snap.Params,
		loggedParams: snap.Params,
		tps:          snap.TPS,
		flock:        newFlockRenderer(),
		status:       status,
		scale:        1,
		showOverlay:  opts.Overlay,
		showPanel:    opts.Panel,
		overlay:      newOverlay(status.face.Source),
		panel:        newPanel(),
		help:         newHelp(),
		meter:        newMeter(snap),
		flight:       newFlight(log, opts.Flight, opts.FlightSpike),
	}, nil
}

func designIndex(designs []boids.Design, name string) int {
	for i, d := range designs {
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
	t0 := time.Now()
	g.snap = g.sim.Snapshot()
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
		if g.in.QuitPressed() {
			return ebiten.Termination
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

// measure closes the metrics window once a second (feeding the comparison
// and the CSV) and refreshes the overlay's text a few times a second.
func (g *Game) measure(now time.Time) error {
	if g.meter.observe(g.snap, &g.frames, g.overlay.cost, now) {
		g.compare.add(&g.meter.last)
		if g.csv != nil {
			if err := g.csv.write(&g.meter.last); err != nil {
				return fmt.Errorf("metrics csv: %w", err)
			}
		}
	}
	if g.showOverlay && g.overlay.due(now) {
		g.overlay.format(&g.meter.last, g.frames.quantiles(), g.snap, &g.compare)
		g.heat.lines(&g.overlay.text)
		g.overlayCPU += time.Since(now)
	}
	return nil
}

func (g *Game) handleKeys() {
	in := g.in
	if in.PausePressed() {
		g.togglePause()
	}
	if in.StepPressed() {
		g.step()
	}
	if in.MorePressed() {
		g.sim.Scale(2, 1)
	}
	if in.FewerPressed() {
		g.sim.Scale(1, 2)
	}
	if in.ResetPressed() {
		g.reset()
	}
	if in.NextStrategyPressed() {
		g.selectStrategy((g.strategy + 1) % len(g.designs))
	}
	if i := in.StrategyKey(); i >= 0 {
		if i < len(g.designs) {
			g.selectStrategy(i)
		} else {
			g.log.printf("strategy: no design on key %d (keys 1..%d: %s)",
				i+1, len(g.designs), strings.Join(boids.DesignNames(), ", "))
		}
	}
	if in.ScreenshotPressed() && g.shot == nil {
		g.shot = &capture{name: shotName(time.Now())}
	}
	if in.OverlayPressed() {
		g.showOverlay = !g.showOverlay
		g.overlay.next = time.Time{}
	}
	if in.PanelPressed() {
		g.showPanel = !g.showPanel
	}
	if in.HelpPressed() {
		g.showHelp = !g.showHelp
	}
	if in.GridPressed() {
		g.cycleGridView()
	}
	if in.TracePressed() {
		g.flight.dump(time.Now(), "key T")
	}
}

// cycle moves to the next design when -cycle's time is up.
func (g *Game) cycle(now time.Time) {
	if g.opts.Cycle <= 0 {
		return
	}
	if g.switched.IsZero() {
		g.switched = now
	}
	if now.Sub(g.switched) >= g.opts.Cycle {
		g.switched = now
		g.selectStrategy((g.strategy + 1) % len(g.designs))
	}
}

func (g *Game) togglePause() {
	g.paused = !g.paused
	g.sim.TogglePause()
}

func (g *Game) step() {
	if g.paused {
		g.sim.Step()
	} else {
		g.log.line("step: only while paused (Space pauses)")
	}
}

func (g *Game) reset() { g.sim.Reset(rand.Uint64()) }

func (g *Game) setGrid(on bool) {
	g.showGrid = on
	g.log.printf("grid: %s", map[bool]string{true: "shown", false: "hidden"}[on])
}

// setProcs changes GOMAXPROCS; the comparison table starts afresh at the
// next steady second.
func (g *Game) setProcs(n int) {
	old := runtime.GOMAXPROCS(n)
	if old != n {
		g.log.printf("GOMAXPROCS: %d -> %d", old, n)
	}
}

func (g *Game) setTPS(tps float64) {
	g.tps = min(max(tps, 1), boids.MaxTPS)
	g.sim.SetTPS(g.tps)
}

// editParams applies edit to the game's rules and sends them to the Sim
// when they are valid; an invalid change gets one line and is dropped.
func (g *Game) editParams(edit func(*boids.Params)) {
	p := g.params
	edit(&p)
	if err := p.Validate(); err != nil {
		g.log.printf("rules: %v", err)
		return
	}
	g.params = p
	g.sim.SetParams(p)
}

// logSettledParams prints one line per rule changed since the last report,
// once no button is held, so that dragging a slider logs its final value.
func (g *Game) logSettledParams() {
	if g.mouseDown {
		return
	}
	was, now := g.loggedParams, g.params
	was.Pointer, was.Pull, was.Reach = now.Pointer, now.Pull, now.Reach
	if was == now {
		return
	}
	for _, c := range paramChanges(was, now) {
		g.log.line(c)
	}
	g.loggedParams = now
}

func paramChanges(a, b boids.Params) []string {
	var out []string
	f := func(name string, x, y float32) {
		if x != y {
			out = append(out, fmt.Sprintf("%s: %g -> %g", name, x, y))
		}
	}
	f("separation", a.Separation, b.Separation)
	f("alignment", a.Alignment, b.Alignment)
	f("cohesion", a.Cohesion, b.Cohesion)
	f("view radius", a.Radius, b.Radius)
	f("separation distance", a.SepDist, b.SepDist)
	f("max speed", a.MaxSpeed, b.MaxSpeed)
	if a.Edges != b.Edges {
		out = append(out, fmt.Sprintf("edges: %s -> %s", a.Edges, b.Edges))
	}
	return out
}

// Pointer forces: the left button draws boids from afar, the right one
// scatters those near it.
const (
	attractPull  = 0.06
	attractReach = 260
	scatterPull  = -0.6
	scatterReach = 120
)

// handlePointer turns the mouse into the rules' pointer force. While the
// panel holds the mouse the flock feels nothing.
func (g *Game) handlePointer(captured bool) {
	m := g.in.Pointer()
	if captured {
		m.attract, m.scatter = false, false
	}
	g.mouseDown = m.attract || m.scatter
	g.mouse = m
	p := g.params
	switch {
	case m.scatter:
		p.Pull, p.Reach = scatterPull, scatterReach
	case m.attract:
		p.Pull, p.Reach = attractPull, attractReach
	default:
		p.Pull, p.Reach = 0, 0
	}
	if p.Pull != 0 {
		v := g.view()
		p.Pointer = boids.Vec{
			X: (float32(float64(m.x)*g.scale) - v.offX) / v.scale,
			Y: (float32(float64(m.y)*g.scale) - v.offY) / v.scale,
		}
	} else {
		p.Pointer = boids.Vec{}
	}
	if p != g.params {
		g.params = p
		g.sim.SetParams(p)
	}
}

// view maps the world onto the screen as last laid out.
func (g *Game) view() view {
	return fit(float32(g.opts.Width), float32(g.opts.Height), max(1, g.screen.X), max(1, g.screen.Y))
}

func (g *Game) selectStrategy(i int) {
	if i == g.strategy {
		g.log.printf("strategy: %s already in use (designs: %s)",
			g.designs[i].Name, strings.Join(boids.DesignNames(), ", "))
		return
	}
	g.strategy = i
	g.sim.SetStrategy(g.designs[i].Name)
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
	t0 := time.Now()
	if !g.lastDraw.IsZero() {
		g.frames.push(t0.Sub(g.lastDraw), g.updateCPU, g.drawCPU)
		g.flight.frame(t0.Sub(g.lastDraw), t0)
	}
	g.lastDraw, g.updateCPU = t0, 0
	sw, sh := screen.Bounds().Dx(), screen.Bounds().Dy()
	v := fit(float32(g.opts.Width), float32(g.opts.Height), sw, sh)
	a := g.overlayAtlas()
	g.flock.draw(screen, g.snap.Boids, v, float32(g.scale))
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
		g.shot.take(screen, g.snap.Tick)
	}
	if g.opts.Screenshot != "" && g.final == nil && g.stats.frames == g.opts.Frames {
		g.final = &capture{name: g.opts.Screenshot, final: true}
		g.final.take(screen, g.snap.Tick)
	}
}

func (g *Game) overlayAtlas() *atlas { return g.overlay.glyphs(g.scale) }

// drawShapes draws the grid's cells when shown and the pointer's ring
// while a button is held, in one batch.
func (g *Game) drawShapes(screen *ebiten.Image, a *atlas, v view) {
	q := &g.shapes
	q.reset()
	s := float32(g.scale)
	if g.showGrid {
		p := &g.params
		cols, rows := max(1, int(p.W/p.Radius)), max(1, int(p.H/p.Radius))
		cw, ch := p.W/float32(cols)*v.scale, p.H/float32(rows)*v.scale
		c := colour(0.5, 0.6, 0.8, 0.25)
		for i := 1; i < cols; i++ {
			q.rect(a, v.offX+float32(i)*cw, v.offY, s, p.H*v.scale, c)
		}
		for j := 1; j < rows; j++ {
			q.rect(a, v.offX, v.offY+float32(j)*ch, p.W*v.scale, s, c)
		}
	}
	if p := &g.params; p.Pull != 0 {
		c := colour(0.4, 1, 0.5, 0.8)
		if p.Pull < 0 {
			c = colour(1, 0.3, 0.3, 0.9)
		}
		cx, cy := v.offX+p.Pointer.X*v.scale, v.offY+p.Pointer.Y*v.scale
		for _, r := range [2]float32{p.Reach * v.scale, 6 * s} {
			const n = 48
			for i := range n {
				a0, a1 := float64(i)*2*math.Pi/n, float64(i+1)*2*math.Pi/n
				q.segment(a, cx+r*float32(math.Cos(a0)), cy+r*float32(math.Sin(a0)),
					cx+r*float32(math.Cos(a1)), cy+r*float32(math.Sin(a1)), 2*s, c)
			}
		}
	}
	q.draw(screen, a)
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
	g.screen = image.Pt(max(1, int(math.Ceil(float64(outsideW)*g.scale))), max(1, int(math.Ceil(float64(outsideH)*g.scale))))
	return g.screen.X, g.screen.Y
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
