package boids

import (
	"math/bits"
	"sync"
	"sync/atomic"
	"time"
)

// Sharded is the mutex design partitioned: the rows of the kernel's cells
// (Space.Layout) are grouped into bands (shards), each with its own
// sync.RWMutex, so boids in different bands no longer wait for each other.
// A query scans the same cells as mutex's (the kernel's block), so it
// examines as many candidates.
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
//   - parked counts the waiters about to sleep on their band's parking
//     place, parks[k] (wait); release reads it to wake them. parks[k].gate
//     guards only the sleeps on parks[k].cond.
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
// What the border costs: a query whose block reaches into the next band
// (its boid within a view radius of the border) takes two locks instead
// of one (three when bands are as thin as a view radius, the thinnest
// allowed); a move across a border write-locks both bands, holding up
// queries on both sides. With b bands over a world h view radii high,
// about 2b/h of queries and the border-crossing moves pay it.
//
// The compromise of waiting outside the lock (acquire, wait): a waiting
// writer does not hold off new readers as RWMutex.Lock would, so readers
// that overlap without pause could keep a move waiting for as long as
// they last; with short queries on a few cores that has not been seen,
// and the free regime's fairness figures would show it.
type Sharded struct {
	l      bands
	want   int // the shard setting, applied at the next Load
	shards []shard
	parks  []parking // parks[k]: where band k's waiters sleep
	cells  cells     // cell c is guarded by shards[l.bandOf[c]].mu
	cellOf []int32
	slot   []int32
	own    []Boid
}

// shard is one band's lock and what was counted on it, 64 bytes (24 of
// lock, 4 of parked count, 32 of counters): one cache line, as an array of
// them is aligned to 64 bytes (they hold no pointers, so the allocator puts
// no header before them, and every size class from 64 bytes up that such an
// array falls in is a multiple of 64). Two cores taking neighbouring bands
// so never share a line. The parking places are apart (Sharded.parks): they
// hold pointers, and are touched only when someone waits.
type shard struct {
	mu            sync.RWMutex
	parked        atomic.Int32  // goroutines in park or about to be
	reads, writes atomic.Uint64 // queries and moves that locked it first
	waits         atomic.Uint64 // acquisitions that had to wait
	wait          atomic.Int64  // sampled wait time, scaled, in ns
}

// parking is where the waiters of one band sleep.
type parking struct {
	gate sync.Mutex // guards nothing but cond's waits
	cond sync.Cond  // broadcast when the band's lock is let go while parked > 0
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
	s.parks = make([]parking, len(s.shards))
	for b := range s.parks {
		s.parks[b].cond.L = &s.parks[b].gate
	}
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
	c, _ := s.l.cell(self.Pos)
	// The block, and so the bands to lock, depend only on the asker's own
	// position: worked out before taking any lock.
	var q Query
	s.l.lay.start(&q, self.Pos, buf)
	set := s.l.blockBands(&q.Block)
	s.acquire(set, false)
	s.shards[bits.TrailingZeros64(set)].reads.Add(1)
	buf = s.cells.near(&q, c, s.slot[id], buf)
	s.release(set, false)
	return self, buf
}

func (s *Sharded) Move(id int, b Boid) {
	oc, _ := s.l.cell(s.own[id].Pos)
	nc, _ := s.l.cell(b.Pos)
	s.own[id] = b
	set := uint64(1)<<s.l.bandOf[oc] | uint64(1)<<s.l.bandOf[nc]
	s.acquire(set, true)
	s.shards[bits.TrailingZeros64(set)].writes.Add(1)
	if oc == nc {
		s.cells.states[oc][s.slot[id]] = b
	} else {
		if moved := s.cells.remove(oc, s.slot[id]); moved >= 0 {
			s.slot[moved] = s.slot[id]
		}
		s.slot[id] = s.cells.add(nc, int32(id), b)
		s.cellOf[id] = int32(nc)
	}
	s.release(set, true)
}

