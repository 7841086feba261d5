package boids_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/boids-project/boids/boids"
)

// A Sim in the free regime publishes while the boids move, reports their
// fairness, and switches regimes, designs, pause and step live.
func TestSimFreeMode(t *testing.T) {
	defer goleak.VerifyNone(t)
	var log logLines
	s, err := boids.NewSim(boids.Config{
		Params: boids.DefaultParams(480, 320), Boids: 200, Seed: 1, TPS: 60, Strategy: "mutex", Mode: boids.Free, Log: log.add,
	})
	require.NoError(t, err)
	defer s.Stop()
	r := s.NewReader()
	snap := eventually(t, r, func(sn *boids.Snapshot) bool { return sn.Fairness.Updates > 0 }, "a second of free running")
	assert.Equal(t, boids.Free, snap.Mode)
	assert.Len(t, snap.Rates, 200)
	assert.Positive(t, snap.Fairness.Jain)
	assert.Positive(t, snap.ReadCost.P50, "the picture's read is timed")
	assert.Zero(t, snap.Tick, "no ticks while free")

	for _, name := range []string{"channel", "lockfree"} {
		s.SetStrategy(name)
		u := r.Latest().Updates
		eventually(t, r, func(sn *boids.Snapshot) bool { return sn.Strategy == name && sn.Updates > u+400 }, "free after switching to "+name)
	}

	s.TogglePause()
	eventually(t, r, func(sn *boids.Snapshot) bool { return sn.Paused }, "pause")
	s.Step()
	eventually(t, r, func(sn *boids.Snapshot) bool { return sn.Tick == 1 }, "a step is one update per boid")

	s.ToggleMode()
	require.Eventually(t, func() bool { return log.has("mode: free -> ticked (200 boids, lockfree)") }, timeout, tick)
	s.TogglePause()
	eventually(t, r, func(sn *boids.Snapshot) bool { return sn.Mode == boids.Ticked && sn.Tick > 10 && len(sn.Rates) == 0 }, "ticking again")
	s.SetMode(boids.Free)
	require.Eventually(t, func() bool { return log.has("mode: ticked -> free (200 boids, lockfree)") }, timeout, tick)
	u := r.Latest().Updates
	eventually(t, r, func(sn *boids.Snapshot) bool { return sn.Updates > u+400 }, "free again")
	s.SetBoids(50)
	eventually(t, r, func(sn *boids.Snapshot) bool { return len(sn.Boids) == 50 && sn.Mode == boids.Free }, "resized while free")
	// Free boids do not tick: a line says how far they got by their updates.
	line := log.last()
	var ticks, updates uint64
	_, err = fmt.Sscanf(line, "boids: 200 -> 50 (tick %d, %d updates)", &ticks, &updates)
	require.NoError(t, err, line)
	assert.Equal(t, r.Latest().Tick, ticks, "free boids do not tick")
	assert.Greater(t, updates, u+400, line+": the removed boids' updates count")
	assert.True(t, log.has("strategy: mutex -> channel (tick 0, "), "switches while free say so")
	// The target rate's line names what it counts, as the summary does.
	s.SetTPS(30)
	require.Eventually(t, func() bool { return log.has("updates/boid/s: 60 -> 30 (tick ") }, timeout, tick)
}
