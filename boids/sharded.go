package boids

import (
	"runtime"
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
//   - the counters are per shard, atomics in the lock's own cache line,
//     which the lock's own atomics have just brought to the core, so
//     counting costs no extra cache traffic; Counters and Regions may read
//     them while boids move.
//
// Why it is safe without a barrier: every access to a cell holds its
// band's lock, and a query holds the locks of every band it scans at once,
// so a neighbour crossing between two bands is seen exactly once. No
// goroutine ever waits for a lock while it holds another (acquire), so no
// cycle of waits, hence no deadlock, can form; nor does any goroutine
// read-lock a band twice, which a pending writer would turn into a
// deadlock. Read holds every band's read lock while it copies, so it sees
// one consistent state of the whole map; the boids' cost is that their
// moves wait for that copy.
//
// What the border costs: a query whose 3×3 cells reach into the next band
// takes two locks instead of one (three when bands are one row high); a
// move across a border write-locks both bands, holding up queries on both
// sides. With b bands over r rows, about 2b/r of queries and the
// border-crossing moves pay it.
//
// The compromise of never parking (acquire, wait): a waiting writer no
// longer holds off new readers as RWMutex.Lock would, so readers that
// overlap without pause could keep a move yielding for as long as they
// last; with short queries on a few cores that has not been seen, and
// the free regime's fairness figures would show it.
type Sharded struct {
	l      bands
	want   int // the shard setting, applied at the next Load
	shards []shard
	cells  cells // cell c is guarded by shards[l.bandOf[c/l.cols]].mu
	cellOf []int32
	slot   []int32
	own    []Boid
	every  []int // Read's list of every band
}

// shard is one band's lock and what was counted on it, padded to a cache
// line of its own (24 bytes of lock, 32 of counters) so that two cores
// taking neighbouring bands do not share a line.
type shard struct {
	mu            sync.RWMutex
	reads, writes atomic.Uint64 // queries and moves that locked it first
	waits         atomic.Uint64 // acquisitions that had to wait
	wait          atomic.Int64  // sampled wait time, scaled, in ns
	_             [8]byte
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
	for id, b := range boids {
		c, _ := s.l.cell(b.Pos)
		s.cellOf[id] = int32(c)
		s.slot[id] = s.cells.add(c, int32(id), b)
	}
}

func (s *Sharded) Neighbors(id int, buf []Boid) (Boid, []Boid) {
	self := s.own[id]
	c, row := s.l.cell(self.Pos)
	var rows [3]int
	var held [3]int
	bs := s.l.bandsOf(rows[:s.l.rowsAround(row, &rows)], held[:0])
	s.acquire(bs, false)
	s.shards[bs[0]].reads.Add(1)
	buf = s.cells.near(&s.l, c, s.slot[id], self, buf)
	s.release(bs, false, all(len(bs)))
	return self, buf
}

func (s *Sharded) Move(id int, b Boid) {
	oc, orow := s.l.cell(s.own[id].Pos)
	nc, nrow := s.l.cell(b.Pos)
	s.own[id] = b
	ob, nb := int(s.l.bandOf[orow]), int(s.l.bandOf[nrow])
	var two [2]int
	bs := append(two[:0], min(ob, nb))
	if ob != nb {
		bs = append(bs, max(ob, nb))
	}
	s.acquire(bs, true)
	s.shards[bs[0]].writes.Add(1)
	if oc == nc {
		s.cells.states[oc][s.slot[id]] = b
	} else {
		if moved := s.cells.remove(oc, s.slot[id]); moved >= 0 {
			s.slot[moved] = s.slot[id]
		}
		s.slot[id] = s.cells.add(nc, int32(id), b)
		s.cellOf[id] = int32(nc)
	}
	s.release(bs, true, all(len(bs)))
}

// acquire takes the read (or write) locks of bands bs without ever waiting
// while it holds one: it tries them all, and when one is taken it lets go
// of those it has, waits for that one alone, and tries the others again.
//
// Measured reason: taking them in order with blocking calls (which is
// deadlock-free too) made sharded slower than mutex at 10,000 boids, with a
// third of all acquisitions waiting. A query parked on its second band
// while holding its first; writers queued on the first; then every reader
// of the first queued behind them (a pending writer holds off new readers),
// and a woken goroutine waits behind thousands of runnable boids before it
// runs and lets go. Holding nothing while waiting breaks those chains.
func (s *Sharded) acquire(bs []int, write bool) {
	var held uint64 // bit i: bs[i] is held
	for {
		i := 0
		for ; i < len(bs); i++ {
			if held&(1<<i) != 0 {
				continue
			}
			if !s.try(bs[i], write) {
				break
			}
			held |= 1 << i
		}
		if i == len(bs) {
			return
		}
		s.release(bs, write, held)
		s.wait(bs[i], write)
		held = 1 << i
	}
}

func all(n int) uint64 { return 1<<n - 1 }

// release lets go of the locks of the bands bs marked in held.
func (s *Sharded) release(bs []int, write bool, held uint64) {
	for i, b := range bs {
		if held&(1<<i) == 0 {
			continue
		}
		if write {
			s.shards[b].mu.Unlock()
		} else {
			s.shards[b].mu.RUnlock()
		}
	}
}

func (s *Sharded) try(b int, write bool) bool {
	if write {
		return s.shards[b].mu.TryLock()
	}
	return s.shards[b].mu.TryRLock()
}

// wait takes band b's lock after a failed try, counting the wait and
// timing one in waitEvery. It never parks on the lock: it yields its core
// and tries again, so that a lock is only ever held by a goroutine that is
// running (see acquire).
func (s *Sharded) wait(b int, write bool) {
	sh := &s.shards[b]
	timed := sh.waits.Add(1)%waitEvery == 0
	var t time.Time
	if timed {
		t = time.Now()
	}
	for {
		runtime.Gosched()
		if s.try(b, write) {
			break
		}
	}
	if timed {
		sh.wait.Add(int64(waitEvery * time.Since(t)))
	}
}

func (s *Sharded) EndTick() {}

// Read copies every boid's state holding every band's read lock, so the
// picture is one state of the whole map even while boids move.
func (s *Sharded) Read(dst []Boid) []Boid {
	s.every = resize(s.every, len(s.shards))
	for b := range s.every {
		s.every[b] = b
	}
	s.acquire(s.every, false)
	for id, c := range s.cellOf {
		dst = append(dst, s.cells.states[c][s.slot[id]])
	}
	s.release(s.every, false, all(len(s.every)))
	return dst
}

func (s *Sharded) Close() {}

func (s *Sharded) Counters() Counters {
	var c Counters
	for b := range s.shards {
		c.Reads += s.shards[b].reads.Load()
		c.Writes += s.shards[b].writes.Load()
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
