package boids_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/boids-project/boids/boids"
	"github.com/boids-project/boids/boids/boidstest"
)

func TestStepStaysFinite(t *testing.T) {
	p := boids.DefaultParams(640, 360)
	walls := p
	walls.Edges = boids.Bounce
	strong := p
	strong.Separation, strong.Alignment, strong.Cohesion = 50, 1, 5
	at := func(x, y, vx, vy float32) boids.Boid {
		return boids.Boid{Pos: boids.Vec{X: x, Y: y}, Vel: boids.Vec{X: vx, Y: vy}}
	}
	cases := []struct {
		name string
		p    boids.Params
		self boids.Boid
		nbrs []boids.Boid
	}{
		{"lone boid", p, at(10, 10, 1, 0), nil},
		{"zero velocity", p, at(10, 10, 0, 0), nil},
		{"zero velocity with neighbours at rest", p, at(10, 10, 0, 0), []boids.Boid{at(12, 10, 0, 0)}},
		{"same point", p, at(100, 100, 1, 1), []boids.Boid{at(100, 100, 1, 1), at(100, 100, -1, 0)}},
		{"same point, at rest", p, at(100, 100, 0, 0), []boids.Boid{at(100, 100, 0, 0)}},
		{"strong weights", strong, at(100, 100, 3, 0), []boids.Boid{at(100.001, 100, -3, 0), at(99.999, 100, 0, 3)}},
		{"corner of a wrapped world", p, at(639.999, 359.999, 3, 3), []boids.Boid{at(0, 0, -3, -3)}},
		{"corner of a walled world", walls, at(639.999, 359.999, 3, 3), []boids.Boid{at(639.99, 359.99, 3, 3)}},
		{"wall at the origin", walls, at(0, 0, -3, -3), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := c.self
			for range 50 {
				b = boids.Step(&c.p, b, c.nbrs)
				require.True(t, b.Pos.Finite() && b.Vel.Finite(), "state is not finite: %+v", b)
				require.True(t, b.Pos.X >= 0 && b.Pos.X < c.p.W && b.Pos.Y >= 0 && b.Pos.Y < c.p.H, "boid left the world: %+v", b)
				speed := b.Vel.Len()
				require.LessOrEqual(t, speed, c.p.MaxSpeed*1.0001)
				require.GreaterOrEqual(t, speed, c.p.MinSpeed*0.9999)
			}
		})
	}
}

func TestDeltaWrapsAcrossEdges(t *testing.T) {
	wrap := boids.Space{W: 100, H: 50, Radius: 10, Edges: boids.Wrap}
	walls := wrap
	walls.Edges = boids.Bounce
	a, b := boids.Vec{X: 99, Y: 49}, boids.Vec{X: 1, Y: 1}
	assert.Equal(t, boids.Vec{X: 2, Y: 2}, wrap.Delta(a, b))
	assert.Equal(t, boids.Vec{X: -2, Y: -2}, wrap.Delta(b, a))
	assert.Equal(t, boids.Vec{X: -98, Y: -48}, walls.Delta(a, b))
}

// Without cohesion and alignment nothing makes headings agree, so the flock
// must stay as disordered as it started: this is what makes the flocking
// test in the conformance suite mean something.
func TestNoFlockingWithoutAlignmentAndCohesion(t *testing.T) {
	p := boids.DefaultParams(480, 320)
	p.Alignment, p.Cohesion = 0, 0
	start, end := boidstest.MeanPolarization(p, 300, 400, 3, func() boids.Strategy { return boids.NewMutex() })
	assert.Less(t, end, 0.25, "polarization rose from %.2f to %.2f with alignment and cohesion off", start, end)
}

func TestPolarization(t *testing.T) {
	v := func(x, y float32) boids.Boid { return boids.Boid{Vel: boids.Vec{X: x, Y: y}} }
	assert.InDelta(t, 1, boids.Polarization([]boids.Boid{v(1, 0), v(3, 0)}), 1e-9)
	assert.InDelta(t, 0, boids.Polarization([]boids.Boid{v(1, 0), v(-2, 0)}), 1e-9)
	assert.InDelta(t, 0, boids.Polarization(nil), 1e-9)
	assert.InDelta(t, 1, boids.Polarization([]boids.Boid{v(0, 0), v(0, 1)}), 1e-9)
}

func TestParamsValidate(t *testing.T) {
	ok := boids.DefaultParams(1280, 720)
	require.NoError(t, ok.Validate())
	cases := map[string]func(*boids.Params){
		"world":       func(p *boids.Params) { p.W = 10 },
		"view radius": func(p *boids.Params) { p.Radius = 1000 },
		"separation":  func(p *boids.Params) { p.SepDist = -1 },
		"max speed":   func(p *boids.Params) { p.MaxSpeed = 0 },
		"min speed":   func(p *boids.Params) { p.MinSpeed = 10 },
		"weights":     func(p *boids.Params) { p.Cohesion = -1 },
	}
	for want, edit := range cases {
		p := ok
		edit(&p)
		err := p.Validate()
		require.Error(t, err, want)
		assert.Contains(t, err.Error(), want)
	}
}
