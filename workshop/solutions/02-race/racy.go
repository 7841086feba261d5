//go:build solution

package main

import "github.com/boids-project/boids/boids"

// Racy, fixed. During a tick every boid reads the states as they were at
// the start of the tick (cur) and writes its new state to its own slot of
// next; EndTick, which runs after the flock's barrier, copies next over cur.
// No memory is both read and written by different goroutines in the same
// tick, so no lock is needed: the barrier (a WaitGroup the coordinator
// waits on, and the channel sends that wake the boids) orders each tick's
// writes before the next tick's reads.
type Racy struct {
	sp         boids.Space
	cols, rows int
	cw, ch     float32
	cells      [][]int32    // cell -> ids of the boids in it, as of the last EndTick
	cur        []boids.Boid // id -> state at the start of the tick; read-only during a tick
	next       []boids.Boid // id -> new state; slot id written only by boid id
}

// NewRacy returns the fixed design.
func NewRacy() *Racy { return &Racy{} }

func (r *Racy) Name() string { return "racy" }

func (r *Racy) Load(sp boids.Space, bs []boids.Boid) {
	r.sp = sp
	r.cols, r.rows = max(int(sp.W/sp.Radius), 1), max(int(sp.H/sp.Radius), 1)
	r.cw, r.ch = sp.W/float32(r.cols), sp.H/float32(r.rows)
	r.cur = append(r.cur[:0], bs...)
	r.next = append(r.next[:0], bs...)
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
	for id, b := range r.cur {
		c := boids.CellIndex(b.Pos, r.cols, r.rows, r.cw, r.ch)
		r.cells[c] = append(r.cells[c], int32(id))
	}
}

func (r *Racy) Neighbors(id int, buf []boids.Boid) (boids.Boid, []boids.Boid) {
	self := r.cur[id]
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
				b := r.cur[j]
				if r.sp.Delta(self.Pos, b.Pos).Len2() < r2 {
					buf = append(buf, b)
				}
			}
		}
	}
	return self, buf
}

func (r *Racy) Move(id int, b boids.Boid) {
	r.next[id] = b
}

func (r *Racy) EndTick() {
	copy(r.cur, r.next)
	r.index()
}

func (r *Racy) Read(dst []boids.Boid) []boids.Boid { return append(dst, r.cur...) }

func (r *Racy) Close() {}
