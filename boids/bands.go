package boids

import "time"

// DefaultShards is how many bands the partitioned designs (sharded, actors)
// split the map into unless told otherwise: actors did best with few owners
// and sharded no better with more bands (README, Performance).
const DefaultShards = 4

// MaxShards bounds the shard setting; a map never has more bands than it
// is view radii high, whatever the setting.
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

// BandsFor is how many bands the partitioned designs split a world sp into
// for the shard setting n: never more than the world is view radii high,
// nor than the grid has rows of cells.
func BandsFor(sp Space, n int) int {
	return min(ClampShards(n), cellsFor(sp.H, sp.Radius), sp.Layout().Rows)
}

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
	return append(dst, worldRegion(sp, c))
}

// perCell is implemented by designs whose Regions are the grid's cells
// (lockfree's): thousands of them, which Sim copies into a snapshot only
// while the heat map is shown (Sim.SetHeat).
type perCell interface {
	Regional
	perCell()
}

// worldRegion is the whole world as one region, with a flock's counters c.
func worldRegion(sp Space, c *Counters) Region {
	return Region{
		Max:   Vec{sp.W, sp.H},
		Waits: c.Contended, Wait: c.LockWait,
		Served: c.Reads, QueueSum: c.QueueSum, QueueMax: c.QueueMax, Busy: c.OwnerBusy,
		Retries: c.CASRetries,
	}
}

// bands is the layout the partitioned designs share: the kernel's cells
// (Space.Layout, about half the view radius a side) grouped into horizontal
// bands of whole rows, never more bands than the world is view radii high,
// so a band is at least about two rows of cells high. A query scans its
// block (Layout.block), whose rows lie within the layout's reach (ky rows,
// at most maxReach) of its own.
type bands struct {
	lay        Layout // the cells, the kernel's queries and reach
	cols, rows int
	// bandOf[c] is cell c's band: per cell rather than per row, as a query
	// finds its bands from its block's cells, and the division from a cell
	// to its row cost a tenth of sharded's query (MaxShards fits a byte).
	bandOf []uint8
	first  []int // band -> its first row; first[len] = rows
}

// layout sizes the grid for sp and splits its rows into min(n, the world's
// height in view radii) bands of nearly equal height.
func (l *bands) layout(sp Space, n int) {
	l.lay = sp.Layout()
	l.cols, l.rows = l.lay.Cols, l.lay.Rows
	n = BandsFor(sp, n)
	l.bandOf = resize(l.bandOf, l.rows*l.cols)
	l.first = resize(l.first, n+1)
	for b := range n + 1 {
		l.first[b] = b * l.rows / n
	}
	for b := range n {
		for c := l.first[b] * l.cols; c < l.first[b+1]*l.cols; c++ {
			l.bandOf[c] = uint8(b)
		}
	}
}

func (l *bands) count() int { return len(l.first) - 1 }

// cell is the index of the cell holding p, and its row.
func (l *bands) cell(p Vec) (c, row int) {
	c = l.lay.Cell(p)
	return c, c / l.cols
}

// reach lists in out the distinct rows within the layout's reach of row
// (row included): the rows a query from a boid in row may scan.
func (l *bands) reach(row int, out *[2*maxReach + 1]int) []int {
	return out[:span(row, l.lay.ky, l.rows, l.lay.Space.Edges == Wrap, out[:])]
}

// blockBands is the set of bands of the rows of block b: bit k for band k
// (MaxShards is 64). A set, rather than a list, keeps the one order in which
// every goroutine takes band locks (ascending) free of sorting.
func (l *bands) blockBands(b *Block) uint64 {
	var set uint64
	for _, r := range b.Runs[:b.N] {
		set |= 1 << l.bandOf[r[0]]
	}
	return set
}

// rowBands is the set of bands of rows, as blockBands.
func (l *bands) rowBands(rows []int) uint64 {
	var set uint64
	for _, r := range rows {
		set |= 1 << l.bandOf[r*l.cols]
	}
	return set
}

// region is band b's world rectangle.
func (l *bands) region(b int) Region {
	return Region{
		Min: Vec{0, float32(l.first[b]) * l.lay.CH},
		Max: Vec{l.lay.Space.W, float32(l.first[b+1]) * l.lay.CH},
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

// near appends the boids of query q's block strictly within the view
// radius (the kernel's contract, as Grid.Near scans its cells), skipping
// slot s of cell c (the asker's own).
func (cs *cells) near(q *Query, c int, s int32, buf []Boid) []Boid {
	for _, r := range q.Runs[:q.N] {
		for k := int(r[0]); k <= int(r[1]); k++ {
			run := cs.states[k]
			switch n := len(buf); {
			case k == c:
				buf = q.Append(run[s+1:], q.Append(run[:s], buf))
			case !q.Wrap && len(run) <= q.room(buf):
				buf = buf[:within(run, buf[:n+len(run)], n, q.p, q.r2)]
			default:
				buf = q.Append(run, buf)
			}
		}
		if q.Full(buf) {
			break
		}
	}
	return buf
}

// cellRoomFor is how many boids a cell has room for before it must grow: a
// few times the mean, so that a flock gathering into clumps rarely
// allocates.
func cellRoomFor(boids, cells int) int { return max(16, 4*boids/cells) }
