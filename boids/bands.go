package boids

import (
	"slices"
	"time"
)

// DefaultShards is how many bands the partitioned designs (sharded, actors)
// split the map into unless told otherwise: actors did best with few owners
// and sharded no better with more bands (README, Performance).
const DefaultShards = 4

// MaxShards bounds the shard setting; a map never has more bands than rows
// of cells, whatever the setting.
const MaxShards = 64

// Partitioned is implemented by designs that split the map into parts. The
// count takes effect at the next Load, which is how a Flock hands state over
// (Flock.SetStrategy with the same strategy reloads it).
type Partitioned interface {
	SetShards(n int)
	Shards() int
}

// ClampShards brings a shard setting into 1..MaxShards.
func ClampShards(n int) int { return min(max(n, 1), MaxShards) }

// Region is one part of the map with the contention measured in it,
// cumulative (since the design's last Load for a partitioned design's band;
// since the flock started for the whole-world region RegionsOf makes of a
// flock's counters): readers take differences. Figures that mean nothing
// for a design stay zero.
type Region struct {
	Min, Max Vec           // the world rectangle it covers
	Waits    uint64        // lock acquisitions that had to wait
	Wait     time.Duration // time spent waiting for its lock (sampled, scaled)
	Served   uint64        // requests its owner served
	QueueSum uint64        // the owner's queue length, summed over the queries it served
	QueueMax uint64        // the longest queue its owner saw
	Busy     time.Duration // time its owner spent serving
	Retries  uint64        // failed compare-and-swaps that were retried
}

// Regional is implemented by designs that measure contention per part of
// the map, for the overlay and the heat map. Regions may be called while
// boids run.
type Regional interface {
	Regions(dst []Region) []Region
}

// RegionsOf appends the contention figures per part of the map of st: its
// own when it measures them per part (Regional), otherwise one region, the
// whole world, with its counters c.
func RegionsOf(st Strategy, sp Space, c *Counters, dst []Region) []Region {
	if r, ok := st.(Regional); ok {
		return r.Regions(dst)
	}
	return append(dst, Region{
		Max:   Vec{sp.W, sp.H},
		Waits: c.Contended, Wait: c.LockWait,
		Served: c.Reads, QueueSum: c.QueueSum, QueueMax: c.QueueMax, Busy: c.OwnerBusy,
		Retries: c.CASRetries,
	})
}

// bands is the layout the partitioned designs share: the grid's cells
// (Space.Cells, so at least the view radius high) grouped into horizontal
// bands of whole rows. A query scans the rows next to its boid's, so it
// touches at most three rows, and at most two bands when bands are at least
// two rows high.
type bands struct {
	sp         Space
	lay        Layout // the kernel's distance test and neighbour cap (Layout.Filter)
	cols, rows int
	cw, ch     float32
	wrap       bool
	bandOf     []int32 // row -> band
	first      []int   // band -> its first row; first[len] = rows
}

// layout sizes the grid for sp and splits its rows into min(n, rows) bands
// of nearly equal height.
func (l *bands) layout(sp Space, n int) {
	l.sp = sp
	l.lay = sp.Layout()
	// Radius-wide cells, not the kernel's finer ones (Space.Layout): the
	// bands scan 3×3 cells and move a boid at most one row at a time.
	l.cols, l.rows = cellsFor(sp.W, sp.Radius), cellsFor(sp.H, sp.Radius)
	l.cw, l.ch = sp.W/float32(l.cols), sp.H/float32(l.rows)
	l.wrap = sp.Edges == Wrap
	n = min(ClampShards(n), l.rows)
	l.bandOf = resize(l.bandOf, l.rows)
	l.first = resize(l.first, n+1)
	for b := range n + 1 {
		l.first[b] = b * l.rows / n
	}
	for b := range n {
		for r := l.first[b]; r < l.first[b+1]; r++ {
			l.bandOf[r] = int32(b)
		}
	}
}

func (l *bands) count() int { return len(l.first) - 1 }

