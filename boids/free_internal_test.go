package boids

import (
	"testing"
	"time"
)

// The pacer opens as few slots as the window allows: one per wakeBatch
// boids, never two openings closer than minSlotGap.
func TestPacerSlots(t *testing.T) {
	for _, c := range []struct {
		rate        float64
		boids, want int
	}{
		{60, 0, 1},
		{60, 200, 1},
		{60, 2000, 2},
		{60, 10000, 10},
		{60, 20000, 16},
		{60, MaxBoids, 16},
		{1000, 10000, 1},
		{1, 5000, 5},
	} {
		pc := newPacer(c.rate, c.boids, Params{}, nil)
		if got := len(pc.slots); got != c.want {
			t.Errorf("%g/s, %d boids: %d slots, want %d", c.rate, c.boids, got, c.want)
		}
		if gap := pc.period / time.Duration(len(pc.slots)); gap < minSlotGap {
			t.Errorf("%g/s, %d boids: slots %v apart", c.rate, c.boids, gap)
		}
	}
}
