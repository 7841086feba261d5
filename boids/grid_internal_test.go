package boids

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Near scans a row's cells in one loop, through the room between them, so
// that room must hold far: a boid left there would be found by queries.
// CheckCells must see it, and rows out of order.
func TestGridCheckCellsSeesRoomAndOrder(t *testing.T) {
	p := DefaultParams(600, 400)
	flock := RandomBoids(p, 600, newRand(3))
	var g Grid
	g.Load(p.Space, flock)
	require.NoError(t, g.CheckCells())

	c := g.Cell(flock[0].Pos)
	cr := g.cells[c]
	require.Greater(t, cr.room, cr.n)
	g.slab.boids[cr.off+cr.n] = flock[0] // a stale copy left in the room
	assert.ErrorContains(t, g.CheckCells(), "not far")
	self, buf := g.Near(0, nil)
	assert.Contains(t, buf, self, "the stale copy is found: the check guards a real fault")
	g.slab.boids[cr.off+cr.n] = far
	require.NoError(t, g.CheckCells())

	// grow without marking the row split: the cell's old place keeps its
	// boids' old states, which a whole-row scan would find.
	top := g.slab.top
	copy(g.slab.boids[top:top+cr.n], g.slab.boids[cr.off:cr.off+cr.n])
	copy(g.slab.ids[top:top+cr.n], g.slab.ids[cr.off:cr.off+cr.n])
	fill(g.slab.boids[top+cr.n : top+cr.room])
	g.cells[c].off = top
	g.slab.top += cr.room
	assert.ErrorContains(t, g.CheckCells(), "side by side")
}
