package game

import (
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/boids-project/boids/boids"
)

// heat is the contention map: every part of the map the design measures
// (a band of sharded or actors, a cell of the grid for lockfree, the whole
// world for the designs with one lock or one owner) tinted by the contention measured there in the last
// second, with a legend. The figures come with every snapshot (Regions,
// cumulative); heat turns them into rates once a second, whether the map
// is shown or not, because the overlay lists them too.
type heat struct {
	on bool

	prev     []boids.Region
	prevAt   time.Time
	prevName string
	parts    []partRate // the last second's figures, one per region
	measure  heatMeasure
	top      float64 // the legend's top: the highest figure, rounded up to 1, 2 or 5

	q    quads
	text page
}

// partRate is one region's figures over the last second.
type partRate struct {
	min, max boids.Vec
	value    float64 // the figure the tint shows
	busy     float64 // share of the second its owner served (owner designs)
}

// heatMeasure is what a design's tint shows, as the issue asks: lock waits
// for the lock designs, the owner's queue for the owner designs, CAS
// retries for the lock-free one.
type heatMeasure int

const (
	heatWaits heatMeasure = iota
	heatQueue
	heatRetries
)

// heatMeasures are the figures' names and units, for the legend and the
// overlay, in heatMeasure order, with the lowest top the legend's scale
// may have: a design that hardly contends looks calm, rather than painting
// its one retry a second red.
var heatMeasures = [...]struct {
	name, unit string
	floor      float64
}{
	{"lock waits", "/s", 1000},
	{"owner queue, mean", " msgs", 10},
	{"CAS retries", "/s", 1000},
}

func measureOf(name string) heatMeasure {
	switch name {
	case "channel", "actors":
		return heatQueue
	case "lockfree":
		return heatRetries
	}
	return heatWaits
}

// observe takes the snapshot's figures and, a second after the last time,
// turns them into rates. A new design or layout starts the second afresh.
func (h *heat) observe(snap *boids.Snapshot) {
	now := snap.Published
	if snap.Strategy != h.prevName || len(snap.Regions) != len(h.prev) {
		h.restart(snap)
		h.parts = h.parts[:0]
		return
	}
	el := now.Sub(h.prevAt)
	if el < time.Second {
		return
	}
	secs := el.Seconds()
	h.measure = measureOf(snap.Strategy)
	h.parts = h.parts[:0]
	h.top = 0
	for i, r := range snap.Regions {
		p := &h.prev[i]
		if r.Served < p.Served || r.Waits < p.Waits || r.Retries < p.Retries {
			// The design was reloaded (its counters restart): start again.
			h.restart(snap)
			h.parts = h.parts[:0]
			return
		}
		pr := partRate{min: r.Min, max: r.Max, busy: (r.Busy - p.Busy).Seconds() / secs}
		switch h.measure {
		case heatWaits:
			pr.value = float64(r.Waits-p.Waits) / secs
		case heatQueue:
			if n := r.Served - p.Served; n > 0 {
				pr.value = float64(r.QueueSum-p.QueueSum) / float64(n)
			}
		case heatRetries:
			pr.value = float64(r.Retries-p.Retries) / secs
		}
		h.top = max(h.top, pr.value)
		h.parts = append(h.parts, pr)
	}
	h.top = niceCeil(max(h.top, heatMeasures[h.measure].floor))
	h.restart(snap)
}

