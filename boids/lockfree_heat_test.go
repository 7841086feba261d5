package boids_test

import (
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/boids-project/boids/boids"
)

// TestLockFreeRetriesPerCell crowds every boid into two cells and has many
// goroutines move them at once, until some pushes have retried: the heat
// map's figures per cell must then add up to the design's total, lie in
// those two cells only, and tile the world one region per cell.
func TestLockFreeRetriesPerCell(t *testing.T) {
	defer goleak.VerifyNone(t)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	sp := boids.Space{W: 420, H: 280, Radius: 28, Edges: boids.Wrap}
	lay := sp.Layout()
	const n, workers = 2000, 64
	hot := [2]boids.Vec{{X: lay.CW * 2.5, Y: lay.CH * 3.5}, {X: lay.CW * 7.5, Y: lay.CH * 1.5}}
	at := func(id, r int) boids.Boid {
		return boids.Boid{Pos: hot[(id+r)%2], Vel: boids.Vec{X: float32(id), Y: float32(r)}}
	}
	start := make([]boids.Boid, n)
	for id := range start {
		start[id] = at(id, 0)
	}
	s := boids.NewLockFree()
	defer s.Close()
	s.Load(sp, start)
	var c boids.Counters
	for r := 1; r <= 200 && c.CASRetries == 0; r++ {
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for id := w; id < n; id += workers {
					s.Move(id, at(id, r))
				}
			})
		}
		wg.Wait()
		s.EndTick()
		c = s.Counters()
	}
	require.Positive(t, c.CASRetries, "200 rounds of 64 goroutines pushing onto two cells never retried")
	hotCells := map[int]bool{lay.Cell(hot[0]): true, lay.Cell(hot[1]): true}
	require.NoError(t, retriesWhereTheyHappened(s.Regions(nil), c.CASRetries, lay, hotCells))

	// The check rejects figures that lose retries or put them elsewhere.
	lost := s.Regions(nil)
	for i := range lost {
		lost[i].Retries /= 2
	}
	require.Error(t, retriesWhereTheyHappened(lost, c.CASRetries, lay, hotCells))
	moved := s.Regions(nil)
	moved[0].Retries, moved[lay.Cell(hot[0])].Retries, moved[lay.Cell(hot[1])].Retries = c.CASRetries, 0, 0
	require.Error(t, retriesWhereTheyHappened(moved, c.CASRetries, lay, hotCells))
	require.Error(t, retriesWhereTheyHappened(moved[1:], c.CASRetries, lay, hotCells))
}

// retriesWhereTheyHappened checks per-cell retry figures: one region per
// cell of lay, in cell order and at the cell's place, summing to total,
// and none outside the cells in hot.
func retriesWhereTheyHappened(rs []boids.Region, total uint64, lay boids.Layout, hot map[int]bool) error {
	if len(rs) != lay.NumCells() {
		return fmt.Errorf("%d regions for %d cells", len(rs), lay.NumCells())
	}
	var sum uint64
	for c, r := range rs {
		want := boids.Vec{X: float32(c%lay.Cols) * lay.CW, Y: float32(c/lay.Cols) * lay.CH}
		if r.Min != want {
			return fmt.Errorf("region %d starts at %v, its cell at %v", c, r.Min, want)
		}
		if r.Retries > 0 && !hot[c] {
			return fmt.Errorf("cell %d reports %d retries, but nobody pushed onto it", c, r.Retries)
		}
		sum += r.Retries
	}
	if sum != total {
		return fmt.Errorf("the cells' retries add up to %d, the design counted %d", sum, total)
	}
	return nil
}

// TestSimHeatGatesCells: a snapshot carries lockfree's figures per cell
// only while the heat map is shown, and one whole-world region otherwise.
func TestSimHeatGatesCells(t *testing.T) {
	defer goleak.VerifyNone(t)
	p := boids.DefaultParams(480, 320)
	s, err := boids.NewSim(boids.Config{Params: p, Boids: 100, Seed: 1, TPS: 200, Strategy: "lockfree"})
	require.NoError(t, err)
	defer s.Stop()
	r := s.NewReader()
	whole := func(sn *boids.Snapshot) bool {
		return len(sn.Regions) == 1 && sn.Regions[0].Max == boids.Vec{X: p.W, Y: p.H}
	}
	eventually(t, r, whole, "one region while the map is hidden")
	s.SetHeat(true)
	lay := p.Space.Layout()
	cells := lay.NumCells()
	eventually(t, r, func(sn *boids.Snapshot) bool { return len(sn.Regions) == cells }, fmt.Sprintf("%d regions, one per cell, while it is shown", cells))
	s.SetHeat(false)
	eventually(t, r, whole, "one region once it is hidden again")
}
