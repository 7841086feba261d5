package game

import "github.com/boids-project/boids/boids"

// freeFigures are one window's figures of the free regime.
type freeFigures struct {
	mode      boids.Mode
	fair      boids.Fairness
	readCost  boids.Quantiles // the coordinator's Read of the picture
	staleness boids.Quantiles // the frame age queries saw (lockfree)
}

// observeFree fills f's free-regime figures from snap; d is the window's
// counters.
func (m *meter) observeFree(f *figures, snap *boids.Snapshot, d *boids.Counters) {
	f.free = freeFigures{mode: snap.Mode}
	f.free.staleness = d.Staleness.Summary()
	if snap.Mode != boids.Free {
		return
	}
	f.free.fair = snap.Fairness
	f.free.readCost = snap.ReadCost
	// Without ticks, the sim's rate is each boid's mean update rate.
	f.tps = snap.ActualTPS
	f.updates = snap.Fairness.Updates
}

// rateUnit names what -tps counts in a regime, marking the free one.
func rateUnit(m boids.Mode) string {
	if m == boids.Free {
		return m.Rate() + " (free)"
	}
	return m.Rate()
}

// toggleMode switches regime. The Sim decides (it keeps a design that
// does not run free ticked) and logs the switch.
func (g *Game) toggleMode() { g.sim.ToggleMode() }

// freeBlock is the overlay's account of the free regime: how evenly the
// boids got their turns in the last second, and what reading the picture
// while they move costs.
func (o *overlay) freeBlock(f *figures) {
	p := &o.text
	fr := &f.free.fair
	p.heading("FREE").col(9).count(fr.Updates).s(" updates/s  Jain ").f(fr.Jain, 3).
		s("  longest gap ").dur(fr.GapMax).s(" (p99 ").dur(fr.GapP99).s(")")
	p.add(textColour).col(9).s("per boid/s  min ").f(fr.Min, 0).s("  p1 ").f(fr.P1, 0).s("  p50 ").f(fr.P50, 0).
		s("  p99 ").f(fr.P99, 0).s("  max ").f(fr.Max, 0)
	p.add(textColour).col(9).s("picture read p50 ").dur(f.free.readCost.P50).s("  p99 ").dur(f.free.readCost.P99).
		s(" while boids move")
}
