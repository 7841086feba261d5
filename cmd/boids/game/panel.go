package game

import (
	"image"
	"math"
	"runtime"

	"github.com/ebitengine/debugui"

	"github.com/boids-project/boids/boids"
)

// Panel geometry in debugui's logical pixels.
const (
	panelW = 300
	panelH = 540
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
	boids  int
	procs  int
	tps    int
	edge   int
	grid   bool
	// The partitioned designs and the flight recorder (panel_partition.go).
	shards       int
	heat, flight bool
	// Rule knobs as the sliders want them.
	sep, ali, coh, radius, sepDist, maxSpeed float64
}

func newPanel() *panel {
	return &panel{names: boids.DesignNames(), edges: []string{boids.Wrap.String(), boids.Bounce.String()}}
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
	p.boids = len(g.snap.Boids)
	p.procs = runtime.GOMAXPROCS(0)
	p.tps = int(g.tps)
	p.edge = int(prm.Edges)
	p.grid = g.showGrid
	p.shards, p.heat, p.flight = g.snap.Shards, g.heat.on, g.flight.on()
	p.sep, p.ali, p.coh = float64(prm.Separation), float64(prm.Alignment), float64(prm.Cohesion)
	p.radius, p.sepDist, p.maxSpeed = float64(prm.Radius), float64(prm.SepDist), float64(prm.MaxSpeed)
}

func (p *panel) widgets(ctx *debugui.Context, g *Game) {
	ctx.SetGridLayout([]int{110, -1}, nil)
	ctx.Text("Design")
	ctx.Dropdown(&p.design, p.names).On(func() { g.selectStrategy(p.design) })
	ctx.Text("Boids")
	ctx.NumberField(&p.boids, 500).On(func() { g.sim.SetBoids(p.boids) })
	ctx.Text("GOMAXPROCS")
	ctx.Slider(&p.procs, 1, runtime.NumCPU(), 1).On(func() { g.setProcs(p.procs) })
	ctx.Text("Ticks/s")
	ctx.NumberField(&p.tps, 10).On(func() { g.setTPS(float64(p.tps)) })

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
}
