package boids

import (
	"sync/atomic"
	"time"
)

// LockFree takes no lock. Queries read an immutable frame (every boid's
// state grouped by cell in one contiguous array); atomics are used only
// where goroutines really meet. It has two regimes.
//
// Ticked (the barrier does the reclaiming):
//   - cur points to the published frame. Boids only read it; only the
//     coordinator replaces it (EndTick, Load). A query costs one atomic
//     pointer load, then plain reads of contiguous memory.
//   - heads are the next frame's cell lists, shared by every moving boid:
//     boid id sets link[id] to the current head and swings the head to id
//     with a CAS (a Treiber-stack push). A failed CAS means another boid
//     pushed onto the same cell at that moment; it is retried and counted,
//     per boid and per cell (retries[c], an atomic added to only by a push
//     that retried, so counting per cell costs the common push nothing;
//     the heat map reads it through Regions).
//   - moved[id] and link[id] belong to boid id's goroutine during a tick.
//     Nobody else reads them before the tick's barrier, so they need no
//     atomics.
//   - EndTick runs with no boid inside: it walks the lists once, copying the
//     states cell by cell into the spare frame, and publishes it: O(boids +
//     cells), no allocation. Recycling a frame two publications later is
//     safe only because the barrier keeps boids out of queries meanwhile.
//   - Staleness: every query, a boid's view of itself included, sees the
//     frame of the end of the previous tick: exactly one tick stale, all
//     consistently so (a Jacobi step).
//
// Free (no barrier, so nothing may be recycled in place):
//   - recs[id] points to boid id's latest state, an immutable record. Only
//     boid id stores it (Move allocates a new record and publishes it with
//     one atomic store); anyone loads it. A reader holds either the old
//     record or the new one, never half of each.
//   - A frame builder goroutine, the design's own, loads every record each
//     frameGap, sorts them by cell into a newly allocated frame and
//     publishes it in cur. The Go scheduler has no priorities, so with
//     thousands of boids runnable the builder waits its turn among them;
//     a boid whose sampled frame is older than staleLimit then builds the
//     next frame itself. A flag (building, claimed by CAS) keeps builds one
//     at a time and owns the builder's scratch; nobody waits for it: a boid
//     that finds it taken goes on with the frame it has. A query loads cur once and reads that frame,
//     which nobody writes again; old frames and records are left to the
//     garbage collector, which frees them only when no query holds them.
//     That is the grace period the barrier gave, bought with allocation
//     (a 16-byte record per move, a frame per frameGap).
//   - A boid reads itself from its own record, so it always steps from what
//     it last wrote; its neighbours come from the frame, where a boid's
//     states appear in the order it wrote them (frames are built one after
//     another from later loads).
//   - Read loads every record: the latest state of each boid, each one a
//     state it really wrote, not one moment's picture of the flock.
//   - Staleness: a query's neighbours are as old as the frame it read:
//     about frameGap plus a build while the builder gets a core, about
//     staleLimit plus a build when boids have to build (a boid notices on
//     one query in staleEvery, so later still in a slow flock). Counters.Staleness measures it (the frame's age at one query in
//     staleEvery, in both regimes).
//   - Nothing waits: readers and writers do atomic loads and stores only,
//     and a stalled builder makes frames older, never a boid slower.
//
// Measured choice: letting queries walk the lists directly saves the copy,
// but chasing links to scattered states made the query, which dominates a
// tick, slow: a tick of 10k boids stepped from one goroutine took 2.2-2.5x
// as long as with contiguous cells, copy included.
type LockFree struct {
	lay Layout

	cur    atomic.Pointer[frame] // the frame queries read
	frames [2]frame              // ticked: cur and the spare that EndTick fills
	epoch  time.Time             // frame ages are measured from it

	// The next frame in the making. moved[id] and link[id] are written only
	// by boid id's goroutine during a tick; heads is shared by all of them,
	// hence atomic. The coordinator reads all three after the tick barrier.
	moved []Boid
	link  []int32        // next boid down the same cell's list, -1 at the end
	heads []atomic.Int32 // last boid pushed onto each cell, -1 when empty
	// retries[c] counts the failed CASes on heads[c] since Load.
	retries []atomic.Uint64

	// The free regime: each boid's latest record, the builder, and the
	// builder's scratch (its own while it runs, the coordinator's before).
	recs     []atomic.Pointer[Boid]
	builder  *frameBuilder
	building atomic.Bool // a frame is being built, by the builder or a boid
	scratch  []Boid
	cellOf   []int32

	// stats[id] is written only by boid id's goroutine; the coordinator
	// reads it, while boids run free too, hence atomics.
	stats     []freeStats
	publishes atomic.Uint64
	rebuild   atomic.Int64 // ns
	ages      [histBuckets]atomic.Uint64
}

