package game

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/boids-project/boids/boids"
)

func TestNiceCeil(t *testing.T) {
	for v, want := range map[float64]float64{0: 1, 0.3: 1, 1: 1, 1.5: 2, 3: 5, 7: 10, 120: 200, 4999: 5000} {
		assert.Equal(t, want, niceCeil(v), "niceCeil(%g)", v)
	}
}

// TestHeatRates checks the per-part figures the map tints and the overlay
// lists: rates over the window, restarted by a new design, a new layout or
// a reload (counters going back).
func TestHeatRates(t *testing.T) {
	var h heat
	t0 := time.Now()
	snap := func(name string, at time.Duration, regions ...boids.Region) *boids.Snapshot {
		return &boids.Snapshot{Strategy: name, Published: t0.Add(at), Regions: regions}
	}
	band := func(waits uint64) boids.Region { return boids.Region{Max: boids.Vec{X: 10, Y: 10}, Waits: waits} }

	h.observe(snap("sharded", 0, band(0), band(0)))
	h.observe(snap("sharded", time.Second/2, band(5), band(5)))
	assert.Empty(t, h.parts, "less than a second")
	h.observe(snap("sharded", 2*time.Second, band(100), band(40)))
	if assert.Len(t, h.parts, 2) {
		assert.Equal(t, 50.0, h.parts[0].value, "100 waits in 2 s")
		assert.Equal(t, 20.0, h.parts[1].value)
		assert.Equal(t, 1000.0, h.top, "the floor of the lock waits' scale")
	}
	h.observe(snap("sharded", 3*time.Second, band(10), band(10)))
	assert.Empty(t, h.parts, "counters went back: a reload")

	q := boids.Region{Served: 100, QueueSum: 300, Busy: 250 * time.Millisecond}
	h.observe(snap("actors", 3*time.Second, boids.Region{}, boids.Region{}))
	h.observe(snap("actors", 4*time.Second, q, boids.Region{}))
	if assert.Len(t, h.parts, 2) {
		assert.Equal(t, heatQueue, h.measure)
		assert.Equal(t, 3.0, h.parts[0].value, "mean queue over the queries served")
		assert.Equal(t, 0.25, h.parts[0].busy)
		assert.Zero(t, h.parts[1].value, "an owner that served nothing")
	}
	var p page
	h.lines(&p)
	assert.Len(t, p.used(), 4, "heading, queues, busy heading, busy shares")
}

// lockfree's parts are cells: the overlay sums them up in one line rather
// than listing hundreds.
func TestHeatCells(t *testing.T) {
	var h heat
	t0 := time.Now()
	cells := func(at time.Duration, retries ...uint64) *boids.Snapshot {
		rs := make([]boids.Region, len(retries))
		for i, r := range retries {
			rs[i] = boids.Region{Min: boids.Vec{X: float32(i)}, Max: boids.Vec{X: float32(i + 1), Y: 1}, Retries: r}
		}
		return &boids.Snapshot{Strategy: "lockfree", Published: t0.Add(at), Regions: rs}
	}
	h.observe(cells(0, 0, 0, 0, 0))
	h.observe(cells(time.Second, 0, 30, 0, 10))
	if assert.Len(t, h.parts, 4) {
		assert.Equal(t, heatRetries, h.measure)
		assert.Equal(t, 30.0, h.parts[1].value, "retries per second in that cell")
	}
	var p page
	h.lines(&p)
	if assert.Len(t, p.used(), 1, "one line for all the cells") {
		assert.Contains(t, string(p.used()[0].b), "4 cells: CAS retries/s, busiest cell 30.0, all 40.0")
	}
	// With the map hidden the simulation sends one region, the whole world,
	// as for the designs with one lock: no PARTS line.
	h.observe(cells(2*time.Second, 40))
	h.observe(cells(3*time.Second, 52))
	p = page{}
	h.lines(&p)
	assert.Empty(t, p.used(), "no PARTS line for the whole world")
}
