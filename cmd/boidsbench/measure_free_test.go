// The free rows run after main_test.go's: a free flock's goroutines, ended
// when its row ends, leave stacks the next row's memory figure would see freed.
package main

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/boids-project/boids/boids"
)

func TestMeasureFree(t *testing.T) {
	r := Run{Ticks: 30, Warmup: 6, Seed: 1, Rate: 60}
	for _, s := range boids.DesignNames() {
		row, err := r.Measure(context.Background(), Combo{s, 200, 2, boids.Free})
		require.NoError(t, err, s)
		assert.Zero(t, row.Ticks, s)
		assert.Positive(t, row.Updates, s)
		// A boid may be in flight (queried, not yet counted) at each end of
		// the window, and the 200 boids share one slot, so all of them can be.
		assert.InDelta(t, row.Updates, row.Counters.Reads, 2*200, "%s: one query per update, give or take the boids in flight at the window's ends", s)
		assert.Positive(t, row.TicksPerSec(), s)
		assert.True(t, row.Jain > 0 && row.Jain <= 1, "%s: Jain %v", s, row.Jain)
		assert.Positive(t, row.CPUPerUpdate, s)
		assert.Positive(t, row.GapMax, s)
		assert.LessOrEqual(t, row.GapP99, row.GapMax, s)
	}
	_, err := r.Measure(context.Background(), Combo{boids.Sequential, 200, 1, boids.Free})
	assert.ErrorContains(t, err, "no free regime")
}

func TestCombosSkipFreeBaselines(t *testing.T) {
	cs := Combos([]string{"mutex", boids.Workers}, []int{100}, []int{1}, []boids.Mode{boids.Ticked, boids.Free})
	assert.Equal(t, []Combo{{"mutex", 100, 1, boids.Ticked}, {"mutex", 100, 1, boids.Free}, {boids.Workers, 100, 1, boids.Ticked}}, cs)
	ms, err := parseModes("free, ticked")
	require.NoError(t, err)
	assert.Equal(t, []boids.Mode{boids.Free, boids.Ticked}, ms)
	_, err = parseModes("free, ticked,FREE")
	assert.EqualError(t, err, `-modes: "FREE" given twice: list each value once`)
}
