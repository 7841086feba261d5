package game

import (
	"fmt"
	"io"
	"time"
)

// hud is the heads-up display: what is drawn over the flock (status line,
// overlay, panel, help card, grid) and the measurements behind the
// overlay, the comparison table and the metrics file.
type hud struct {
	showOverlay, showPanel, showHelp, showGrid bool
	colour                                     colourMode // what tints the boids

	status  *statusLine
	overlay *overlay
	panel   *panel
	help    *help

	meter      *meter
	compare    comparison
	frames     frameTimes
	csv        *csvWriter
	csvFile    io.Closer
	lastDraw   time.Time
	updateCPU  time.Duration
	drawCPU    time.Duration
	overlayCPU time.Duration // this frame's overlay work so far

	heat   heat    // the contention map (G), and the overlay's per-part figures
	flight *flight // the flight recorder (T)
}

// measure closes the metrics window once a second (feeding the comparison
// and the CSV) and refreshes the overlay's text a few times a second.
func (g *Game) measure(now time.Time) error {
	if g.meter.observe(g.snap, &g.frames, g.overlay.cost, now) {
		g.compare.add(&g.meter.last)
		if g.csv != nil {
			if err := g.csv.write(&g.meter.last); err != nil {
				g.csv = nil
				return fmt.Errorf("metrics csv: %w", err)
			}
		}
	}
	if g.showOverlay && g.overlay.due(now) {
		g.overlay.format(&g.meter.last, g.frames.quantiles(), g.snap, &g.compare)
		g.heat.lines(&g.overlay.text)
		g.overlayCPU += time.Since(now)
	}
	return nil
}

func (g *Game) toggleOverlay() {
	g.showOverlay = !g.showOverlay
	g.overlay.next = time.Time{}
}

func (g *Game) setGrid(on bool) {
	g.showGrid = on
	g.log.printf("grid: %s", map[bool]string{true: "shown", false: "hidden"}[on])
}
