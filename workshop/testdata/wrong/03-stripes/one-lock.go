// Wrong fix: every call under one lock, stripes[0].mu. Race-free and
// correct, and no faster than the mutex design.

package main

import (
	"slices"
	"sync"
	"time"

	"github.com/boids-project/boids/boids"
)

// Stripes replaces the one RWMutex of the mutex design with one lock per
// stripe: a stripe is a row of grid cells. Boids in distant stripes no
// longer wait for each other; a query locks only the (up to) three stripes
// around its boid.

type Stripes struct {
	sp         boids.Space
	cols, rows int
	cw, ch     float32
	stripes    []stripe
	// own[id] is boid id's state. Only boid id's goroutine writes it (in
	// Move) or reads it (in Neighbors) during a tick, so it needs no lock.
	own []boids.Boid
	// stats[id] is boid id's lock statistics, owned the same way.
	stats []lockStats
}

// stripe is one row of cells with the lock that guards them.
type stripe struct {
	mu    sync.RWMutex
	cells [][]entry // cells[cx]: the boids in column cx of this row
}

type entry struct {
	b  boids.Boid
	id int32
}

type lockStats struct {
	reads, writes, contended uint64
	wait                     time.Duration
}

// NewStripes returns the striped design.
func NewStripes() *Stripes { return &Stripes{} }

func (s *Stripes) Name() string { return "stripes" }

func (s *Stripes) Load(sp boids.Space, bs []boids.Boid) {
	s.sp = sp
	s.cols, s.rows = max(int(sp.W/sp.Radius), 1), max(int(sp.H/sp.Radius), 1)
	s.cw, s.ch = sp.W/float32(s.cols), sp.H/float32(s.rows)
	s.stripes = make([]stripe, s.rows)
	for i := range s.stripes {
		s.stripes[i].cells = make([][]entry, s.cols)
	}
	s.own = append(s.own[:0], bs...)
	s.stats = make([]lockStats, len(bs))
	for id, b := range bs {
		cx, cy := s.cell(b.Pos)
		s.stripes[cy].insert(cx, id, b)
	}
}

// cell returns the column and row of the cell holding p.
func (s *Stripes) cell(p boids.Vec) (cx, cy int) {
	c := boids.CellIndex(p, s.cols, s.rows, s.cw, s.ch)
	return c % s.cols, c / s.cols
}

// around fills out with the distinct indices next to c (c included) among
// n columns or rows, across the border when the world wraps, and returns
// how many there are. The order is c-1, c, c+1 as they wrap: NOT sorted.
func (s *Stripes) around(c, n int, out *[3]int) int {
	return boids.Around(c, n, s.sp.Edges == boids.Wrap, out)
}

// scan appends to buf the boids of stripe st, in the columns around cx,
// that are strictly within the view radius of self, boid id excluded.
// Hold st's lock (a read lock is enough).
func (s *Stripes) scan(st *stripe, cx, id int, self boids.Boid, buf []boids.Boid) []boids.Boid {
	var xs [3]int
	r2 := s.sp.Radius * s.sp.Radius
	for _, x := range xs[:s.around(cx, s.cols, &xs)] {
		for _, e := range st.cells[x] {
			if int(e.id) != id && s.sp.Delta(self.Pos, e.b.Pos).Len2() < r2 {
				buf = append(buf, e.b)
			}
		}
	}
	return buf
}

// insert adds boid id with state b to column cx. Hold the write lock.
func (st *stripe) insert(cx, id int, b boids.Boid) {
	st.cells[cx] = append(st.cells[cx], entry{b, int32(id)})
}

// update overwrites boid id's state in column cx. Hold the write lock.
func (st *stripe) update(cx, id int, b boids.Boid) {
	for i := range st.cells[cx] {
		if int(st.cells[cx][i].id) == id {
			st.cells[cx][i].b = b
			return
		}
	}
}

// remove takes boid id out of column cx. Hold the write lock.
func (st *stripe) remove(cx, id int) {
	cell := st.cells[cx]
	for i := range cell {
		if int(cell[i].id) == id {
			cell[i] = cell[len(cell)-1]
			st.cells[cx] = cell[:len(cell)-1]
			return
		}
	}
}

// rlock read-locks mu for boid id, counting a wait when it has to wait.
func (s *Stripes) rlock(id int, mu *sync.RWMutex) {
	if !mu.TryRLock() {
		st := &s.stats[id]
		st.contended++
		t := time.Now()
		mu.RLock()
		st.wait += time.Since(t)
	}
}

// lock write-locks mu for boid id, counting a wait when it has to wait.
func (s *Stripes) lock(id int, mu *sync.RWMutex) {
	if !mu.TryLock() {
		st := &s.stats[id]
		st.contended++
		t := time.Now()
		mu.Lock()
		st.wait += time.Since(t)
	}
}

// Neighbors returns boid id's state and appends its neighbours to buf. It
// read-locks the stripes around the boid all at once, so that a neighbour
// moving between two of them is seen exactly once, and in ascending order,
// the order Move uses too: with every goroutine taking locks in one global
// order, no cycle of waits, hence no deadlock, can form.
func (s *Stripes) Neighbors(id int, buf []boids.Boid) (boids.Boid, []boids.Boid) {
	s.stats[id].reads++
	self := s.own[id]
	cx, cy := s.cell(self.Pos)
	var ys [3]int
	rows := ys[:s.around(cy, s.rows, &ys)]
	slices.Sort(rows)
	s.rlock(id, &s.stripes[0].mu)
	for _, y := range rows {
		buf = s.scan(&s.stripes[y], cx, id, self, buf)
	}
	s.stripes[0].mu.RUnlock()
	return self, buf
}

// Move records boid id's new state. A move between stripes holds both write
// locks, lower index first, so the boid is never in two stripes or none.
func (s *Stripes) Move(id int, b boids.Boid) {
	s.stats[id].writes++
	ox, oy := s.cell(s.own[id].Pos)
	nx, ny := s.cell(b.Pos)
	s.own[id] = b
	s.lock(id, &s.stripes[0].mu)
	if oy == ny && ox == nx {
		s.stripes[oy].update(ox, id, b)
	} else {
		s.stripes[oy].remove(ox, id)
		s.stripes[ny].insert(nx, id, b)
	}
	s.stripes[0].mu.Unlock()
}

func (s *Stripes) EndTick() {}

func (s *Stripes) Read(dst []boids.Boid) []boids.Boid { return append(dst, s.own...) }

func (s *Stripes) Close() {}

// Counters sums the boids' lock statistics for the overlay.
func (s *Stripes) Counters() boids.Counters {
	var c boids.Counters
	for i := range s.stats {
		st := &s.stats[i]
		c.Reads += st.reads
		c.Writes += st.writes
		c.Contended += st.contended
		c.LockWait += st.wait
	}
	return c
}
