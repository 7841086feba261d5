package game

import (
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/text/v2"

	"github.com/boids-project/boids/boids"
)

const (
	overlaySize = 12 // font size in pixels before the device scale
	graphH      = 64 // frame graph height in pixels before the device scale
	graphMS     = 50 // the graph's full height in milliseconds: three 60 Hz frames
	refreshRate = 4  // text refreshes per second: readable, and cheap
	budgetMS    = 1e3 / 60
)

// overlay is the metrics overlay: frame times with their graph, the
// simulation's tick phases, the design's contention, the runtime, and the
// comparison of designs. format (in Update) writes its text into reused
// lines a few times per second; draw (in Draw) lays text, backing and graph
// out as one batch of quads over a glyph atlas and draws them in one call.
type overlay struct {
	src   *text.GoTextFaceSource
	atlas *atlas
	q     quads
	text  page
	next  time.Time // the next text refresh
	// graphLine is the line the graph sits below.
	graphLine int
	scaleMS   float32       // the graph's full height in milliseconds
	cost      time.Duration // format and draw of the last frame
}

// graphScales are the graph's possible full heights in ms: the smallest
// that holds the 99th percentile frame is used, so that a slow machine's
// frames still show their shape.
var graphScales = [...]float32{50, 100, 200, 500, 1000, 2000}

func graphScale(p99 float32) float32 {
	for _, s := range graphScales {
		if p99 <= s {
			return s
		}
	}
	return graphScales[len(graphScales)-1]
}

func newOverlay(src *text.GoTextFaceSource) *overlay { return &overlay{src: src} }

// due says whether the text should be refreshed at now.
func (o *overlay) due(now time.Time) bool {
	if now.Before(o.next) {
		return false
	}
	o.next = now.Add(time.Second / refreshRate)
	return true
}

// format writes the overlay's text from the latest figures, the current
// frame percentiles and the comparison table.
func (o *overlay) format(f *figures, fq frameQuantiles, snap *boids.Snapshot, cmp *comparison) {
	p := &o.text
	p.begin()
	p.heading("FRAMES").col(9).f(float64(fq.fps), 1).s(" fps  p50 ").f(float64(fq.p50), 1).
		s("  p95 ").f(float64(fq.p95), 1).s("  p99 ").f(float64(fq.p99), 1).
		s("  max ").f(float64(fq.max), 1).s(" ms")
	o.graphLine = p.n
	o.scaleMS = graphScale(fq.p99)
	p.add(dimColour).s("  last 300 frames, 0..").i(int64(o.scaleMS)).s(" ms: interval, update+draw CPU, 16.7 ms line")
	p.add(dimColour).s("  cpu p50: update ").f(float64(fq.updateP50), 2).s(" ms  draw ").f(float64(fq.drawP50), 2).
		s(" ms  overlay ").dur(o.cost)

	p.heading("SIM").col(9).f(f.tps, 1).s("/").f(snap.TPS, 0).s(" ticks/s  ").i(int64(len(snap.Boids))).
		s(" boids  GOMAXPROCS ").i(int64(f.procs))
	p.add(textColour).col(9).count(f.updates).s(" boid updates/s  ").i(int64(f.goroutines)).s(" goroutines")
	st := &f.stats
	l := p.add(dimColour).col(9).s("tick phase")
	l.right(30, func(l *line) { l.s("p50") }).right(40, func(l *line) { l.s("p99") })
	l.s("   (all ").i(int64(st.Ticks)).s(" ticks of 1 s)")
	o.phase("total", st.Total)
	o.phase("wake", st.Wake)
	o.phase("barrier", st.Barrier)
	o.phase("publish", st.Publish)
	o.phase("boid update", st.Update).col(42).s("one boid, waits incl.")

	o.contention(f, snap)

	p.heading("RUNTIME").col(9).s("heap ").mb(f.rt.HeapBytes).s("  GC pause ").dur(f.rt.GCPause).s("/s").
		s(" (max ").dur(f.rt.GCPauseMax).s(")")
	p.add(textColour).col(9).s("sched latency p99 ").dur(f.rt.SchedP99).s("  runtime lock wait ").secs(f.mutexRuntime).s("/s")

	o.table(cmp)
}

