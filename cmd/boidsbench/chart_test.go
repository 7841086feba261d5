package main

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/boids-project/boids/boids"
)

// TestChartOfOneSize: a run of one flock size draws a chart, whatever the
// size. Before, -png with -boids 1 panicked in plot: an axis of one value
// is widened by one each way, to 0..2, which a log scale cannot show.
func TestChartOfOneSize(t *testing.T) {
	for _, n := range []int{1, 2, 1000} {
		rows := []Row{{Combo: Combo{Strategy: "mutex", Boids: n, Procs: 1, Mode: boids.Ticked}, Ticks: 10, Elapsed: time.Second}}
		name := filepath.Join(t.TempDir(), "c.png")
		require.NoError(t, SaveChart(rows, "one size", name), "%d boids", n)
		f, err := os.Open(name)
		require.NoError(t, err)
		_, err = png.Decode(f)
		f.Close()
		require.NoError(t, err, "%d boids", n)
	}
}
