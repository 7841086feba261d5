package boids

import "math"

// Grid is the spatial map: a uniform grid whose cells are at least the view
// radius wide, so a neighbour query scans the 3×3 cells around a boid. Each
// cell keeps copies of its boids' states side by side, so a query reads
// contiguous memory.
//
// A Grid is not safe for concurrent use: strategies decide who may touch it.
type Grid struct {
	sp         Space
	cols, rows int
	cw, ch     float32
	cells      [][]Boid  // the states in each cell
	ids        [][]int32 // ids[c][k] is the id of cells[c][k]
	cellOf     []int32   // boid id -> cell index
	slot       []int32   // boid id -> index within its cell
}

// cellRoom is how many boids a cell has room for before it must grow: a few
// times the mean, so that a flock gathering into clumps rarely allocates.
func cellRoom(boids, cells int) int { return max(16, 4*boids/cells) }

// Load replaces the grid's contents with boids; boid i gets id i. It reuses
// the grid's memory when the geometry is unchanged.
func (g *Grid) Load(sp Space, boids []Boid) {
	cols, rows := sp.Cells()
	if g.sp != sp || len(g.cells) != cols*rows {
		g.sp, g.cols, g.rows = sp, cols, rows
		g.cw, g.ch = sp.W/float32(cols), sp.H/float32(rows)
		g.cells = make([][]Boid, cols*rows)
		g.ids = make([][]int32, cols*rows)
	}
	room := cellRoom(len(boids), len(g.cells))
	for c := range g.cells {
		if cap(g.cells[c]) < room {
			g.cells[c] = make([]Boid, 0, room)
			g.ids[c] = make([]int32, 0, room)
		}
		g.cells[c] = g.cells[c][:0]
		g.ids[c] = g.ids[c][:0]
	}
	g.cellOf = resize(g.cellOf, len(boids))
	g.slot = resize(g.slot, len(boids))
	for id, b := range boids {
		g.add(id, b, g.Cell(b.Pos))
	}
}

func (g *Grid) add(id int, b Boid, c int) {
	g.cellOf[id] = int32(c)
	g.slot[id] = int32(len(g.cells[c]))
	g.cells[c] = append(g.cells[c], b)
	g.ids[c] = append(g.ids[c], int32(id))
}

// Cells is the grid's layout for the space: as many columns and rows as fit
// cells at least the view radius wide, and at least one of each.
func (sp Space) Cells() (cols, rows int) { return cellsFor(sp.W, sp.Radius), cellsFor(sp.H, sp.Radius) }

func cellsFor(size, radius float32) int {
	n := int(size / radius)
	if n < 1 {
		return 1
	}
	return n
}

func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// Space returns the geometry the grid was loaded with.
func (g *Grid) Space() Space { return g.sp }

// Len is the number of boids in the grid.
func (g *Grid) Len() int { return len(g.cellOf) }

// NumCells is the number of cells; Cell returns indices below it.
func (g *Grid) NumCells() int { return len(g.cells) }

// Cell returns the index of the cell holding position p; positions outside
// the world are clamped to the nearest border cell.
func (g *Grid) Cell(p Vec) int {
	return CellIndex(p, g.cols, g.rows, g.cw, g.ch)
}

// CellIndex is Grid.Cell for strategies that keep their own cell layout.
func CellIndex(p Vec, cols, rows int, cw, ch float32) int {
	cx, cy := int(p.X/cw), int(p.Y/ch)
	cx = min(max(cx, 0), cols-1)
	cy = min(max(cy, 0), rows-1)
	return cy*cols + cx
}

// Get returns boid id's state.
func (g *Grid) Get(id int) Boid {
	return g.cells[g.cellOf[id]][g.slot[id]]
}

// Set stores boid id's new state, moving it to another cell when it crossed
// a border.
func (g *Grid) Set(id int, b Boid) {
	oc, nc := int(g.cellOf[id]), g.Cell(b.Pos)
	if oc == nc {
		g.cells[oc][g.slot[id]] = b
		return
	}
	// Swap-remove from the old cell, fixing the slot of the boid moved into
	// the hole.
	s, last := g.slot[id], len(g.cells[oc])-1
	moved := g.ids[oc][last]
	g.cells[oc][s], g.ids[oc][s] = g.cells[oc][last], moved
	g.slot[moved] = s
	g.cells[oc], g.ids[oc] = g.cells[oc][:last], g.ids[oc][:last]
	g.add(id, b, nc)
}

// Near appends to buf every boid strictly within the view radius of boid id,
// id itself excluded, and returns id's own state with the extended buffer.
func (g *Grid) Near(id int, buf []Boid) (Boid, []Boid) {
	return g.gather(id, buf, true)
}

// Gather is Near without the distance test: it appends every boid of the
// 3×3 cells around boid id, id itself excluded. A strategy whose owner must
// do as little as possible leaves the distance test to the asker.
func (g *Grid) Gather(id int, buf []Boid) (Boid, []Boid) {
	return g.gather(id, buf, false)
}

