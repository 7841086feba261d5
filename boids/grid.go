package boids

import (
	"math"
	"slices"
)

// The kernel: how every design finds a boid's neighbours.
//
// Contract, for Grid and for any design keeping its own cells:
//   - Space.Layout gives the cells: Cols×Rows cells of CW×CH, about half the
//     view radius a side (bigger only when a huge world would need more than
//     maxCells). Layout.Cell maps a position to its cell, clamping positions
//     outside the world to the border cells.
//   - Layout.Query starts a query at p: it lists the runs of cells that a
//     circle of the view radius around p can touch (its Block). Query.Append
//     scans one run of candidates; a design calls it for every run, itself
//     excluded, and may stop once Query.Full says so.
//   - A query returns every boid strictly within the view radius, computed
//     with exactly Space.Delta's arithmetic, so it equals brute force to the
//     last bit, unless more than MaxNeighbors are within reach: it then
//     returns MaxNeighbors of them, whichever the scan met first. A query's
//     cost and its buffer are therefore bounded whatever the density.
//   - Runs are scanned from the boid's own row of cells outwards, so a
//     capped query keeps the nearest rows rather than the top of the block.

// MaxNeighbors bounds the boids one neighbour query returns. In a flock that
// has gathered, a boid has about 45 neighbours and at most 119 were seen
// (BenchParams at 10,000 boids and the game's default world, 2,000 ticks),
// so the cap never binds there; it binds only in crowded worlds (20,000
// boids in 64×64: every boid is within reach of every other), where it
// keeps a query's work and buffer bounded. Real starlings heed about 7.
const MaxNeighbors = 256

// maxCells bounds the cells of a layout, so that a huge world with a small
// radius does not cost memory per cell out of proportion to its boids.
const maxCells = 1 << 16

// cellsPerRadius is how many cells span one view radius. Cells half the
// radius wide let a query skip the corners of its block that the circle
// cannot reach: with radius-wide cells a query examines 9 r² of area to
// find a circle of 3.14 r², with half-radius cells and row culling about
// 5.4 r² (a gathered flock: 88 candidates for 51 neighbours).
const cellsPerRadius = 2

// maxReach is the most cells a query reaches on each side of its own:
// cells are at least Radius/cellsPerRadius wide and a query reaches the
// radius plus a 1/64-cell margin.
const maxReach = cellsPerRadius + 1

// Layout is the cell geometry of a Space: every design's map uses it.
type Layout struct {
	Space      Space
	Cols, Rows int
	CW, CH     float32 // a cell's width and height
	kx, ky     int     // cells a query reaches on each side of its own
	invCW      float32 // 1/CW, for the spans of a block, which have margins
	// small: the world is too few cells across for the fast path (row
	// culling, no wrap arithmetic away from the border), so queries scan
	// their whole block with the wrap arithmetic.
	small bool
}

// Layout returns the cell geometry for the space.
func (sp Space) Layout() Layout {
	side := sp.Radius / cellsPerRadius
	if float64(sp.W/side)*float64(sp.H/side) > maxCells {
		side = float32(math.Sqrt(float64(sp.W) * float64(sp.H) / maxCells))
	}
	l := Layout{Space: sp, Cols: cellsFor(sp.W, side), Rows: cellsFor(sp.H, side)}
	l.CW, l.CH = sp.W/float32(l.Cols), sp.H/float32(l.Rows)
	l.invCW = 1 / l.CW
	l.kx = int(math.Ceil(float64((sp.Radius + l.CW/64) / l.CW)))
	l.ky = int(math.Ceil(float64((sp.Radius + l.CH/64) / l.CH)))
	// A block fewer than half the world across never wraps onto itself, and
	// away from the border no difference inside it exceeds half the world,
	// so Delta's wrap is the identity there.
	l.small = l.Cols < 4*l.kx+3 || l.Rows < 4*l.ky+3
	return l
}

// Cells is the number of columns and rows of the space's layout.
func (sp Space) Cells() (cols, rows int) {
	l := sp.Layout()
	return l.Cols, l.Rows
}

func cellsFor(size, side float32) int {
	return max(int(size/side), 1)
}

// NumCells is the number of cells; Cell returns indices below it.
func (l *Layout) NumCells() int { return l.Cols * l.Rows }

// Cell returns the index of the cell holding position p; positions outside
// the world are clamped to the nearest border cell.
func (l *Layout) Cell(p Vec) int {
	return CellIndex(p, l.Cols, l.Rows, l.CW, l.CH)
}