func (h *heat) restart(snap *boids.Snapshot) {
	h.prev = append(h.prev[:0], snap.Regions...)
	h.prevAt = snap.Published
	h.prevName = snap.Strategy
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten (1 at least), so
// that the legend's scale does not jitter with every second's maximum.
func niceCeil(v float64) float64 {
	s := 1.0
	for {
		for _, m := range [...]float64{1, 2, 5} {
			if v <= m*s {
				return m * s
			}
		}
		s *= 10
	}
}

// heatTint is the colour of a figure on the legend's scale: clear blue at
// nothing, through yellow, to red at the top.
func heatTint(v, top float64) rgba {
	t := float32(min(max(v/top, 0), 1))
	if t == 0 {
		return colour(0.2, 0.4, 1, 0.12)
	}
	return colour(1, 1-t, 0.2*(1-t), 0.25+0.45*t)
}

// draw tints each region over the flock (translucent) and draws the legend at the
// bottom left.
func (h *heat) draw(screen *ebiten.Image, a *atlas, v view, scale float32) {
	if !h.on {
		return
	}
	h.q.reset()
	for _, p := range h.parts {
		h.q.rect(a, v.offX+p.min.X*v.scale, v.offY+p.min.Y*v.scale,
			(p.max.X-p.min.X)*v.scale, (p.max.Y-p.min.Y)*v.scale, heatTint(p.value, h.top))
		// A thin line at each band's top edge shows the borders; cells
		// (lockfree) have the grid view's lines under them already.
		if h.measure != heatRetries {
			h.q.rect(a, v.offX+p.min.X*v.scale, v.offY+p.min.Y*v.scale, (p.max.X-p.min.X)*v.scale, scale, colour(1, 1, 1, 0.35))
		}
	}
	h.legend(a, float32(screen.Bounds().Dy()), scale)
	h.q.draw(screen, a)
}

// legend is a bar of the scale with its ends written beside it.
func (h *heat) legend(a *atlas, screenH, scale float32) {
	m := heatMeasures[h.measure]
	h.text.begin()
	title := h.text.add(textColour).s("heat: ").s(m.name).s(" in the last second")
	if len(h.parts) == 0 {
		title.s(" (measuring...)")
	}
	const steps = 10
	pad, barW, barH := 8*scale, 16*scale, 12*scale
	x, y := pad, screenH-3*a.cellH-barH-pad
	w := float32(len(title.b))*a.cellW + 2*pad
	h.q.rect(a, x-pad/2, y-pad/2, max(w, steps*barW+2*pad), 3*a.cellH+barH+pad, colour(0.02, 0.03, 0.05, 0.8))
	h.q.text(a, x, y, title.b, textColour)
	y += a.cellH
	for i := range steps {
		h.q.rect(a, x+float32(i)*barW, y, barW, barH, heatTint(float64(i)/(steps-1)*h.top, h.top))
	}
	y += barH
	lo := h.text.add(dimColour).s("0")
	hi := h.text.add(dimColour).f(h.top, prec(h.top)).s(m.unit)
	h.q.text(a, x, y, lo.b, dimColour)
	h.q.text(a, x+steps*barW-float32(len(hi.b))*a.cellW, y, hi.b, dimColour)
}

// lines adds the regions' figures to the overlay: one value per part, top
// to bottom, as many to a line as fit.
func (h *heat) lines(p *page) {
	if len(h.parts) < 2 {
		return
	}
	m := heatMeasures[h.measure]
	if h.measure == heatRetries {
		// lockfree's parts are the grid's cells (sent only while the map is
		// shown: Sim.SetHeat), too many to list: the busiest one and their
		// sum.
		var sum, top float64
		for _, r := range h.parts {
			sum += r.value
			top = max(top, r.value)
		}
		p.heading("PARTS").col(9).i(int64(len(h.parts))).s(" cells: ").s(m.name).s(m.unit).
			s(", busiest cell ").f(top, prec(top)).s(", all ").f(sum, prec(sum))
		return
	}
	p.heading("PARTS").col(9).i(int64(len(h.parts))).s(" bands, top to bottom: ").s(m.name).s(m.unit)
	h.row(p, func(l *line, r partRate) { l.f(r.value, prec(r.value)) })
	if h.measure == heatQueue {
		p.add(textColour).col(9).s("owner busy, share of the second")
		h.row(p, func(l *line, r partRate) { l.f(r.busy*100, 0).s("%") })
	}
}

func (h *heat) row(p *page, cell func(*line, partRate)) {
	const perLine = 12
	var l *line
	for i, r := range h.parts {
		if i%perLine == 0 {
			l = p.add(textColour).col(9)
		} else {
			l.s(" ")
		}
		cell(l, r)
	}
}

// toggleHeat shows or hides the heat map, with one line.
func (g *Game) setHeat(on bool) {
	g.heat.on = on
	g.sim.SetHeat(on)
	g.log.printf("heat map: %s", map[bool]string{true: "shown", false: "hidden"}[on])
}

// cycleGridView is what G does: nothing shown, then the grid's cells, then
// the heat map over them, then nothing again.
func (g *Game) cycleGridView() {
	switch {
	case !g.showGrid && !g.heat.on:
		g.setGrid(true)
	case g.showGrid && !g.heat.on:
		g.setHeat(true)
	default:
		g.setGrid(false)
		g.setHeat(false)
	}
}
