package game

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/boids-project/boids/boids"
)

// F switches the regime live and the Sim says so on one line; in the free
// regime the overlay shows the fairness figures, the comparison table and
// the CSV carry the mode, and C tints the flock by update rate.
func TestFreeModeKeys(t *testing.T) {
	h := newHarness(t, 200)
	require.NoError(t, h.press(func(k *keys) { k.down[modeAction] = true }))
	h.until("a second of free running", func(s *boids.Snapshot) bool { return s.Mode == boids.Free && s.Fairness.Updates > 0 })
	assert.Contains(t, h.log.String(), "mode: ticked -> free (200 boids, mutex)\n")

	var csv bytes.Buffer
	var err error
	h.g.csv, err = newCSV(&csv, time.Now())
	require.NoError(t, err)
	overlayFrame(h.g)
	text := overlayText(h.g)
	assert.Contains(t, text, "FREE")
	assert.Contains(t, text, "Jain")
	assert.Contains(t, text, "picture read p50")
	rows := strings.Split(strings.TrimSpace(csv.String()), "\n")
	require.Len(t, rows, 2)
	head, row := strings.Split(rows[0], ","), strings.Split(rows[1], ",")
	require.Len(t, row, len(head))
	for i, name := range head {
		if name == "mode" {
			assert.Equal(t, "free", row[i])
		}
	}

	require.NoError(t, h.press(func(k *keys) { k.down[colourAction] = true }))
	assert.Contains(t, h.log.String(), "colour: rate\n")
	tn := h.g.tintFor(h.g.snap)
	require.Len(t, tn.rates, 200, "the flock is tinted by rate")
	starved := tn
	starved.rates = make([]float32, 200)
	assert.Equal(t, rateColours[0], starved.colour(0, boids.Boid{}), "a boid without updates is drawn starved")

	require.NoError(t, h.press(func(k *keys) { k.down[modeAction] = true }))
	h.until("ticking again", func(s *boids.Snapshot) bool { return s.Mode == boids.Ticked && s.Tick > 0 })
	assert.Contains(t, h.log.String(), "mode: free -> ticked (200 boids, mutex)\n")
	assert.Nil(t, h.g.tintFor(h.g.snap).rates, "ticked, the colour falls back to heading")
}

func overlayText(g *Game) string {
	var b strings.Builder
	for _, l := range g.overlay.text.used() {
		b.Write(l.b)
		b.WriteByte('\n')
	}
	return b.String()
}