// CellIndex is Layout.Cell for strategies that keep their own cell layout.
func CellIndex(p Vec, cols, rows int, cw, ch float32) int {
	cx, cy := int(p.X/cw), int(p.Y/ch)
	cx = min(max(cx, 0), cols-1)
	cy = min(max(cy, 0), rows-1)
	return cy*cols + cx
}

// Block is the cells one query scans, as runs of consecutive cell indices
// (each within one row), its own row first.
type Block struct {
	Runs [2 * (2*maxReach + 1)][2]int32 // first and last cell of each run
	N    int                            // runs in use
	// Wrap: some candidate may lie across the border of a wrapping world,
	// so the scan needs Delta's wrap arithmetic.
	Wrap bool
}

func (b *Block) add(c0, c1 int) {
	b.Runs[b.N] = [2]int32{int32(c0), int32(c1)}
	b.N++
}

// Query is one neighbour query in progress; see the contract above.
type Query struct {
	Block
	p      Vec
	r2     float32
	w, h   float32
	hw, hh float32
	limit  int // buf's length at which the query is full
}

// Query starts a query around p that will append to buf, whose length now
// is where the count of MaxNeighbors starts.
func (l *Layout) Query(p Vec, buf []Boid) (q Query) {
	l.start(&q, p, buf)
	return q
}

// start is Query filling the caller's Query: a Query returned by value is
// built in a frame of its own and copied, and the query path's frames
// together overflowed the 2 KiB a boid goroutine starts with, doubling
// every boid's stack; a boid's stack is also cold memory when its goroutine
// runs, so every line of it touched costs.
func (l *Layout) start(q *Query, p Vec, buf []Boid) {
	l.filter(q, p, buf)
	l.block(p, &q.Block)
}

// filter makes q a query around p with no cells listed, for candidates
// that were gathered already; only its wrap arithmetic depends on p. It
// sets q's fields one by one: a composite literal was built on the stack
// and then copied.
func (l *Layout) filter(q *Query, p Vec, buf []Boid) {
	q.p, q.r2, q.limit = p, l.Space.Radius*l.Space.Radius, len(buf)+MaxNeighbors
	q.w, q.h, q.hw, q.hh = l.Space.W, l.Space.H, l.Space.W/2, l.Space.H/2
	q.N, q.Wrap = 0, false
	if l.Space.Edges == Wrap {
		cx := min(max(int(p.X/l.CW), 0), l.Cols-1)
		cy := min(max(int(p.Y/l.CH), 0), l.Rows-1)
		q.Wrap = l.small || cx < l.kx || cx+l.kx >= l.Cols || cy < l.ky || cy+l.ky >= l.Rows
	}
}

// Filter appends to buf the boids of cand strictly within the view radius
// of p, up to MaxNeighbors of them: the kernel for candidates gathered
// elsewhere (the channel design's owner gathers, the asker filters). buf
// may be cand[:0]: it then filters in place.
func (l *Layout) Filter(p Vec, cand, buf []Boid) []Boid {
	return l.FilterTo(p, cand, buf, len(buf)+MaxNeighbors)
}

// FilterTo is Filter for a query that spans several calls, each over some
// of its candidates: buf stops growing at length limit, the query's start
// plus MaxNeighbors (the partitioned designs scan their own cells so).
func (l *Layout) FilterTo(p Vec, cand, buf []Boid, limit int) []Boid {
	var q Query
	l.filter(&q, p, buf)
	q.limit = limit
	return q.Append(cand, buf)
}

// room is how many boids buf can take before it must grow or the query is
// full.
func (q *Query) room(buf []Boid) int { return min(cap(buf), q.limit) - len(buf) }

// Full reports whether buf holds as many boids as the query may return.
func (q *Query) Full(buf []Boid) bool { return len(buf) >= q.limit }

// block lists the cells a circle of the view radius around p can touch.
func (l *Layout) block(p Vec, b *Block) {
	cx := min(max(int(p.X/l.CW), 0), l.Cols-1)
	cy := min(max(int(p.Y/l.CH), 0), l.Rows-1)
	b.N = 0
	switch {
	case l.small:
		l.smallBlock(cx, cy, b)
	case cx >= l.kx && cx+l.kx < l.Cols && cy >= l.ky && cy+l.ky < l.Rows:
		l.innerBlock(p, cx, cy, b)
	default:
		l.borderBlock(p, cx, cy, b)
	}
}

