package boids_test

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/boids-project/boids/boids"
	"github.com/boids-project/boids/boids/boidstest"
)

// Moving boids around at random, across borders and wrapped edges, must
// keep every boid in exactly one cell, the right one, and queries exact.
func TestGridStaysConsistentUnderMoves(t *testing.T) {
	for _, edges := range []boids.Edges{boids.Wrap, boids.Bounce} {
		t.Run(edges.String(), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, 1))
			sp := boids.Space{W: 300, H: 200, Radius: 28, Edges: edges}
			p := boids.DefaultParams(300, 200)
			p.Space = sp
			state := boids.RandomBoids(p, 200, rng)
			var g boids.Grid
			g.Load(sp, state)
			for range 2000 {
				id := rng.IntN(len(state))
				state[id].Pos = boids.Vec{X: rng.Float32() * sp.W, Y: rng.Float32() * sp.H}
				g.Set(id, state[id])
			}
			require.NoError(t, g.CheckCells())
			require.Equal(t, state, g.Read(nil))
			var buf []boids.Boid
			for id := range state {
				var self boids.Boid
				self, buf = g.Near(id, buf[:0])
				require.Equal(t, state[id], self)
				require.True(t, boidstest.SameBoids(boidstest.BruteNeighbors(sp, state, id), buf), "boid %d", id)
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
