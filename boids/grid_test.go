package boids_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/boids-project/boids/boids"
	"github.com/boids-project/boids/boids/boidstest"
)

// Moving boids around at random, across borders and wrapped edges, must
// keep every boid in exactly one cell, the right one, and queries exact:
// while rows are split (cells moved out of row order) and after Tidy.
func TestGridStaysConsistentUnderMoves(t *testing.T) {
	for _, edges := range []boids.Edges{boids.Wrap, boids.Bounce} {
		t.Run(edges.String(), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, 1))
			// Big enough for interior cells (the fast block), small enough
			// that random jumps overfill cells.
			sp := boids.Space{W: 600, H: 400, Radius: 28, Edges: edges}
			p := boids.DefaultParams(sp.W, sp.H)
			p.Space = sp
			state := boids.RandomBoids(p, 600, rng)
			var g boids.Grid
			g.Load(sp, state)
			check := func(when string) {
				require.NoError(t, g.CheckCells(), when)
				require.Equal(t, state, g.Read(nil), when)
				var buf []boids.Boid
				for id := range state {
					var self boids.Boid
					self, buf = g.Near(id, buf[:0])
					require.Equal(t, state[id], self, when)
					require.True(t, boidstest.SameBoids(boidstest.BruteNeighbors(sp, state, id), buf), "%s: boid %d", when, id)
				}
			}
			for round := range 4 {
				for range 1500 {
					id := rng.IntN(len(state))
					state[id].Pos = boids.Vec{X: rng.Float32() * sp.W, Y: rng.Float32() * sp.H}
					g.Set(id, state[id])
				}
				check(fmt.Sprintf("round %d, rows split", round))
				g.Tidy()
				check(fmt.Sprintf("round %d, tidied", round))
			}
		})
	}
}

func TestGridCellsAfterEveryTick(t *testing.T) {
	p := boids.DefaultParams(400, 300)
	m := boids.NewMutex()
	f, err := boids.NewFlock(p, boids.RandomBoids(p, 300, rand.New(rand.NewPCG(2, 2))), m)
	require.NoError(t, err)
	defer f.Stop()
	for tick := range 100 {
		f.Tick()
		require.NoError(t, m.CheckCells(), "tick %d", tick)
	}
}