// innerBlock is block for a point whose block lies inside the world, most
// points of a big one: no row or column to wrap or clip, so each row is
// one run, from a width and two conversions. With it, block took 0.52x
// the instructions and 0.3x the mispredicted branches it took with the
// general rows alone (cachegrind, sequential ticks of a gathered flock of
// 10,000).
//
// Rows whose nearest point is beyond the radius are skipped. Positions
// round to their cells with float error, so the radius is widened by a
// 64th of a cell: a candidate too many is harmless, a neighbour missed is
// not. The gaps to the rows above and below are the point's distances to
// its cell's edges plus whole cells, which err by far less than that.
func (l *Layout) innerBlock(p Vec, cx, cy int, b *Block) {
	reach := l.Space.Radius + l.CH/64
	reach2, mx := reach*reach, l.CW/64
	lo, hi := cx-l.kx, cx+l.kx
	run := func(row int, w float32) {
		w += mx
		x0 := max(int((p.X-w)*l.invCW), lo)
		x1 := min(int((p.X+w)*l.invCW), hi)
		b.add(row+x0, row+x1)
	}
	row := cy * l.Cols
	run(row, reach)
	up := p.Y - float32(cy)*l.CH
	down := l.CH - up
	for k := 1; k <= l.ky; k++ {
		if up < reach {
			run(row-k*l.Cols, float32(math.Sqrt(float64(reach2-up*up))))
		}
		if down < reach {
			run(row+k*l.Cols, float32(math.Sqrt(float64(reach2-down*down))))
		}
		up += l.CH
		down += l.CH
	}
}

// borderBlock is block for a point whose block reaches the world's border:
// its rows wrap or are clipped there, and a row may wrap into two runs.
func (l *Layout) borderBlock(p Vec, cx, cy int, b *Block) {
	wrap := l.Space.Edges == Wrap
	mx, my := l.CW/64, l.CH/64
	reach := l.Space.Radius + my
	reach2 := reach * reach
	for i := 0; i <= 2*l.ky; i++ {
		dy := (i + 1) / 2
		if i%2 == 1 {
			dy = -dy
		}
		y := cy + dy
		if !wrap && (y < 0 || y >= l.Rows) {
			continue
		}
		var gap float32
		switch {
		case dy < 0:
			gap = p.Y - float32(y+1)*l.CH
		case dy > 0:
			gap = float32(y)*l.CH - p.Y
		}
		if gap >= reach {
			continue
		}
		w := reach
		if gap > 0 {
			w = float32(math.Sqrt(float64(reach2 - gap*gap)))
		}
		w += mx
		// Adding Cols before truncating floors the negative ones too. A
		// product by 1/CW errs by far less than the margin, which the
		// division, 4 times as slow, would not need either.
		x0 := max(int((p.X-w)*l.invCW+float32(l.Cols))-l.Cols, cx-l.kx)
		x1 := min(int((p.X+w)*l.invCW+float32(l.Cols))-l.Cols, cx+l.kx)
		if !wrap {
			x0, x1 = max(x0, 0), min(x1, l.Cols-1)
		}
		// y is at most a block's reach past either border: a conditional
		// wrap rather than %, a division (8% of block's profile).
		switch {
		case y < 0:
			y += l.Rows
		case y >= l.Rows:
			y -= l.Rows
		}
		row := y * l.Cols
		if x0 < 0 {
			b.add(row+x0+l.Cols, row+l.Cols-1)
			x0 = 0
		}
		if x1 >= l.Cols {
			b.add(row, row+x1-l.Cols)
			x1 = l.Cols - 1
		}
		b.add(row+x0, row+x1)
	}
}

// smallBlock is block for worlds only a few cells across: every distinct
// cell within reach, no culling.
func (l *Layout) smallBlock(cx, cy int, b *Block) {
	wrap := l.Space.Edges == Wrap
	var ys [2*maxReach + 1]int
	ny := span(cy, l.ky, l.Rows, wrap, ys[:])
	for _, y := range ys[:ny] {
		row := y * l.Cols
		switch {
		case wrap && 2*l.kx+1 >= l.Cols:
			b.add(row, row+l.Cols-1)
		case wrap:
			x0, x1 := cx-l.kx, cx+l.kx
			if x0 < 0 {
				b.add(row+x0+l.Cols, row+l.Cols-1)
				x0 = 0
			}
			if x1 >= l.Cols {
				b.add(row, row+x1-l.Cols)
				x1 = l.Cols - 1
			}
			b.add(row+x0, row+x1)
		default:
			b.add(row+max(cx-l.kx, 0), row+min(cx+l.kx, l.Cols-1))
		}
	}
}

