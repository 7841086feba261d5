package boids

import (
	"sync"
	"sync/atomic"
	"time"
)

// Sharded is the mutex design partitioned: the grid's rows are grouped
// into bands (shards), each with its own sync.RWMutex, so boids in
// different bands no longer wait for each other.
//
// What is shared, and who may touch it:
//   - the cells of band k, and the slot of every boid in them, are guarded
//     by shards[k].mu: a query read-locks the bands it scans, a move
//     write-locks the bands it changes. cellOf[id] is guarded by the lock
//     of the band that holds boid id; only Move(id) changes it, holding the
//     locks of both bands.
//   - own[id], boid id's latest state, belongs to the goroutine that calls
//     Neighbors and Move for id (one at a time, as every boid does for its
//     own id); Load writes it with no boid inside. Read never touches it.
//   - per-boid and per-shard counters are atomics, so Counters and Regions
//     may run while boids move.
//
// Why it is safe without a barrier: every access to a cell holds its
// band's lock, and a query holds the locks of every band it scans at once,
// so a neighbour crossing between two bands is seen exactly once. Every
// goroutine takes band locks in ascending band order (queries up to three
// read locks, moves up to two write locks, Read all read locks), so no
// cycle of waits can form. No goroutine read-locks a band twice, which a
// pending writer would turn into a deadlock. Read holds every band's read
// lock while it copies, so it sees one consistent state of the whole map;
// the boids' cost is that their moves wait for that copy.
//
// What the border costs: a query whose 3×3 cells reach into the next band
// takes two locks instead of one (three for bands one row high, which is
// why bands are as tall as the row count allows); a move across a border
// write-locks both bands, holding up queries on both sides. With b bands
// over r rows, about 2b/r of queries and the border-crossing moves pay it.
type Sharded struct {
	l      bands
	want   int // the shard setting, applied at the next Load
	shards []shard
	cells  cells // cell c is guarded by shards[l.bandOf[c/l.cols]].mu
	cellOf []int32
	slot   []int32
	own    []Boid
	stats  []boidStats
}

// shard is one band's lock and the contention measured on it, padded to a
// cache line of its own (24 bytes of lock, 16 of counters) so that two
// cores taking neighbouring bands do not share a line.
type shard struct {
	mu    sync.RWMutex
	waits atomic.Uint64 // acquisitions that had to wait
	wait  atomic.Int64  // sampled wait time, scaled, in ns
	_     [24]byte
}

// boidStats are one boid's counts, atomics so that they may be read while
// the boid runs; only the boid's goroutine adds to them, so the adds never
// contend.
type boidStats struct {
	reads, writes atomic.Uint64
}

// NewSharded returns the sharded design with DefaultShards bands.
func NewSharded() *Sharded { return &Sharded{want: DefaultShards} }

func (s *Sharded) Name() string { return "sharded" }

// SetShards sets the number of bands for the next Load.
func (s *Sharded) SetShards(n int) { s.want = ClampShards(n) }

// Shards is the number of bands of the current layout, or the setting
// before the first Load.
func (s *Sharded) Shards() int {
	if len(s.shards) == 0 {
		return s.want
	}
	return len(s.shards)
}

func (s *Sharded) Load(sp Space, boids []Boid) {
	s.l.layout(sp, s.want)
	s.shards = make([]shard, s.l.count())
	n := s.l.cols * s.l.rows
	s.cells.reset(n, s.l.cols, cellRoomFor(len(boids), n), nil)
	s.own = append(s.own[:0], boids...)
	s.cellOf = resize(s.cellOf, len(boids))
	s.slot = resize(s.slot, len(boids))
	s.stats = make([]boidStats, len(boids))
	for id, b := range boids {
		c, _ := s.l.cell(b.Pos)
		s.cellOf[id] = int32(c)
		s.slot[id] = s.cells.add(c, int32(id), b)
	}
}

func (s *Sharded) Neighbors(id int, buf []Boid) (Boid, []Boid) {
	s.stats[id].reads.Add(1)
	self := s.own[id]
	c, row := s.l.cell(self.Pos)
	var rows [3]int
	var held [3]int
	bs := s.l.bandsOf(rows[:s.l.rowsAround(row, &rows)], held[:0])
	for _, b := range bs {
		s.rlock(b)
	}
	buf = s.cells.near(&s.l, c, s.slot[id], self, buf)
	for _, b := range bs {
		s.shards[b].mu.RUnlock()
	}
	return self, buf
}

func (s *Sharded) Move(id int, b Boid) {
	s.stats[id].writes.Add(1)
	oc, orow := s.l.cell(s.own[id].Pos)
	nc, nrow := s.l.cell(b.Pos)
	s.own[id] = b
	ob, nb := int(s.l.bandOf[orow]), int(s.l.bandOf[nrow])
	lo, hi := min(ob, nb), max(ob, nb)
	s.lock(lo)
	if hi != lo {
		s.lock(hi)
	}
	if oc == nc {
		s.cells.states[oc][s.slot[id]] = b
	} else {
		if moved := s.cells.remove(oc, s.slot[id]); moved >= 0 {
			s.slot[moved] = s.slot[id]
		}
		s.slot[id] = s.cells.add(nc, int32(id), b)
		s.cellOf[id] = int32(nc)
	}
	if hi != lo {
		s.shards[hi].mu.Unlock()
	}
	s.shards[lo].mu.Unlock()
}

// rlock read-locks band b, counting and (one time in waitEvery) timing the
// wait when it has to wait.
func (s *Sharded) rlock(b int) {
	sh := &s.shards[b]
	if sh.mu.TryRLock() {
		return
	}
	if sh.waits.Add(1)%waitEvery != 0 {
		sh.mu.RLock()
		return
	}
	t := time.Now()
	sh.mu.RLock()
	sh.wait.Add(int64(waitEvery * time.Since(t)))
}

// lock is rlock for the write lock.
func (s *Sharded) lock(b int) {
	sh := &s.shards[b]
	if sh.mu.TryLock() {
		return
	}
	if sh.waits.Add(1)%waitEvery != 0 {
		sh.mu.Lock()
		return
	}
	t := time.Now()
	sh.mu.Lock()
	sh.wait.Add(int64(waitEvery * time.Since(t)))
}

func (s *Sharded) EndTick() {}

// Read copies every boid's state holding every band's read lock, so the
// picture is one state of the whole map even while boids move.
func (s *Sharded) Read(dst []Boid) []Boid {
	for b := range s.shards {
		s.shards[b].mu.RLock()
	}
	for id, c := range s.cellOf {
		dst = append(dst, s.cells.states[c][s.slot[id]])
	}
	for b := range s.shards {
		s.shards[b].mu.RUnlock()
	}
	return dst
}

func (s *Sharded) Close() {}

func (s *Sharded) Counters() Counters {
	var c Counters
	for i := range s.stats {
		c.Reads += s.stats[i].reads.Load()
		c.Writes += s.stats[i].writes.Load()
	}
	for b := range s.shards {
		c.Contended += s.shards[b].waits.Load()
		c.LockWait += time.Duration(s.shards[b].wait.Load())
	}
	return c
}

// Regions reports each band's lock waits.
func (s *Sharded) Regions(dst []Region) []Region {
	for b := range s.shards {
		r := s.l.region(b)
		r.Waits = s.shards[b].waits.Load()
		r.Wait = time.Duration(s.shards[b].wait.Load())
		dst = append(dst, r)
	}
	return dst
}