func (o *overlay) phase(name string, q boids.Quantiles) *line {
	l := o.text.add(textColour).col(11).s(name)
	l.right(30, func(l *line) { l.dur(q.P50) })
	l.right(40, func(l *line) { l.dur(q.P99) })
	return l
}

func (o *overlay) contention(f *figures, snap *boids.Snapshot) {
	p := &o.text
	switch kindOf(f) {
	case lockKind:
		p.heading(snap.Strategy).col(9).s("lock wait ").secs(f.lockWait).s("/s = ").f(f.lockWait, 1).
			s(" boids waiting on average")
		p.add(textColour).col(9).s("per tick ").secs(f.perTick(f.lockWait)).s("  runtime's count ").secs(f.mutexRuntime).s("/s")
		p.add(textColour).col(9).s("contended ").pct(f.contended).s(" of ").count(f.reads + f.writes).s(" acquisitions/s")
		p.add(textColour).col(9).s("reads ").count(f.reads).s("/s  writes ").count(f.writes).s("/s")
	case channelKind:
		p.heading(snap.Strategy).col(9).s("round trip p50 ").dur(f.rtt.P50).s("  p99 ").dur(f.rtt.P99).
			s("  mean ").dur(f.rttMean)
		p.add(textColour).col(9).s("queue mean ").f(f.queueMean, 0).s("  max seen ").i(int64(f.queueMax)).
			s("  messages ").count(f.messages).s("/s")
		p.add(textColour).col(9).s("owner busy ").pct(f.ownerBusy).s("  (runtime lock wait ").secs(f.mutexRuntime).s("/s:")
		p.add(dimColour).col(9).s("the runtime does not count channel waits)")
	case lockFreeKind:
		p.heading(snap.Strategy).col(9).s("CAS retries ").count(f.casRetries).s("/s  ").f(f.perTick(f.casRetries), 2).s("/tick")
		p.add(textColour).col(9).s("frames published ").count(f.publishes).s("/s  rebuild ").dur(f.rebuild).s(" each")
		p.add(textColour).col(9).s("frame age: boids read the last tick's frame, ").
			dur(time.Duration(float64(time.Second) / max(f.tps, 1)))
		p.add(textColour).col(9).s("reads ").count(f.reads).s("/s  writes ").count(f.writes).s("/s")
	default:
		p.heading(snap.Strategy).col(9).s("reads ").count(f.reads).s("/s  writes ").count(f.writes).s("/s")
	}
	p.add(dimColour).col(9).s("snapshot age on screen ").dur(f.snapshotAge)
}

// table writes the comparison: one row per design, blank until it has run
// steadily at this count and GOMAXPROCS.
func (o *overlay) table(c *comparison) {
	p := &o.text
	l := p.heading("COMPARE").col(9)
	if c.boids == 0 {
		l.s("run each design (keys 1..").i(int64(len(c.designs))).s(") for 2 s")
		return
	}
	l.i(int64(c.boids)).s(" boids, GOMAXPROCS ").i(int64(c.procs))
	if c.reset != "" {
		l.s("  (").s(c.reset).s(")")
	}
	p.add(dimColour).col(2).s("design").col(11).s("ticks/s").col(21).s("tick p99").col(32).s("frame p99").col(44).s("contention")
	for i, d := range c.designs {
		l := p.add(textColour).col(2).s(d.Name)
		if i >= len(c.have) || !c.have[i] {
			l.col(11).s("-").col(44).s("press ").i(int64(i + 1))
			continue
		}
		f := &c.rows[i]
		l.right(17, func(l *line) { l.f(f.tps, 1) })
		l.right(30, func(l *line) { l.dur(f.stats.Total.P99) })
		l.right(42, func(l *line) { l.f(float64(f.frames.p99), 1).s(" ms") })
		l.col(44)
		switch kindOf(f) {
		case lockKind:
			l.s("wait ").secs(f.lockWait).s("/s, ").pct(f.contended).s(" contended")
		case channelKind:
			l.s("rtt p99 ").dur(f.rtt.P99).s(", owner ").pct(f.ownerBusy).s(" busy")
		case lockFreeKind:
			l.count(f.casRetries).s(" CAS retries/s")
		default:
			l.count(f.updates).s(" updates/s")
		}
	}
}

