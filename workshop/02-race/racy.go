package main

import "github.com/boids-project/boids/boids"

// Racy is a design that forgets to synchronize. Exercise 2: run it under
// the race detector, explain the report, then fix it in this file.
//
// It keeps every boid's state in one slice and, per grid cell, the ids of
// the boids in it. The cell lists are rebuilt between ticks, in EndTick,
// so during a tick they only change... never. The states are another story.
type Racy struct {
	sp         boids.Space
	cols, rows int
	cw, ch     float32
	cells      [][]int32    // cell -> ids of the boids in it, as of the last EndTick
	boids      []boids.Boid // id -> state
}

// NewRacy returns the racy design.
func NewRacy() *Racy { return &Racy{} }

func (r *Racy) Name() string { return "racy" }

func (r *Racy) Load(sp boids.Space, bs []boids.Boid) {
	r.sp = sp
	r.cols, r.rows = max(int(sp.W/sp.Radius), 1), max(int(sp.H/sp.Radius), 1)
	r.cw, r.ch = sp.W/float32(r.cols), sp.H/float32(r.rows)
	r.boids = append(r.boids[:0], bs...)
	r.index()
}

// index rebuilds the cell lists from the states.
func (r *Racy) index() {
	if len(r.cells) != r.cols*r.rows {
		r.cells = make([][]int32, r.cols*r.rows)
	}
	for c := range r.cells {
		r.cells[c] = r.cells[c][:0]
	}
	for id, b := range r.boids {
		c := boids.CellIndex(b.Pos, r.cols, r.rows, r.cw, r.ch)
		r.cells[c] = append(r.cells[c], int32(id))
	}
}

func (r *Racy) Neighbors(id int, buf []boids.Boid) (boids.Boid, []boids.Boid) {
	self := r.boids[id]
	c := boids.CellIndex(self.Pos, r.cols, r.rows, r.cw, r.ch)
	var xs, ys [3]int
	nx := boids.Around(c%r.cols, r.cols, r.sp.Edges == boids.Wrap, &xs)
	ny := boids.Around(c/r.cols, r.rows, r.sp.Edges == boids.Wrap, &ys)
	r2 := r.sp.Radius * r.sp.Radius
	for _, cy := range ys[:ny] {
		for _, cx := range xs[:nx] {
			for _, j := range r.cells[cy*r.cols+cx] {
				if int(j) == id {
					continue
				}
				b := r.boids[j]
				if r.sp.Delta(self.Pos, b.Pos).Len2() < r2 {
					buf = append(buf, b)
				}
			}
		}
	}
	return self, buf
}

func (r *Racy) Move(id int, b boids.Boid) {
	r.boids[id] = b
}

func (r *Racy) EndTick() { r.index() }

func (r *Racy) Read(dst []boids.Boid) []boids.Boid { return append(dst, r.boids...) }

func (r *Racy) Close() {}
