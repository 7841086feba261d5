package game

import (
	"image"
	"math"
	"runtime"
	"strings"

	"github.com/ebitengine/debugui"

	"github.com/boids-project/boids/boids"
	"github.com/boids-project/boids/cmd/boids/cli"
)

// Panel geometry in debugui's logical pixels.
const (
	panelW = 300
	panelH = 610
)

// panel is the control panel. Its fields mirror the game's record of the
// settings at the start of every update, so keys and the panel never
// disagree; a widget's change event turns into the same game action a key
// would, which logs one line.
type panel struct {
	ui     debugui.DebugUI
	names  []string
	edges  []string
	design int
	boids  numberField
	procs  int
	// procsMax is the GOMAXPROCS slider's top: the cores, or the highest
	// GOMAXPROCS seen (-procs may ask for more, to study
	// oversubscription), so that the slider never clamps it down on its
	// own; it only grows, so the slider's scale holds still under a drag.
	procsMax int
	tps      numberField
	edge     int
	grid     bool
	free     bool
	colour   int
	// note is why the last entry in a field was refused, shown at the
	// panel's foot until the next entry is accepted.
	note string
	// The partitioned designs and the flight recorder (panel_partition.go):
	// the shard setting and the bands it gives in this world.
	shards, shardsRun int
	heat, flight      bool
	// Rule knobs as the sliders want them.
	sep, ali, coh, radius, sepDist, maxSpeed float64
}

func newPanel() *panel {
	return &panel{
		names: boids.DesignNames(), edges: []string{boids.Wrap.String(), boids.Bounce.String()},
		boids:    numberField{name: "boids", lo: 1, hi: boids.MaxBoids, step: 500},
		procsMax: runtime.NumCPU(),
		tps:      numberField{name: "ticks/s", lo: 1, hi: boids.MaxTPS, step: 10},
	}
}

// update builds the panel and applies its changes to g; it reports whether
// the panel holds the pointer or the keyboard focus, in which case game
// keys and mouse must not act behind it.
func (p *panel) update(g *Game, screenW int) (bool, error) {
	p.mirror(g)
	scale := max(1, int(math.Round(g.scale)))
	state, err := p.ui.Update(func(ctx *debugui.Context) error {
		ctx.SetScale(scale)
		x := max(0, screenW/scale-panelW-10)
		ctx.Window("Controls (P)", image.Rect(x, 10, x+panelW, 10+panelH), func(debugui.ContainerLayout) {
			p.widgets(ctx, g)
		})
		return nil
	})
	return state != 0, err
}

func (p *panel) mirror(g *Game) {
	prm := g.params
	p.design = g.strategy
	p.procs = runtime.GOMAXPROCS(0)
	p.procsMax = max(p.procsMax, p.procs)
	p.edge = int(prm.Edges)
	p.grid = g.showGrid
	p.free = g.snap.Mode == boids.Free
	p.colour = int(g.colour)
	// The field's lines name the rate as the Sim's and the summary do.
	p.tps.name = g.snap.Mode.Rate()
	p.shards, p.shardsRun = g.snap.Shards, boids.BandsFor(g.snap.Params.Space, g.snap.Shards)
	p.heat, p.flight = g.heat.on, g.flight.on()
	p.sep, p.ali, p.coh = float64(prm.Separation), float64(prm.Alignment), float64(prm.Cohesion)
	p.radius, p.sepDist, p.maxSpeed = float64(prm.Radius), float64(prm.SepDist), float64(prm.MaxSpeed)
}

func (p *panel) widgets(ctx *debugui.Context, g *Game) {
	ctx.SetGridLayout([]int{110, -1}, nil)
	ctx.Text("Design")
	ctx.Dropdown(&p.design, p.names).On(func() { g.selectStrategy(p.design) })
	ctx.Text("Boids")
	p.boids.show(ctx, len(g.snap.Boids), p.accept(func(n int) { g.sim.SetBoids(n) }), p.refuse(g))
	ctx.Text("GOMAXPROCS")
	ctx.Slider(&p.procs, 1, p.procsMax, 1).On(func() { g.setProcs(p.procs) })
	ctx.Text(strings.ToUpper(p.tps.name[:1]) + p.tps.name[1:])
	p.tps.show(ctx, int(g.tps), p.accept(func(n int) { g.setTPS(float64(n)) }), p.refuse(g))

	ctx.Text("Separation")
	ctx.SliderF(&p.sep, 0, 3, 0.05, 2).On(func() { g.editParams(func(q *boids.Params) { q.Separation = float32(p.sep) }) })
	ctx.Text("Alignment")
	ctx.SliderF(&p.ali, 0, 1, 0.01, 2).On(func() { g.editParams(func(q *boids.Params) { q.Alignment = float32(p.ali) }) })
	ctx.Text("Cohesion")
	ctx.SliderF(&p.coh, 0, 0.05, 0.001, 3).On(func() { g.editParams(func(q *boids.Params) { q.Cohesion = float32(p.coh) }) })
	ctx.Text("View radius")
	ctx.SliderF(&p.radius, 8, 100, 1, 0).On(func() {
		g.editParams(func(q *boids.Params) {
			q.Radius = float32(p.radius)
			q.SepDist = min(q.SepDist, q.Radius)
			q.MaxSpeed = min(q.MaxSpeed, q.Radius)
		})
	})
	ctx.Text("Separation dist")
	ctx.SliderF(&p.sepDist, 0, p.radius, 0.5, 1).On(func() { g.editParams(func(q *boids.Params) { q.SepDist = float32(p.sepDist) }) })
	ctx.Text("Max speed")
	ctx.SliderF(&p.maxSpeed, float64(g.params.MinSpeed), min(p.radius, 10), 0.1, 1).On(func() {
		g.editParams(func(q *boids.Params) { q.MaxSpeed = float32(p.maxSpeed) })
	})
	ctx.Text("Edges")
	ctx.Dropdown(&p.edge, p.edges).On(func() { g.editParams(func(q *boids.Params) { q.Edges = boids.Edges(p.edge) }) })

	ctx.SetGridLayout([]int{-1, -1, -1}, nil)
	pause := "Pause"
	if g.paused {
		pause = "Resume"
	}
	ctx.Button(pause).On(g.togglePause)
	ctx.Button("Step").On(g.step)
	ctx.Button("Reset").On(g.reset)
	ctx.SetGridLayout([]int{-1, -1}, nil)
	ctx.Checkbox(&p.grid, "Show grid (G)").On(func() { g.setGrid(p.grid) })
	p.partitionWidgets(ctx, g)
	ctx.Button("Help (H)").On(func() { g.showHelp = !g.showHelp })
	ctx.Checkbox(&p.free, "Free-running (F)").On(g.toggleMode)
	ctx.Dropdown(&p.colour, cli.Colours).On(func() { g.setColour(colourMode(p.colour)) })
	if p.note != "" {
		ctx.SetGridLayout([]int{-1}, nil)
		ctx.Text(p.note)
	}
}

// accept wraps a field's action: an accepted entry clears the note.
func (p *panel) accept(apply func(int)) func(int) {
	return func(n int) {
		p.note = ""
		apply(n)
	}
}

// refuse logs why an entry was refused and shows it in the panel.
func (p *panel) refuse(g *Game) func(string) {
	return func(msg string) {
		p.note = msg
		g.log.line(msg)
	}
}