// span fills out with the distinct rows within k of c among n, c first and
// then outwards, and returns how many there are.
func span(c, k, n int, wrap bool, out []int) int {
	if wrap && 2*k+1 >= n {
		k = n / 2 // every row once: c, then alternately below and above
	}
	m := 0
	for i := 0; i <= 2*k; i++ {
		d := (i + 1) / 2
		if i%2 == 1 {
			d = -d
		}
		y := c + d
		if wrap {
			y = (y + n) % n
		} else if y < 0 || y >= n {
			continue
		}
		if !slices.Contains(out[:m], y) {
			out[m] = y
			m++
		}
	}
	return m
}

// Append appends to buf the boids of run strictly within the view radius of
// the query's point, up to the query's limit, and is every design's inner
// loop. It computes Space.Delta with the same arithmetic, inlined, so
// answers equal brute force to the last bit; away from a wrapping world's
// border that arithmetic is a plain subtraction. About half the candidates
// are in reach, too random for the branch predictor, so every candidate is
// copied and the length grows by the sign bit of d²-r², which is set
// exactly when d² < r² (float subtraction of finite unequal numbers never
// rounds to zero). The copies need room for the whole run below the limit;
// a run that lacks it is taken in chunks, the buffer growing only as far as
// the neighbours found need. buf may be run[:0]: it then filters run in
// place.
func (q *Query) Append(run, buf []Boid) []Boid {
	if len(run) > q.room(buf) {
		return q.appendGrowing(run, buf)
	}
	n := len(buf)
	if !q.Wrap {
		return buf[:within(run, buf[:n+len(run)], n, q.p, q.r2)]
	}
	out := buf[n : n+len(run)]
	k := 0
	for i := range run {
		b := run[i]
		out[k] = b
		d := b.Pos.Sub(q.p)
		d.X, d.Y = wrapAxis(d.X, q.w, q.hw), wrapAxis(d.Y, q.h, q.hh)
		k += int(math.Float32bits(d.Len2()-q.r2) >> 31)
	}
	return buf[:n+k]
}

// appendGrowing is Append for a run that may not fit: it takes the run in
// chunks no longer than the room left, doubling the buffer (up to the
// limit) when it is full, and stops at the limit.
func (q *Query) appendGrowing(run, buf []Boid) []Boid {
	for len(run) > 0 && len(buf) < q.limit {
		if q.room(buf) == 0 {
			buf = slices.Grow(buf, min(max(2*cap(buf), 16), q.limit)-len(buf))
		}
		k := min(len(run), q.room(buf))
		buf = q.Append(run[:k], buf)
		run = run[k:]
	}
	return buf
}

// Around is the radius-wide neighbour-cell rule of the workshop's designs,
// which keep cells one view radius wide: it fills out with the distinct
// coordinates among c-1, c, c+1 in a row of n cells and returns how many
// there are.
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

// Grid is the spatial map of the designs that update it in place (mutex,
// channel). Each cell keeps copies of its boids' states side
// by side in one shared slab, so a query reads contiguous memory and a move
// between cells never allocates: a cell that outgrows its room moves to the
// slab's free end, and when the slab is used up every cell is repacked into
// a second one, in row order.
//
// In row order, the cells of one row of a query's block are one stretch of
// the slab, as in a frame, and Near scans each such stretch in one loop:
// the room between the boids is filled with far, which is never within
// reach. Scanning cell by cell, every cell's loop ended with a mispredicted
// branch (35 cells a query in a gathered flock). A row one of whose cells
// has moved to the free end is scanned cell by cell until the next repack.
//
// A Grid is not safe for concurrent use: strategies decide who may touch it.
type Grid struct {
	lay    Layout
	cells  []cellRun // per cell: where its boids are in the slab
	slab   slab
	spare  slab    // the slab the next repack fills
	cellOf []int32 // boid id -> cell index
	slot   []int32 // boid id -> index within its cell
	// split[c]: a cell of c's row has moved out of row order.
	split  []bool
	splits int // rows split
}

// far fills a Grid's room: a query's squared distance to it, about 2e36,
// is finite and beyond any radius, across a wrapping border too.
var far = Boid{Pos: Vec{1e18, 1e18}}

// cellRun is cell's place in the slab: n boids from off, room for room.
type cellRun struct{ off, n, room int32 }

