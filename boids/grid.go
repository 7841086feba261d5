package boids

// Grid is the spatial map: a uniform grid whose cells are at least the view
// radius wide, so a neighbour query scans the 3×3 cells around a boid. Each
// cell keeps copies of its boids' states, so a query reads contiguous memory.
//
// A Grid is not safe for concurrent use: strategies decide who may touch it.
type Grid struct {
	sp         Space
	cols, rows int
	cw, ch     float32
	cells      [][]entry
	cellOf     []int32 // boid id -> cell index
	slot       []int32 // boid id -> index within its cell
}

type entry struct {
	b  Boid
	id int32
}

// Load replaces the grid's contents with boids; boid i gets id i. It reuses
// the grid's memory when the geometry is unchanged.
func (g *Grid) Load(sp Space, boids []Boid) {
	cols, rows := cellsFor(sp.W, sp.Radius), cellsFor(sp.H, sp.Radius)
	if g.sp != sp || len(g.cells) != cols*rows {
		g.sp, g.cols, g.rows = sp, cols, rows
		g.cw, g.ch = sp.W/float32(cols), sp.H/float32(rows)
		g.cells = make([][]entry, cols*rows)
	}
	for i := range g.cells {
		g.cells[i] = g.cells[i][:0]
	}
	g.cellOf = resize(g.cellOf, len(boids))
	g.slot = resize(g.slot, len(boids))
	for id, b := range boids {
		c := g.Cell(b.Pos)
		g.cellOf[id] = int32(c)
		g.slot[id] = int32(len(g.cells[c]))
		g.cells[c] = append(g.cells[c], entry{b, int32(id)})
	}
}

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
	return g.cells[g.cellOf[id]][g.slot[id]].b
}

// Set stores boid id's new state, moving it to another cell when it crossed
// a border.
func (g *Grid) Set(id int, b Boid) {
	oc, nc := int(g.cellOf[id]), g.Cell(b.Pos)
	if oc == nc {
		g.cells[oc][g.slot[id]].b = b
		return
	}
	// Swap-remove from the old cell, fixing the slot of the boid moved into
	// the hole.
	s, cell := g.slot[id], g.cells[oc]
	last := cell[len(cell)-1]
	cell[s] = last
	g.slot[last.id] = s
	g.cells[oc] = cell[:len(cell)-1]

	g.cellOf[id] = int32(nc)
	g.slot[id] = int32(len(g.cells[nc]))
	g.cells[nc] = append(g.cells[nc], entry{b, int32(id)})
}

// Near appends to buf every boid strictly within the view radius of boid id,
// id itself excluded, and returns id's own state with the extended buffer.
func (g *Grid) Near(id int, buf []Boid) (Boid, []Boid) {
	self := g.Get(id)
	var xs, ys [3]int
	nx := g.around(int(self.Pos.X/g.cw), g.cols, &xs)
	ny := g.around(int(self.Pos.Y/g.ch), g.rows, &ys)
	r2 := g.sp.Radius * g.sp.Radius
	for _, cy := range ys[:ny] {
		row := cy * g.cols
		for _, cx := range xs[:nx] {
			for i := range g.cells[row+cx] {
				e := &g.cells[row+cx][i]
				if int(e.id) == id {
					continue
				}
				if d := g.sp.Delta(self.Pos, e.b.Pos); d.Len2() < r2 {
					buf = append(buf, e.b)
				}
			}
		}
	}
	return self, buf
}

// Gather is Near without the distance test: it appends every boid in the
// cells Near scans, id itself excluded, for a strategy that leaves the test
// to the caller, outside the code that must own the grid.
func (g *Grid) Gather(id int, buf []Boid) (Boid, []Boid) {
	self := g.Get(id)
	var xs, ys [3]int
	nx := g.around(int(self.Pos.X/g.cw), g.cols, &xs)
	ny := g.around(int(self.Pos.Y/g.ch), g.rows, &ys)
	for _, cy := range ys[:ny] {
		row := cy * g.cols
		for _, cx := range xs[:nx] {
			for i := range g.cells[row+cx] {
				if e := &g.cells[row+cx][i]; int(e.id) != id {
					buf = append(buf, e.b)
				}
			}
		}
	}
	return self, buf
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
	for c, cell := range g.cells {
		for s, e := range cell {
			if int(e.id) >= len(seen) {
				return errorf("cell %d holds unknown boid %d", c, e.id)
			}
			seen[e.id]++
			if int(g.cellOf[e.id]) != c || int(g.slot[e.id]) != s {
				return errorf("boid %d is in cell %d slot %d, index says cell %d slot %d", e.id, c, s, g.cellOf[e.id], g.slot[e.id])
			}
			if want := g.Cell(e.b.Pos); want != c {
				return errorf("boid %d at %v is in cell %d, belongs in %d", e.id, e.b.Pos, c, want)
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