// cell is the index of the cell holding p, and its row.
func (l *bands) cell(p Vec) (c, row int) {
	c = CellIndex(p, l.cols, l.rows, l.cw, l.ch)
	return c, c / l.cols
}

// rowsAround fills out with the distinct rows next to row (row included).
func (l *bands) rowsAround(row int, out *[3]int) int { return Around(row, l.rows, l.wrap, out) }

// bandsOf fills out with the distinct bands of rows, in ascending order: the
// one order in which every goroutine takes band locks.
func (l *bands) bandsOf(rows []int, out []int) []int {
	out = out[:0]
	for _, r := range rows {
		b := int(l.bandOf[r])
		if slices.Contains(out, b) {
			continue
		}
		// Insertion into a list of at most six.
		i := len(out)
		out = append(out, b)
		for ; i > 0 && out[i-1] > b; i-- {
			out[i] = out[i-1]
		}
		out[i] = b
	}
	return out
}

// region is band b's world rectangle.
func (l *bands) region(b int) Region {
	return Region{
		Min: Vec{0, float32(l.first[b]) * l.ch},
		Max: Vec{l.sp.W, float32(l.first[b+1]) * l.ch},
	}
}

// cells is a set of grid cells holding boid states side by side, with the
// ids beside them, as Grid does. Whoever owns a cells value decides who may
// touch which cell.
type cells struct {
	states [][]Boid
	ids    [][]int32
}

// reset empties the cells, n of them in rows of cols, making room for
// room boids in each cell of the rows use marks (every row if use is nil).
func (cs *cells) reset(n, cols, room int, use []bool) {
	if len(cs.states) != n {
		cs.states = make([][]Boid, n)
		cs.ids = make([][]int32, n)
	}
	for c := range cs.states {
		if cap(cs.states[c]) < room && (use == nil || use[c/cols]) {
			cs.states[c] = make([]Boid, 0, room)
			cs.ids[c] = make([]int32, 0, room)
		}
		cs.states[c] = cs.states[c][:0]
		cs.ids[c] = cs.ids[c][:0]
	}
}

// add appends boid id to cell c and returns its slot.
func (cs *cells) add(c int, id int32, b Boid) int32 {
	cs.states[c] = append(cs.states[c], b)
	cs.ids[c] = append(cs.ids[c], id)
	return int32(len(cs.states[c]) - 1)
}

// remove swap-removes the boid in slot s of cell c and returns the id of the
// boid moved into the hole (-1 if none), whose slot is now s.
func (cs *cells) remove(c int, s int32) (moved int32) {
	last := int32(len(cs.states[c]) - 1)
	moved = -1
	if s != last {
		moved = cs.ids[c][last]
		cs.states[c][s], cs.ids[c][s] = cs.states[c][last], moved
	}
	cs.states[c], cs.ids[c] = cs.states[c][:last], cs.ids[c][:last]
	return moved
}

// near appends the boids of the 3×3 cells around cell c strictly within the
// view radius of self, skipping slot s of cell c (self's own), up to
// MaxNeighbors of them: the scan stops once the cap is reached, so a crowded
// world bounds its work as the kernel's own queries do.
func (cs *cells) near(l *bands, c int, s int32, self Boid, buf []Boid) []Boid {
	limit := len(buf) + MaxNeighbors
	var xs, ys [3]int
	nx := Around(c%l.cols, l.cols, l.wrap, &xs)
	ny := l.rowsAround(c/l.cols, &ys)
	for _, cy := range ys[:ny] {
		row := cy * l.cols
		for _, cx := range xs[:nx] {
			if len(buf) >= limit {
				return buf
			}
			run := cs.states[row+cx]
			if row+cx == c {
				buf = l.lay.FilterTo(self.Pos, run[:s], buf, limit)
				run = run[s+1:]
			}
			buf = l.lay.FilterTo(self.Pos, run, buf, limit)
		}
	}
	return buf
}

// cellRoomFor is how many boids a cell has room for before it must grow: a
// few times the mean, so that a flock gathering into clumps rarely
// allocates.
func cellRoomFor(boids, cells int) int { return max(16, 4*boids/cells) }
