package game

import (
	"slices"

	"github.com/boids-project/boids/boids"
	"github.com/boids-project/boids/cmd/boids/cli"
)

// colourMode is what a boid's colour shows: an index into cli.Colours.
type colourMode int

const (
	byHeading colourMode = iota
	byRate
)

func colourOf(name string) colourMode { return colourMode(max(0, slices.Index(cli.Colours, name))) }

func (c colourMode) String() string { return cli.Colours[c] }

func (c colourMode) next() colourMode { return (c + 1) % colourMode(len(cli.Colours)) }

// rateColours tint a boid by its update rate over the median's: starved
// boids (below a quarter of it) are red, slow ones orange to yellow, the
// median grey-white, fast ones blue. rateSteps cover 0..2 times the median.
const rateSteps = 64

var rateColours = func() [rateSteps + 1]rgb {
	var t [rateSteps + 1]rgb
	for i := range t {
		r := float32(i) / rateSteps * 2 // rate over median
		switch {
		case r < 0.25:
			t[i] = rgb{1, 0.15, 0.1}
		case r < 1:
			k := (r - 0.25) / 0.75
			t[i] = rgb{1, 0.35 + 0.55*k, 0.1 + 0.75*k}
		default:
			k := min(r-1, 1)
			t[i] = rgb{0.9 - 0.6*k, 0.9 - 0.3*k, 0.85 + 0.15*k}
		}
	}
	return t
}()

// tint is the colouring of one frame: nil rates colour by heading.
type tint struct {
	rates  []float32
	median float32
}

// tintFor decides the frame's colouring. Rates exist in the free regime
// only; ticked, every boid updates once a tick, so there is nothing to
// tint and heading is shown.
func (g *Game) tintFor(snap *boids.Snapshot) tint {
	if g.colour != byRate || len(snap.Rates) != len(snap.Boids) || snap.Fairness.P50 <= 0 {
		return tint{}
	}
	return tint{rates: snap.Rates, median: float32(snap.Fairness.P50)}
}

func (t *tint) colour(i int, b boids.Boid) rgb {
	if t.rates == nil {
		return hues[hueIndex(b.Vel)]
	}
	return rateColours[t.rateStep(i)]
}

// rateStep is boid i's entry in rateColours (and rateBytes).
func (t *tint) rateStep(i int) int {
	k := int(t.rates[i] / t.median * rateSteps / 2)
	return min(max(k, 0), rateSteps)
}

// setColour changes the colouring and says so.
func (g *Game) setColour(c colourMode) {
	if c != g.colour {
		g.colour = c
		g.log.printf("colour: %s", c)
	}
}