// acquire takes the read (or write) locks of the bands in set without ever
// waiting while it holds one: it tries them all, and when one is taken it
// lets go of those it has, waits for that one alone, and tries the others
// again.
//
// Measured reason: taking them in order with blocking calls (which is
// deadlock-free too) made sharded slower than mutex at 10,000 boids, with a
// third of all acquisitions waiting. A query parked on its second band
// while holding its first; writers queued on the first; then every reader
// of the first queued behind them (a pending writer holds off new readers),
// and a woken goroutine waits behind thousands of runnable boids before it
// runs and lets go. Holding nothing while waiting breaks those chains.
func (s *Sharded) acquire(set uint64, write bool) {
	var held uint64
	for {
		rest := set &^ held
		for rest != 0 {
			b := bits.TrailingZeros64(rest)
			if !s.try(b, write) {
				break
			}
			held |= 1 << b
			rest &^= 1 << b
		}
		if rest == 0 {
			return
		}
		b := bits.TrailingZeros64(rest)
		s.release(held, write)
		s.wait(b, write)
		held = 1 << b
	}
}

// release lets go of the locks of the bands in held, waking the waiters
// parked on them.
func (s *Sharded) release(held uint64, write bool) {
	for held != 0 {
		b := bits.TrailingZeros64(held)
		held &^= 1 << b
		sh := &s.shards[b]
		if write {
			sh.mu.Unlock()
		} else {
			sh.mu.RUnlock()
		}
		// A waiter counts itself before its last try, and that try failed
		// before this unlock, so this load sees it; it holds gate from
		// before that try until it sleeps, so the broadcast finds it asleep.
		if sh.parked.Load() > 0 {
			p := &s.parks[b]
			p.gate.Lock()
			p.cond.Broadcast()
			p.gate.Unlock()
		}
	}
}

func (s *Sharded) try(b int, write bool) bool {
	if write {
		return s.shards[b].mu.TryLock()
	}
	return s.shards[b].mu.TryRLock()
}

// spinTries is how many times wait tries a lock again at once before it
// parks: a lock is held by a goroutine that is running nearly always, and
// a query holds one for about a microsecond. Alternatives measured against
// it in one process, alternated (10,000 boids, 2 cores): a growing pause of
// atomic loads between 10 tries cut parks from about 40,000 to under 1,000
// per 2 million boid-ticks, and yielding up to 4 times before parking; both
// cost the same CPU per boid-tick as this, within 5%.
const spinTries = 32

// wait takes band b's lock after a failed try, counting the wait and
// timing one in waitEvery. It tries again at once a few times (spinTries),
// then parks until a holder lets go and tries again, never taking the
// lock while parked: unlike a waiter woken by RWMutex, one woken here holds
// nothing while it waits behind thousands of runnable boids to run (see
// acquire).
//
// Measured reason for parking: yielding (runtime.Gosched) instead, the
// waiters of a holder that was not running (preempted, or its thread
// descheduled on a busy machine) cycled through the run queue for
// milliseconds: the scheduler's work took a quarter of the process's CPU at
// 10,000 boids on 2 cores, waits lasting 4-5 ms on average. The tries
// first keep a wait for a running holder, a query's microsecond, away from
// the scheduler.
func (s *Sharded) wait(b int, write bool) {
	sh := &s.shards[b]
	timed := sh.waits.Add(1)%waitEvery == 0
	var t time.Time
	if timed {
		t = time.Now()
	}
	if !s.spin(b, write) {
		p := &s.parks[b]
		sh.parked.Add(1)
		p.gate.Lock()
		for !s.try(b, write) {
			p.cond.Wait()
		}
		p.gate.Unlock()
		sh.parked.Add(-1)
	}
	if timed {
		sh.wait.Add(int64(waitEvery * time.Since(t)))
	}
}

// spin tries band b's lock spinTries times and says whether it took it.
func (s *Sharded) spin(b int, write bool) bool {
	for range spinTries {
		if s.try(b, write) {
			return true
		}
	}
	return false
}

func (s *Sharded) EndTick() {}

// Read copies every boid's state holding every band's read lock, so the
// picture is one state of the whole map even while boids move.
func (s *Sharded) Read(dst []Boid) []Boid {
	every := uint64(1)<<len(s.shards) - 1
	s.acquire(every, false)
	for id, c := range s.cellOf {
		dst = append(dst, s.cells.states[c][s.slot[id]])
	}
	s.release(every, false)
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