// glyphs returns the atlas for the device scale, making it when the scale
// changed.
func (o *overlay) glyphs(scale float64) *atlas {
	if size := overlaySize * scale; o.atlas == nil || o.atlas.size != size {
		o.atlas = newAtlas(o.src, size)
	}
	return o.atlas
}

// draw lays the overlay out at (x, y) in device pixels and draws it in
// one call.
func (o *overlay) draw(screen *ebiten.Image, frames *frameTimes, x, y float32, scale float64) {
	o.layout(frames, x, y, scale)
	o.q.draw(screen, o.atlas)
}

// layout builds the quads: text over a translucent backing, with the frame
// graph below the first line.
func (o *overlay) layout(frames *frameTimes, x, y float32, scale float64) {
	a := o.glyphs(scale)
	s := float32(scale)
	lines := o.text.used()
	gh := graphH * s
	width := 0
	for i := range lines {
		width = max(width, len(lines[i].b))
	}
	w := max(float32(width)*a.cellW, frameLen*s) + 12*s
	h := float32(len(lines))*a.cellH + gh + 12*s
	o.q.reset()
	o.q.rect(a, x, y, w, h, backing)
	ty := y + 6*s
	for i := range lines {
		if i == o.graphLine {
			o.graph(frames, x+6*s, ty, gh, s)
			ty += gh + 2*s
		}
		l := &lines[i]
		tx := o.q.text(a, x+6*s, ty, l.b[:l.head], headColour)
		o.q.text(a, tx, ty, l.b[l.head:], l.c)
		ty += a.cellH
	}
}

// graph draws one column per frame: the interval in blue, the CPU time of
// update and draw in orange over it, and the 16.7 ms budget as a line.
func (o *overlay) graph(f *frameTimes, x, y, h, s float32) {
	a := o.atlas
	o.q.rect(a, x, y, frameLen*s, h, colour(0.1, 0.12, 0.16, 0.8))
	full := max(o.scaleMS, graphScales[0])
	px := h / full
	for i := range f.n {
		interval, upd, drw := f.at(i)
		cx := x + float32(frameLen-f.n+i)*s
		ih := min(interval*px, h)
		c := frameColour
		if interval > full {
			c = warnColour
		}
		o.q.rect(a, cx, y+h-ih, s, ih, c)
		ch := min((upd+drw)*px, h)
		o.q.rect(a, cx, y+h-ch, s, ch, cpuColour)
	}
	o.q.rect(a, x, y+h-budgetMS*px, frameLen*s, s, budgetColour)
}

// kind is the family of a design, which decides the contention figures
// that mean something for it.
type kind int

const (
	otherKind kind = iota
	lockKind
	channelKind
	lockFreeKind
)

// kindOf names the built-in designs' families, and tells a registered
// design's (the workshop's) from the counters it fills.
func kindOf(f *figures) kind {
	switch f.strategy {
	case "mutex", "sharded":
		return lockKind
	case "channel", "actors":
		return channelKind
	case "lockfree":
		return lockFreeKind
	}
	switch {
	case f.messages > 0:
		return channelKind
	case f.lockWait > 0 || f.contended > 0:
		return lockKind
	case f.publishes > 0 || f.casRetries > 0:
		return lockFreeKind
	}
	return otherKind
}