// slab holds every cell's boids and their ids; top is where free room
// starts.
type slab struct {
	boids []Boid
	ids   []int32
	top   int32
}

// Load replaces the grid's contents with boids; boid i gets id i. It reuses
// the grid's memory when the flock is no bigger.
func (g *Grid) Load(sp Space, boids []Boid) {
	g.lay = sp.Layout()
	nc := g.lay.NumCells()
	g.cells = resize(g.cells, nc)
	// After a repack every cell has room for a quarter more boids than it
	// holds, plus two: the slab holds that twice over, so repacks are rare.
	size := 2*len(boids) + 4*nc + 64
	for _, s := range []*slab{&g.slab, &g.spare} {
		s.boids = resize(s.boids, size)
		s.ids = resize(s.ids, size)
	}
	g.cellOf = resize(g.cellOf, len(boids))
	g.slot = resize(g.slot, len(boids))
	g.split = resize(g.split, nc)
	clear(g.split)
	g.splits = 0
	clear(g.cells)
	for id, b := range boids {
		c := g.lay.Cell(b.Pos)
		g.cellOf[id] = int32(c)
		g.cells[c].n++
	}
	g.slab.top = 0
	for c := range g.cells {
		cr := &g.cells[c]
		cr.off, cr.room = g.slab.top, roomFor(cr.n)
		g.slab.top += cr.room
		cr.n = 0
	}
	fill(g.slab.boids[:g.slab.top])
	for id, b := range boids {
		cr := &g.cells[g.cellOf[id]]
		k := cr.off + cr.n
		g.slab.boids[k], g.slab.ids[k] = b, int32(id)
		g.slot[id] = cr.n
		cr.n++
	}
}

func roomFor(n int32) int32 { return n + n/4 + 2 }

func fill(room []Boid) {
	for i := range room {
		room[i] = far
	}
}

func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// Layout returns the cell geometry the grid was loaded with.
func (g *Grid) Layout() *Layout { return &g.lay }

// Space returns the geometry the grid was loaded with.
func (g *Grid) Space() Space { return g.lay.Space }

// Len is the number of boids in the grid.
func (g *Grid) Len() int { return len(g.cellOf) }

// NumCells is the number of cells; Cell returns indices below it.
func (g *Grid) NumCells() int { return len(g.cells) }

// Cell returns the index of the cell holding position p; positions outside
// the world are clamped to the nearest border cell.
func (g *Grid) Cell(p Vec) int { return g.lay.Cell(p) }

// run returns cell c's boids.
func (g *Grid) run(c int) []Boid {
	cr := g.cells[c]
	return g.slab.boids[cr.off : cr.off+cr.n]
}

// Get returns boid id's state.
func (g *Grid) Get(id int) Boid {
	return g.slab.boids[g.cells[g.cellOf[id]].off+g.slot[id]]
}

// Set stores boid id's new state, moving it to another cell when it crossed
// a border.
func (g *Grid) Set(id int, b Boid) {
	oc, nc := g.cellOf[id], int32(g.lay.Cell(b.Pos))
	from := &g.cells[oc]
	if oc == nc {
		g.slab.boids[from.off+g.slot[id]] = b
		return
	}
	// Swap-remove from the old cell, fixing the slot of the boid moved into
	// the hole.
	s, last := from.off+g.slot[id], from.off+from.n-1
	moved := g.slab.ids[last]
	g.slab.boids[s], g.slab.ids[s] = g.slab.boids[last], moved
	g.slab.boids[last] = far
	g.slot[moved] = g.slot[id]
	from.n--

	to := &g.cells[nc]
	if to.n == to.room {
		g.grow(int(nc))
	}
	k := to.off + to.n
	g.slab.boids[k], g.slab.ids[k] = b, int32(id)
	g.cellOf[id], g.slot[id] = nc, to.n
	to.n++
}

// grow gives full cell c more room: twice as much at the slab's free end,
// its row then split, or, when that is used up, a repack of every cell.
func (g *Grid) grow(c int) {
	cr := &g.cells[c]
	room := 2*cr.room + 2
	if int(g.slab.top+room) > len(g.slab.boids) {
		g.repack()
		return
	}
	top := g.slab.top
	copy(g.slab.boids[top:top+cr.n], g.slab.boids[cr.off:cr.off+cr.n])
	copy(g.slab.ids[top:top+cr.n], g.slab.ids[cr.off:cr.off+cr.n])
	fill(g.slab.boids[top+cr.n : top+room])
	cr.off, cr.room = top, room
	g.slab.top += room
	if !g.split[c] {
		g.splits++
		row := c - c%g.lay.Cols
		for i := row; i < row+g.lay.Cols; i++ {
			g.split[i] = true
		}
	}
}

