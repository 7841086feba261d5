package game

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"time"

	"github.com/boids-project/boids/boids"
)

// simControl is the game's own record of what it asked the Sim for, so
// that keys pressed faster than the Sim publishes still act on the right
// state. Keys (keys.go), the panel and -cycle change it through the Game
// methods in this file; every change prints one line on stderr, from the
// Sim or from here.
type simControl struct {
	designs  []boids.Design // the registry's, fixed once the sim has started
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

// setProcs changes GOMAXPROCS; the comparison table starts afresh at the
// next steady second.
func (g *Game) setProcs(n int) {
	old := runtime.GOMAXPROCS(n)
	if old != n {
		g.log.printf("GOMAXPROCS: %d -> %d", old, n)
	}
}

// setTPS asks the Sim for a rate as given: the Sim clamps it and, at a
// limit, says so.
func (g *Game) setTPS(tps float64) {
	g.tps = min(max(tps, 1), boids.MaxTPS)
	g.sim.SetTPS(tps)
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

func (g *Game) selectStrategy(i int) {
	if i == g.strategy {
		g.log.printf("strategy: %s already in use (designs: %s)",
			g.designs[i].Name, strings.Join(boids.DesignNames(), ", "))
		return
	}
	g.strategy = i
	g.sim.SetStrategy(g.designs[i].Name)
}

func designIndex(designs []boids.Design, name string) int {
	for i, d := range designs {
		if strings.EqualFold(d.Name, name) {
			return i
		}
	}
	return -1
}
