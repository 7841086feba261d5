package boids

import (
	"sync/atomic"
	"time"
)

// LockFree takes no lock. Queries read an immutable frame, and moves build
// the next one with compare-and-swap; atomics are used only where goroutines
// really meet.
//
// What is shared, and who may touch it:
//   - cur points to the published frame: every boid's state grouped by cell
//     in one contiguous array. Boids only read it; only the coordinator
//     replaces it (EndTick, Load). A published frame never changes, so a
//     query costs one atomic pointer load, then plain reads of contiguous
//     memory.
//   - heads are the next frame's cell lists, shared by every moving boid:
//     boid id sets link[id] to the current head and swings the head to id
//     with a CAS (a Treiber-stack push). A failed CAS means another boid
//     pushed onto the same cell at that moment; it is retried and counted.
//   - moved[id], link[id] and stats[id] belong to boid id's goroutine during
//     a tick. Nobody else reads them before the tick's barrier, so they need
//     no atomics.
//
// EndTick runs with no boid inside: it walks the lists once, copying the
// states cell by cell into the spare frame, and publishes it. That is O(boids
// + cells) per tick and allocates nothing.
//
// Staleness: during a tick every query, a boid's view of itself included,
// sees the frame published at the end of the previous tick, even after
// moves. Every boid is exactly one tick stale, but all consistently so (a
// Jacobi step), where the mutex design mixes old and new states. Flocks
// order a little more slowly that way.
//
// Measured choice: letting queries walk the lists directly saves the copy,
// but chasing links to scattered states made the query, which dominates a
// tick, slow: a tick of 10k boids stepped from one goroutine took 2.2-2.5x
// as long as with contiguous cells, copy included.
//
// The compromise: recycling a frame two publications later is safe only
// because the Strategy contract keeps boids out of queries during EndTick.
// That barrier is the grace period which a lock-free map would otherwise
// need (reference counts, epochs, or leaving old frames to the GC).
type LockFree struct {
	lay Layout

	cur    atomic.Pointer[frame] // the frame queries read; replaced only in EndTick and Load
	frames [2]frame              // cur and the spare that EndTick fills

	// The next frame in the making. moved[id] and link[id] are written only
	// by boid id's goroutine during a tick; heads is shared by all of them,
	// hence atomic. The coordinator reads all three after the tick barrier.
	moved []Boid
	link  []int32        // next boid down the same cell's list, -1 at the end
	heads []atomic.Int32 // last boid pushed onto each cell, -1 when empty

	// stats[id] is written only by boid id's goroutine during a tick and
	// read by the coordinator between ticks.
	stats     []freeStats
	publishes uint64
	rebuild   time.Duration
}

// frame is one published map. Once published it is never written until it
// is the spare again, two publications later.
type frame struct {
	cells []Boid  // the boids of cell c are cells[start[c]:start[c+1]]
	start []int32 // one more than there are cells
	slot  []int32 // boid id -> its index in cells
}

type freeStats struct {
	reads, writes, retries uint64
}

// NewLockFree returns the lock-free design.
func NewLockFree() *LockFree { return &LockFree{} }

func (l *LockFree) Name() string { return "lockfree" }

func (l *LockFree) Load(sp Space, boids []Boid) {
	l.lay = sp.Layout()
	l.heads = resize(l.heads, l.lay.NumCells())
	l.moved = resize(l.moved, len(boids))
	copy(l.moved, boids)
	l.link = resize(l.link, len(boids))
	l.stats = resize(l.stats, len(boids))
	clear(l.stats)
	l.publishes, l.rebuild = 0, 0
	l.index()
	f := l.spare()
	l.compact(f)
	l.cur.Store(f)
}

// index pushes every boid onto its cell's list from scratch.
func (l *LockFree) index() {
	for c := range l.heads {
		l.heads[c].Store(-1)
	}
	for id := range l.moved {
		l.push(id, l.moved[id])
	}
}

func (l *LockFree) push(id int, b Boid) (retries uint64) {
	head := &l.heads[l.lay.Cell(b.Pos)]
	for {
		old := head.Load()
		l.link[id] = old
		if head.CompareAndSwap(old, int32(id)) {
			return retries
		}
		retries++
	}
}

func (l *LockFree) spare() *frame {
	if l.cur.Load() == &l.frames[0] {
		return &l.frames[1]
	}
	return &l.frames[0]
}

// compact copies the listed boids into f cell by cell and empties the lists.
// It reports false unless every boid was listed exactly once, which happens
// when some boid did not move this tick; the bound on the walk keeps a boid
// that moved twice (and so made a cycle) from hanging it.
func (l *LockFree) compact(f *frame) bool {
	n := int32(len(l.moved))
	f.cells = resize(f.cells, int(n))
	f.slot = resize(f.slot, int(n))
	f.start = resize(f.start, len(l.heads)+1)
	k := int32(0)
	ok := true
	for c := range l.heads {
		f.start[c] = k
		for id := l.heads[c].Load(); id >= 0; id = l.link[id] {
			if k == n {
				ok = false
				break
			}
			f.cells[k] = l.moved[id]
			f.slot[id] = k
			k++
		}
		l.heads[c].Store(-1)
	}
	f.start[len(l.heads)] = k
	return ok && k == n
}

func (l *LockFree) Neighbors(id int, buf []Boid) (Boid, []Boid) {
	f := l.cur.Load()
	l.stats[id].reads++
	s := int(f.slot[id])
	self := f.cells[s]
	q := l.lay.Query(self.Pos, buf)
	// A run of cells is a run in memory too: one slice each.
	for _, r := range q.Runs[:q.N] {
		lo, hi := int(f.start[r[0]]), int(f.start[r[1]+1])
		run := f.cells[lo:hi]
		if k := s - lo; k >= 0 && k < len(run) {
			buf = q.Append(run[:k], buf)
			run = run[k+1:]
		}
		buf = q.Append(run, buf)
		if q.Full(buf) {
			break
		}
	}
	return self, buf
}

func (l *LockFree) Move(id int, b Boid) {
	st := &l.stats[id]
	st.writes++
	l.moved[id] = b
	st.retries += l.push(id, b)
}

// EndTick publishes the frame the moves built. A boid that did not move
// keeps its state: the lists are then rebuilt from every boid's latest
// state, a slow path a flock never takes.
func (l *LockFree) EndTick() {
	t := time.Now()
	f := l.spare()
	if !l.compact(f) {
		l.index()
		l.compact(f)
	}
	l.cur.Store(f)
	l.publishes++
	l.rebuild += time.Since(t)
}

func (l *LockFree) Read(dst []Boid) []Boid {
	f := l.cur.Load()
	for _, s := range f.slot {
		dst = append(dst, f.cells[s])
	}
	return dst
}

func (l *LockFree) Close() {}

func (l *LockFree) Counters() Counters {
	c := Counters{Publishes: l.publishes, Rebuild: l.rebuild}
	for i := range l.stats {
		s := &l.stats[i]
		c.Reads += s.reads
		c.Writes += s.writes
		c.CASRetries += s.retries
	}
	return c
}