// Tidy puts every cell back in row order if some row is split, so that
// Near scans whole rows again. Moves split rows fast: in a 10,000-boid
// flock under mutex, 60-100% of the cells were in split rows at any time.
func (g *Grid) Tidy() {
	if g.splits > 0 {
		g.repack()
	}
}

// repack copies every cell into the spare slab with fresh room, and swaps
// the slabs.
func (g *Grid) repack() {
	dst := &g.spare
	dst.top = 0
	for c := range g.cells {
		cr := &g.cells[c]
		top := dst.top
		copy(dst.boids[top:top+cr.n], g.slab.boids[cr.off:cr.off+cr.n])
		copy(dst.ids[top:top+cr.n], g.slab.ids[cr.off:cr.off+cr.n])
		cr.off, cr.room = top, roomFor(cr.n)
		fill(dst.boids[top+cr.n : top+cr.room])
		dst.top += cr.room
	}
	g.slab, g.spare = g.spare, g.slab
	clear(g.split)
	g.splits = 0
}

// Near appends to buf the boids strictly within the view radius of boid id,
// id itself excluded (at most MaxNeighbors: see the kernel's contract), and
// returns id's own state with the extended buffer.
func (g *Grid) Near(id int, buf []Boid) (Boid, []Boid) {
	oc, s := int(g.cellOf[id]), int(g.slot[id])
	me := int(g.cells[oc].off) + s // id's index in the slab
	self := g.slab.boids[me]
	var q Query
	g.lay.start(&q, self.Pos, buf)
	for _, r := range q.Runs[:q.N] {
		c0, c1 := int(r[0]), int(r[1])
		if g.split[c0] {
			buf = g.nearCells(&q, c0, c1, oc, s, buf)
		} else {
			// As frame.near, with far in the room between boids.
			lo, hi := int(g.cells[c0].off), int(g.cells[c1].off+g.cells[c1].n)
			all := g.slab.boids
			switch n := len(buf); {
			case !q.Wrap && hi-lo <= q.room(buf):
				out := buf[:n+hi-lo]
				if me >= lo && me < hi {
					n = within(all[me+1:hi], out, within(all[lo:me], out, n, q.p, q.r2), q.p, q.r2)
				} else {
					n = within(all[lo:hi], out, n, q.p, q.r2)
				}
				buf = out[:n]
			case me >= lo && me < hi:
				buf = q.Append(all[me+1:hi], q.Append(all[lo:me], buf))
			default:
				buf = q.Append(all[lo:hi], buf)
			}
		}
		if q.Full(buf) {
			break
		}
	}
	return self, buf
}

// nearCells is Near's scan of cells c0..c1 of a split row, cell by cell;
// boid id is slot s of cell oc.
func (g *Grid) nearCells(q *Query, c0, c1, oc, s int, buf []Boid) []Boid {
	for c := c0; c <= c1; c++ {
		run := g.run(c)
		if c == oc {
			buf = q.Append(run[s+1:], q.Append(run[:s], buf))
		} else {
			buf = q.Append(run, buf)
		}
	}
	return buf
}

// within is Append's loop away from a wrapping world's border, small enough
// for the compiler to inline into the scan of a run of cells: it copies
// run to out from n and returns n plus how many of run are within reach.
// out must have room for len(run) from n.
func within(run, out []Boid, n int, p Vec, r2 float32) int {
	for _, b := range run {
		out[n] = b
		d := b.Pos.Sub(p)
		n += int(math.Float32bits(d.Len2()-r2) >> 31)
	}
	return n
}

// gatherMax bounds what Gather copies: a few times MaxNeighbors, so that a
// crowded world does not make the copy grow with the flock.
const gatherMax = 4 * MaxNeighbors

