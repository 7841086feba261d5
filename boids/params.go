package boids

import (
	"fmt"
	"math"
	"strings"
)

// Edges says what happens at the border of the world.
type Edges int

const (
	// Wrap makes the world a torus: a boid leaving one side enters the other.
	Wrap Edges = iota
	// Bounce keeps boids inside soft walls that steer them back.
	Bounce
)

func (e Edges) String() string {
	if e == Bounce {
		return "bounce"
	}
	return "wrap"
}

// ParseEdges accepts "wrap" or "bounce".
func ParseEdges(s string) (Edges, error) {
	switch strings.ToLower(s) {
	case "wrap":
		return Wrap, nil
	case "bounce":
		return Bounce, nil
	}
	return Wrap, fmt.Errorf("edges %q: allowed values are wrap, bounce", s)
}

// Space is the geometry a strategy's grid needs: the world's size, the view
// radius (which is also the grid's cell size) and the edge mode.
type Space struct {
	W, H   float32
	Radius float32
	Edges  Edges
}

// Params are the rules' knobs. Distances are in world units, speeds in world
// units per tick, weights are dimensionless.
type Params struct {
	Space
	SepDist    float32 // separation acts on neighbours closer than this
	Separation float32
	Alignment  float32
	Cohesion   float32
	MaxSpeed   float32
	MinSpeed   float32
	// The user's hand: boids within Reach of Pointer steer towards it when
	// Pull is above 0, and flee it (a predator) when below, more strongly
	// the closer they are. Pull is in units of MaxSpeed per tick; 0 is off.
	Pointer Vec
	Pull    float32
	Reach   float32
}

// DefaultParams returns rules tuned for a w×h world: they make a random
// start flock within a few hundred ticks.
func DefaultParams(w, h float32) Params {
	return Params{
		Space:      Space{W: w, H: h, Radius: 28, Edges: Wrap},
		SepDist:    9,
		Separation: 0.6,
		Alignment:  0.1,
		Cohesion:   0.006,
		MaxSpeed:   3,
		MinSpeed:   1.2,
	}
}

// Limits on the parameters; the game's flags and panel use the same ones.
const (
	MinWorld  = 64
	MaxWorld  = 16384
	MinRadius = 4
	MaxRadius = 256
)

// Validate says which parameter is out of range, and what is allowed.
func (p Params) Validate() error {
	switch {
	case !(p.W >= MinWorld && p.W <= MaxWorld && p.H >= MinWorld && p.H <= MaxWorld):
		return fmt.Errorf("world %gx%g: each side must be %d..%d", p.W, p.H, MinWorld, MaxWorld)
	case !(p.Radius >= MinRadius && p.Radius <= MaxRadius):
		return fmt.Errorf("view radius %g: allowed %d..%d", p.Radius, MinRadius, MaxRadius)
	case !(p.SepDist >= 0 && p.SepDist <= p.Radius):
		return fmt.Errorf("separation distance %g: allowed 0..view radius (%g)", p.SepDist, p.Radius)
	case !(p.MaxSpeed > 0 && p.MaxSpeed <= p.Radius):
		return fmt.Errorf("max speed %g: allowed above 0 and at most the view radius (%g)", p.MaxSpeed, p.Radius)
	case !(p.MinSpeed >= 0 && p.MinSpeed <= p.MaxSpeed):
		return fmt.Errorf("min speed %g: allowed 0..max speed (%g)", p.MinSpeed, p.MaxSpeed)
	case !(p.Separation >= 0 && p.Alignment >= 0 && p.Cohesion >= 0 &&
		finite(p.Separation) && finite(p.Alignment) && finite(p.Cohesion)):
		return fmt.Errorf("rule weights must be finite and not negative")
	case !(p.Pointer.Finite() && finite(p.Pull) && p.Pull >= -1 && p.Pull <= 1 && p.Reach >= 0 && finite(p.Reach)):
		return fmt.Errorf("pointer pull %g: allowed -1..1 with a finite point and a reach of 0 or more", p.Pull)
	case p.Edges != Wrap && p.Edges != Bounce:
		return fmt.Errorf("edges %d: allowed wrap or bounce", p.Edges)
	}
	return nil
}

// BenchArea is the world area per boid in benchmarks: about 3.3 boids per
// square of the default radius (30 in the 3×3 such squares a query scanned
// before the kernel's finer cells; about 10 neighbours from a random
// start) at any flock size, as in the field measurements the performance
// targets come from.
const BenchArea = 235

// BenchParams returns the default rules in a 16:9 world sized for n boids at
// BenchArea each (never smaller than MinWorld a side), so that benchmarks
// compare flock sizes at equal density.
func BenchParams(n int) Params {
	h := float32(math.Sqrt(float64(n) * BenchArea * 9 / 16))
	h = min(max(h, MinWorld), MaxWorld*9/16)
	return DefaultParams(h*16/9, h)
}