// frameBuilder is the free regime's goroutine that publishes frames.
type frameBuilder struct {
	quit, done chan struct{}
}

// frameGap is how often the builder publishes a frame in the free regime:
// a third of a boid's turn at 60 updates/s. Shorter makes queries fresher
// and costs a core more and more garbage.
const frameGap = 5 * time.Millisecond

// staleEvery is how often a query's frame age is sampled, per boid.
const staleEvery = 16

// staleLimit is the frame age at which a boid that samples it builds the
// next frame itself, in the free regime.
const staleLimit = 4 * frameGap

// A frame (the kernel's packed map, grid.go), once published, is never
// written until it is the spare again, two publications later.

type freeStats struct {
	reads, writes, retries atomic.Uint64
}

// NewLockFree returns the lock-free design.
func NewLockFree() *LockFree { return &LockFree{} }

func (l *LockFree) Name() string { return "lockfree" }

func (l *LockFree) Load(sp Space, boids []Boid) {
	if l.epoch.IsZero() {
		l.epoch = time.Now()
	}
	l.lay = sp.Layout()
	l.heads = resize(l.heads, l.lay.NumCells())
	l.retries = resize(l.retries, l.lay.NumCells())
	for c := range l.retries {
		l.retries[c].Store(0)
	}
	l.moved = resize(l.moved, len(boids))
	copy(l.moved, boids)
	l.link = resize(l.link, len(boids))
	l.stats = resize(l.stats, len(boids))
	clear(l.stats)
	l.publishes.Store(0)
	l.rebuild.Store(0)
	clear(l.ages[:])
	l.index()
	f := l.spare()
	l.compact(f)
	f.taken = l.now()
	l.cur.Store(f)
}

