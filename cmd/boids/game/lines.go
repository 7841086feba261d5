package game

import (
	"strconv"
	"time"
)

// line is one line of overlay text, built in place: its bytes are reused
// from one refresh to the next, so formatting allocates nothing once the
// longest line has been seen.
type line struct {
	b    []byte
	head int // the first head bytes are a heading, in the heading colour
	c    rgba
}

// page is a reusable list of lines.
type page struct {
	lines []line
	n     int
}

func (p *page) begin() { p.n = 0 }

// add starts a new line in colour c.
func (p *page) add(c rgba) *line {
	if p.n == len(p.lines) {
		p.lines = append(p.lines, line{})
	}
	l := &p.lines[p.n]
	p.n++
	l.b, l.head, l.c = l.b[:0], 0, c
	return l
}

// heading starts a line whose first word is a heading.
func (p *page) heading(h string) *line {
	l := p.add(textColour)
	l.s(h)
	l.head = len(l.b)
	return l
}

func (p *page) used() []line { return p.lines[:p.n] }

func (l *line) s(s string) *line { l.b = append(l.b, s...); return l }

func (l *line) i(v int64) *line { l.b = strconv.AppendInt(l.b, v, 10); return l }

func (l *line) f(v float64, prec int) *line {
	l.b = strconv.AppendFloat(l.b, v, 'f', prec, 64)
	return l
}

// col pads with spaces up to column n (at least one space).
func (l *line) col(n int) *line {
	l.b = append(l.b, ' ')
	for len(l.b) < n {
		l.b = append(l.b, ' ')
	}
	return l
}

// right writes what fill writes so that it ends at column n.
func (l *line) right(n int, fill func(*line)) *line {
	start := len(l.b)
	fill(l)
	w := len(l.b) - start
	pad := n - start - w
	if pad <= 0 {
		return l
	}
	for range pad {
		l.b = append(l.b, ' ')
	}
	copy(l.b[start+pad:], l.b[start:start+w])
	for i := start; i < start+pad; i++ {
		l.b[i] = ' '
	}
	return l
}

// dur writes d with a unit that keeps three significant figures.
func (l *line) dur(d time.Duration) *line {
	switch {
	case d <= 0:
		return l.s("0")
	case d < time.Microsecond:
		return l.i(int64(d)).s(" ns")
	case d < time.Millisecond:
		return l.f(float64(d)/1e3, prec(float64(d)/1e3)).s(" us")
	case d < time.Second:
		return l.f(float64(d)/1e6, prec(float64(d)/1e6)).s(" ms")
	}
	return l.f(d.Seconds(), prec(d.Seconds())).s(" s")
}

// secs writes a time held in seconds, as waits summed over goroutines
// are, with a unit that keeps three significant figures.
func (l *line) secs(v float64) *line { return l.dur(time.Duration(v * 1e9)) }

// count writes v with k or M, three significant figures.
func (l *line) count(v float64) *line {
	switch {
	case v >= 1e6:
		return l.f(v/1e6, prec(v/1e6)).s("M")
	case v >= 1e4:
		return l.f(v/1e3, prec(v/1e3)).s("k")
	}
	return l.f(v, prec(v))
}

// pct writes a share as a percentage.
func (l *line) pct(share float64) *line { return l.f(share*100, 1).s("%") }

// mb writes a size in MB.
func (l *line) mb(n uint64) *line { return l.f(float64(n)/(1<<20), 1).s(" MB") }

func prec(v float64) int {
	switch {
	case v >= 100 || v == 0:
		return 0
	case v >= 10:
		return 1
	}
	return 2
}