// Gather is Near with the distance test left to the asker: it appends every
// boid of the cells a query of boid id would scan, id itself excluded. A
// strategy whose owner must do as little as possible uses it. Where that
// would be more than gatherMax boids (a crowded world), it does the whole
// query (Near) instead, so the copy stays bounded; the asker's own distance
// test then keeps them all.
func (g *Grid) Gather(id int, buf []Boid) (Boid, []Boid) {
	oc, s := int(g.cellOf[id]), int(g.slot[id])
	self := g.run(oc)[s]
	var b Block
	g.lay.block(self.Pos, &b)
	n0 := len(buf)
	for _, r := range b.Runs[:b.N] {
		for c := int(r[0]); c <= int(r[1]); c++ {
			run := g.run(c)
			if len(buf)-n0+len(run) > gatherMax {
				return g.Near(id, buf[:n0])
			}
			if c == oc {
				buf = append(buf, run[:s]...)
				run = run[s+1:]
			}
			buf = append(buf, run...)
		}
	}
	return self, buf
}

// Candidates is how many boids a query of boid id examines, id excluded:
// the kernel's work, which benchmarks report per neighbour found.
func (g *Grid) Candidates(id int) int {
	var b Block
	g.lay.block(g.Get(id).Pos, &b)
	total := -1
	for _, r := range b.Runs[:b.N] {
		for c := r[0]; c <= r[1]; c++ {
			total += int(g.cells[c].n)
		}
	}
	return total
}

// Read appends every boid's state, in id order, to dst.
func (g *Grid) Read(dst []Boid) []Boid {
	for id := range g.cellOf {
		dst = append(dst, g.Get(id))
	}
	return dst
}