func (l *LockFree) now() int64 { return int64(time.Since(l.epoch)) }

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
	c := l.lay.Cell(b.Pos)
	head := &l.heads[c]
	for {
		old := head.Load()
		l.link[id] = old
		if head.CompareAndSwap(old, int32(id)) {
			if retries > 0 {
				l.retries[c].Add(retries)
			}
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
// It reports false unless every boid was listed exactly once: some boid did
// not move this tick (too few entries), or one moved twice, which lists it
// twice or in a cycle and may unlink others (moves 1→A, 0→A, 0→B, 2→B leave
// A = [0] and B = [2, 0]: the right count, boid 1 missing). f.slot doubles
// as the seen mark, so a boid met a second time stops the walk at once.
// After false the lists are left as they are, for index to rebuild.
func (l *LockFree) compact(f *frame) bool {
	n := int32(len(l.moved))
	f.cells = resize(f.cells, int(n))
	f.slot = resize(f.slot, int(n))
	f.ids = resize(f.ids, int(n))
	f.start = resize(f.start, len(l.heads)+1)
	for i := range f.slot {
		f.slot[i] = -1
	}
	k := int32(0)
	for c := range l.heads {
		f.start[c] = k
		for id := l.heads[c].Load(); id >= 0; id = l.link[id] {
			if f.slot[id] >= 0 {
				return false
			}
			f.cells[k], f.ids[k] = l.moved[id], id
			f.slot[id] = k
			k++
		}
		l.heads[c].Store(-1)
	}
	f.start[len(l.heads)] = k
	return k == n
}

func (l *LockFree) Neighbors(id int, buf []Boid) (Boid, []Boid) {
	f := l.cur.Load()
	if l.stats[id].reads.Add(1)%staleEvery == 0 {
		age := time.Duration(l.now() - f.taken)
		l.ages[bucket(age)].Add(1)
		if age > staleLimit && l.recs != nil {
			l.tryBuild()
		}
	}
	s := int(f.slot[id])
	self := f.cells[s]
	if l.recs != nil {
		self = *l.recs[id].Load()
	}
	return self, f.near(&l.lay, self, s, buf)
}

func (l *LockFree) Move(id int, b Boid) {
	st := &l.stats[id]
	st.writes.Add(1)
	if l.recs != nil {
		rec := b // a new record, allocated in this regime only
		l.recs[id].Store(&rec)
		return
	}
	l.moved[id] = b
	if r := l.push(id, b); r > 0 {
		st.retries.Add(r)
	}
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
	f.taken = l.now()
	l.cur.Store(f)
	l.publishes.Add(1)
	l.rebuild.Add(int64(time.Since(t)))
}

func (l *LockFree) Read(dst []Boid) []Boid {
	if l.recs != nil {
		for i := range l.recs {
			dst = append(dst, *l.recs[i].Load())
		}
		return dst
	}
	f := l.cur.Load()
	for _, s := range f.slot {
		dst = append(dst, f.cells[s])
	}
	return dst
}

// SetFree switches regimes, with no boid inside. Entering the free regime
// gives every boid a record of its latest state, publishes a first frame
// and starts the builder; leaving it stops the builder and rebuilds the
// ticked regime's lists and frame from the records.
func (l *LockFree) SetFree(on bool) {
	if on == (l.recs != nil) {
		return
	}
	if !on {
		l.stopBuilder()
		for id := range l.recs {
			l.moved[id] = *l.recs[id].Load()
		}
		l.recs = nil
		l.index()
		f := l.spare()
		l.compact(f)
		f.taken = l.now()
		l.cur.Store(f)
		return
	}
	l.recs = make([]atomic.Pointer[Boid], len(l.moved))
	for id := range l.recs {
		b := l.moved[id]
		l.recs[id].Store(&b)
	}
	l.build()
	b := &frameBuilder{quit: make(chan struct{}), done: make(chan struct{})}
	l.builder = b
	go l.buildFrames(b)
}

// buildFrames publishes a frame every frameGap until quit.
func (l *LockFree) buildFrames(b *frameBuilder) {
	defer close(b.done)
	t := time.NewTicker(frameGap)
	defer t.Stop()
	for {
		select {
		case <-b.quit:
			return
		case <-t.C:
			l.tryBuild()
		}
	}
}

// build sorts the records by cell into a new frame (a counting sort) and
// publishes it. The frame is new because a query may still be reading any
// older one.
func (l *LockFree) build() {
	t0 := time.Now()
	n := len(l.recs)
	states := resize(l.scratch, n)
	l.cellOf = resize(l.cellOf, n)
	l.scratch = states
	for id := range l.recs {
		states[id] = *l.recs[id].Load()
	}
	f := &frame{taken: l.now()}
	f.sort(&l.lay, states, nil, l.cellOf)
	l.cur.Store(f)
	l.publishes.Add(1)
	l.rebuild.Add(int64(time.Since(t0)))
}

// tryBuild builds and publishes a frame unless one is being built. Nobody
// waits for the flag: whoever finds it taken goes on with the frame it has.
func (l *LockFree) tryBuild() {
	if l.building.CompareAndSwap(false, true) {
		l.build()
		l.building.Store(false)
	}
}

func (l *LockFree) stopBuilder() {
	if l.builder == nil {
		return
	}
	close(l.builder.quit)
	<-l.builder.done
	l.builder = nil
}

// Close stops the frame builder if the boids were left running free.
func (l *LockFree) Close() { l.stopBuilder() }

func (l *LockFree) perCell() {}

// Regions reports the CAS retries of every cell of the layout, row by row.
// They happen in the lock-step regime only: free moves store a record and
// push nothing.
func (l *LockFree) Regions(dst []Region) []Region {
	lay := &l.lay
	for c := range l.retries {
		x, y := float32(c%lay.Cols)*lay.CW, float32(c/lay.Cols)*lay.CH
		dst = append(dst, Region{Min: Vec{x, y}, Max: Vec{x + lay.CW, y + lay.CH}, Retries: l.retries[c].Load()})
	}
	return dst
}

func (l *LockFree) Counters() Counters {
	c := Counters{Publishes: l.publishes.Load(), Rebuild: time.Duration(l.rebuild.Load())}
	for i := range l.stats {
		s := &l.stats[i]
		c.Reads += s.reads.Load()
		c.Writes += s.writes.Load()
		c.CASRetries += s.retries.Load()
	}
	for i := range l.ages {
		c.Staleness.Counts[i] = l.ages[i].Load()
	}
	return c
}
