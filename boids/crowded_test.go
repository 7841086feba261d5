package boids_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/boids-project/boids/boids"
	"github.com/boids-project/boids/boids/boidstest"
)

// onePoint is n boids at the same point, told apart by their velocities.
func onePoint(sp boids.Space, n int) []boids.Boid {
	bs := make([]boids.Boid, n)
	for i := range bs {
		bs[i] = boids.Boid{Pos: boids.Vec{X: sp.W / 2, Y: sp.H / 2}, Vel: boids.Vec{X: float32(i)}}
	}
	return bs
}

// TestCrowdedQueryIsBounded: with 5,000 boids on one point every boid is
// within reach of every other, and each design's query must still return
// MaxNeighbors of them into a buffer of that size, allocating nothing.
func TestCrowdedQueryIsBounded(t *testing.T) {
	defer goleak.VerifyNone(t)
	const n = 5000
	for _, d := range boids.Designs() {
		for _, sp := range []boids.Space{
			{W: 64, H: 64, Radius: 28, Edges: boids.Wrap},      // a few cells across
			{W: 1280, H: 720, Radius: 28, Edges: boids.Bounce}, // the fast path
		} {
			t.Run(fmt.Sprintf("%s/%gx%g", d.Name, sp.W, sp.H), func(t *testing.T) {
				s := d.New()
				defer s.Close()
				bs := onePoint(sp, n)
				s.Load(sp, bs)
				s.EndTick()
				buf := make([]boids.Boid, 0, boids.MaxNeighbors)
				_, got := s.Neighbors(7, buf)
				require.Len(t, got, boids.MaxNeighbors)
				require.NoError(t, boidstest.CheckAnswer(got, boidstest.BruteNeighbors(sp, bs, 7)))
				allocs := testing.AllocsPerRun(20, func() { _, got = s.Neighbors(7, buf) })
				assert.Zero(t, allocs, "allocations per crowded query")
			})
		}
	}
}

// The check of crowded answers must reject what a broken design could
// return: a neighbour twice, a boid out of reach, too few, and a wrong
// answer where fewer than the cap are in reach.
func TestCheckAnswerRejectsBrokenAnswers(t *testing.T) {
	sp := boids.Space{W: 640, H: 360, Radius: 28, Edges: boids.Wrap}
	bs := onePoint(sp, boids.MaxNeighbors+20)
	far := boids.Boid{Pos: boids.Vec{X: 10, Y: 10}}
	bs = append(bs, far)
	want := boidstest.BruteNeighbors(sp, bs, 0)
	require.Len(t, want, boids.MaxNeighbors+19)
	good := want[:boids.MaxNeighbors]
	require.NoError(t, boidstest.CheckAnswer(good, want))
	require.NoError(t, boidstest.CheckAnswer(want, want), "an uncapped design returning every boid in reach passes")

	twice := append(want[:boids.MaxNeighbors-1:boids.MaxNeighbors-1], want[0])
	assert.ErrorContains(t, boidstest.CheckAnswer(twice, want), "more often")
	outside := append(want[:boids.MaxNeighbors-1:boids.MaxNeighbors-1], far)
	assert.ErrorContains(t, boidstest.CheckAnswer(outside, want), "not within reach")
	assert.ErrorContains(t, boidstest.CheckAnswer(want[:boids.MaxNeighbors-1], want), "fewer than MaxNeighbors")

	few := want[:10]
	assert.ErrorContains(t, boidstest.CheckAnswer(few[:9], few), "brute force 10")
}

// doubling is a broken design: in a crowded query it returns its first
// neighbour twice in place of another one.
type doubling struct{ boids.Strategy }

func (d doubling) Neighbors(id int, buf []boids.Boid) (boids.Boid, []boids.Boid) {
	self, out := d.Strategy.Neighbors(id, buf)
	if len(out) == boids.MaxNeighbors {
		out[1] = out[0]
	}
	return self, out
}

// The suite's map check catches that design in a crowded world.
func TestCheckMapCatchesADoublingDesign(t *testing.T) {
	sp := boids.Space{W: 640, H: 360, Radius: 28, Edges: boids.Wrap}
	s := doubling{boids.NewLockFree()}
	s.Load(sp, onePoint(sp, boids.MaxNeighbors+5))
	assert.ErrorContains(t, boidstest.CheckMap(s, sp, nil), "more often")
}