func (g *Grid) gather(id int, buf []Boid, near bool) (Boid, []Boid) {
	oc, s := int(g.cellOf[id]), int(g.slot[id])
	self := g.cells[oc][s]
	var xs, ys [3]int
	nx := g.around(int(self.Pos.X/g.cw), g.cols, &xs)
	ny := g.around(int(self.Pos.Y/g.ch), g.rows, &ys)
	for _, cy := range ys[:ny] {
		row := cy * g.cols
		for _, cx := range xs[:nx] {
			run := g.cells[row+cx]
			if row+cx == oc {
				buf = g.take(run[:s], self.Pos, buf, near)
				run = run[s+1:]
			}
			buf = g.take(run, self.Pos, buf, near)
		}
	}
	return self, buf
}

func (g *Grid) take(run []Boid, p Vec, buf []Boid, near bool) []Boid {
	if near {
		return AppendWithin(&g.sp, p, run, buf)
	}
	return append(buf, run...)
}

// AppendWithin appends to buf the boids of run strictly within the view
// radius of p, and is every strategy's inner loop. It computes Space.Delta
// with the same arithmetic, inlined, so answers equal brute force to the
// last bit. About half the candidates are in reach, too random for the
// branch predictor, so every candidate is copied and the length grows by the sign bit of d²-r², which
// is set exactly when d² < r² (float subtraction of finite unequal numbers
// never rounds to zero). That needs room for every candidate, so when buf
// lacks it the loop appends only the boids in reach instead: a buffer grows
// to the neighbours a boid really has, not to its candidates. buf may be
// run[:0]: it then filters run in place.
func AppendWithin(sp *Space, p Vec, run []Boid, buf []Boid) []Boid {
	r2 := sp.Radius * sp.Radius
	if cap(buf)-len(buf) < len(run) {
		for k := range run {
			if sp.Delta(p, run[k].Pos).Len2() < r2 {
				buf = append(buf, run[k])
			}
		}
		return buf
	}
	n := len(buf)
	out := buf[:n+len(run)]
	if sp.Edges != Wrap {
		for k := range run {
			b := run[k]
			out[n] = b
			d := b.Pos.Sub(p)
			n += int(math.Float32bits(d.Len2()-r2) >> 31)
		}
		return buf[:n]
	}
	hw, hh := sp.W/2, sp.H/2
	for k := range run {
		b := run[k]
		out[n] = b
		d := b.Pos.Sub(p)
		d.X, d.Y = wrapAxis(d.X, sp.W, hw), wrapAxis(d.Y, sp.H, hh)
		n += int(math.Float32bits(d.Len2()-r2) >> 31)
	}
	return buf[:n]
}

// around fills out with the distinct cell coordinates next to c (c included)
// and returns how many there are: across the border when the world wraps,
// and each only once when the grid is fewer than three cells across.
func (g *Grid) around(c, n int, out *[3]int) int {
	c = min(max(c, 0), n-1)
	return Around(c, n, g.sp.Edges == Wrap, out)
}

// Around is the neighbour-cell rule shared by every strategy's layout: it
// fills out with the distinct coordinates among c-1, c, c+1 in a row of n
// cells and returns how many there are.
func Around(c, n int, wrap bool, out *[3]int) int {
	if n < 3 {
		if wrap {
			for i := range n {
				out[i] = i
			}
			return n
		}
		k := 0
		for i := max(c-1, 0); i <= min(c+1, n-1); i++ {
			out[k] = i
			k++
		}
		return k
	}
	k := 0
	for d := -1; d <= 1; d++ {
		x := c + d
		if wrap {
			x = (x + n) % n
		} else if x < 0 || x >= n {
			continue
		}
		out[k] = x
		k++
	}
	return k
}

// Read appends every boid's state, in id order, to dst.
func (g *Grid) Read(dst []Boid) []Boid {
	for id := range g.cellOf {
		dst = append(dst, g.Get(id))
	}
	return dst
}

// CheckCells reports the first broken invariant of the cell index: every
// boid in exactly one cell, the cell its position maps to. Tests use it.
func (g *Grid) CheckCells() error {
	seen := make([]int, len(g.cellOf))
	for c, cell := range g.ids {
		if len(cell) != len(g.cells[c]) {
			return errorf("cell %d has %d ids for %d boids", c, len(cell), len(g.cells[c]))
		}
		for s, id := range cell {
			if int(id) >= len(seen) {
				return errorf("cell %d holds unknown boid %d", c, id)
			}
			seen[id]++
			if int(g.cellOf[id]) != c || int(g.slot[id]) != s {
				return errorf("boid %d is in cell %d slot %d, index says cell %d slot %d", id, c, s, g.cellOf[id], g.slot[id])
			}
			if want := g.Cell(g.cells[c][s].Pos); want != c {
				return errorf("boid %d at %v is in cell %d, belongs in %d", id, g.cells[c][s].Pos, c, want)
			}
		}
	}
	for id, n := range seen {
		if n != 1 {
			return errorf("boid %d is in %d cells", id, n)
		}
	}
	return nil
}