// CheckCells reports the first broken invariant of the cell index: every
// boid in exactly one cell, the cell its position maps to, and no two cells
// sharing slab room. Tests use it.
func (g *Grid) CheckCells() error {
	seen := make([]int, len(g.cellOf))
	owner := make([]int, len(g.slab.boids))
	for c, cr := range g.cells {
		if cr.n < 0 || cr.n > cr.room || int(cr.off+cr.room) > len(g.slab.boids) {
			return errorf("cell %d holds %d boids in room %d at %d of %d", c, cr.n, cr.room, cr.off, len(g.slab.boids))
		}
		for k := cr.off; k < cr.off+cr.room; k++ {
			if owner[k] != 0 {
				return errorf("cells %d and %d share slab slot %d", owner[k]-1, c, k)
			}
			owner[k] = c + 1
		}
		for k := cr.off + cr.n; k < cr.off+cr.room; k++ {
			if g.slab.boids[k] != far {
				return errorf("cell %d's room at slab slot %d holds %v, not far", c, k, g.slab.boids[k])
			}
		}
		if next := c + 1; next%g.lay.Cols != 0 && !g.split[c] && g.cells[next].off != cr.off+cr.room {
			return errorf("cells %d and %d of an unsplit row are not side by side in the slab", c, next)
		}
		for s := range cr.n {
			id := g.slab.ids[cr.off+s]
			if int(id) >= len(seen) || id < 0 {
				return errorf("cell %d holds unknown boid %d", c, id)
			}
			seen[id]++
			if int(g.cellOf[id]) != c || g.slot[id] != s {
				return errorf("boid %d is in cell %d slot %d, index says cell %d slot %d", id, c, s, g.cellOf[id], g.slot[id])
			}
			if want := g.Cell(g.slab.boids[cr.off+s].Pos); want != c {
				return errorf("boid %d at %v is in cell %d, belongs in %d", id, g.slab.boids[cr.off+s].Pos, c, want)
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

// frame is a packed map of a whole flock, rebuilt rather than updated:
// every boid's state grouped by cell, cells in index order with no room
// between them, so that the cells of one row of a query's block are one
// contiguous run of memory, scanned in one loop. The designs that step from
// a picture of the previous tick (lockfree ticked, the baselines) use it;
// the designs that move boids in place keep a Grid, which must leave room
// in its cells. Measured on a gathered flock of 10,000 boids, a query over
// a frame cost 0.5-0.6x the CPU of the same query over a Grid, whose cells
// are scanned one by one.
type frame struct {
	cells []Boid  // the boids of cell c are cells[start[c]:start[c+1]]
	start []int32 // one more than there are cells
	slot  []int32 // boid id -> its index in cells
	ids   []int32 // index in cells -> boid id
	taken int64   // when its states were read, ns since an epoch (lockfree's staleness)
}

// sort fills f with states grouped by cell (a counting sort, stable):
// states[k] is boid ids[k]'s state, or boid k's when ids is nil. cell is
// scratch of at least len(states); f's memory is reused.
func (f *frame) sort(l *Layout, states []Boid, ids []int32, cell []int32) {
	n := len(states)
	f.cells = resize(f.cells, n)
	f.slot = resize(f.slot, n)
	f.ids = resize(f.ids, n)
	f.start = resize(f.start, l.NumCells()+1)
	clear(f.start)
	cell = cell[:n]
	for k := range states {
		c := l.Cell(states[k].Pos)
		cell[k] = int32(c)
		f.start[c+1]++
	}
	for c := range l.NumCells() {
		f.start[c+1] += f.start[c]
	}
	// start[c] serves as cell c's fill pointer and ends as start[c+1];
	// shifting it back afterwards avoids a second array.
	for k := range states {
		c := cell[k]
		i := f.start[c]
		f.start[c]++
		id := int32(k)
		if ids != nil {
			id = ids[k]
		}
		f.cells[i], f.ids[i], f.slot[id] = states[k], id, i
	}
	copy(f.start[1:], f.start[:len(f.start)-1])
	f.start[0] = 0
}

// near appends to buf the boids of f within the view radius of self, the
// boid whose entry is cells[s] (excluded): the kernel's contract over a
// frame. self may differ from cells[s] (the free regime reads a boid's own
// latest state).
func (f *frame) near(l *Layout, self Boid, s int, buf []Boid) []Boid {
	var q Query
	l.start(&q, self.Pos, buf)
	// A run of cells is a run in memory too: one slice each. Away from a
	// wrapping world's border, with room for the whole run, the scan is
	// within inlined here (Grid.Near's fast path): Append's call costs
	// about as much as a short run's scan.
	for _, r := range q.Runs[:q.N] {
		lo, hi := int(f.start[r[0]]), int(f.start[r[1]+1])
		switch n := len(buf); {
		case !q.Wrap && hi-lo <= q.room(buf):
			out := buf[:n+hi-lo]
			if s >= lo && s < hi {
				n = within(f.cells[s+1:hi], out, within(f.cells[lo:s], out, n, q.p, q.r2), q.p, q.r2)
			} else {
				n = within(f.cells[lo:hi], out, n, q.p, q.r2)
			}
			buf = out[:n]
		case s >= lo && s < hi:
			buf = q.Append(f.cells[s+1:hi], q.Append(f.cells[lo:s], buf))
		default:
			buf = q.Append(f.cells[lo:hi], buf)
		}
		if q.Full(buf) {
			break
		}
	}
	return buf
}

// candidates is how many boids near examines for cells[s], itself excluded.
func (f *frame) candidates(l *Layout, s int) int {
	var b Block
	l.block(f.cells[s].Pos, &b)
	total := -1
	for _, r := range b.Runs[:b.N] {
		total += int(f.start[r[1]+1] - f.start[r[0]])
	}
	return total
}

// check reports the first broken invariant of f: every boid listed once,
// in the cell its position maps to, slot and ids inverse of each other.
func (f *frame) check(l *Layout) error {
	n := len(f.cells)
	if len(f.start) != l.NumCells()+1 || int(f.start[len(f.start)-1]) != n || len(f.slot) != n || len(f.ids) != n {
		return errorf("frame: %d cell starts for %d cells, %d boids, %d slots, %d ids", len(f.start), l.NumCells(), n, len(f.slot), len(f.ids))
	}
	for c := range l.NumCells() {
		for k := f.start[c]; k < f.start[c+1]; k++ {
			if want := l.Cell(f.cells[k].Pos); want != c {
				return errorf("frame: entry %d at %v is in cell %d, belongs in %d", k, f.cells[k].Pos, c, want)
			}
			if id := f.ids[k]; id < 0 || int(id) >= len(f.slot) || f.slot[id] != k {
				return errorf("frame: entry %d is boid %d, whose slot disagrees", k, id)
			}
		}
	}
	return nil
}

// KernelWork is the kernel's work on a flock in space sp, per boid: the
// candidates a query examines and the neighbours it finds, averaged over
// every boid (the Layout's cells, which every design's map shares). The bench
// reports it beside a row's time, so the kernel's cost shows apart from the
// synchronization's.
func KernelWork(sp Space, flock []Boid) (candidates, neighbours float64) {
	if len(flock) == 0 {
		return 0, 0
	}
	l := sp.Layout()
	var f frame
	f.sort(&l, flock, nil, make([]int32, len(flock)))
	buf := make([]Boid, 0, MaxNeighbors)
	var cand, nbrs int
	for k := range f.cells {
		cand += f.candidates(&l, k)
		buf = f.near(&l, f.cells[k], k, buf[:0])
		nbrs += len(buf)
	}
	n := float64(len(flock))
	return float64(cand) / n, float64(nbrs) / n
}
