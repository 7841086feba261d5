package boids

import (
	"sync"
	"sync/atomic"
	"time"
)

// What a woken boid does: the coordinator stores one in Flock.cmd before it
// wakes a round.
const (
	tickCmd uint32 = iota // one tick's work (Flock.work)
	freeCmd               // the free loop, until Halt
	endCmd                // end, if its id is Flock.keep or above
)

// wakeBatch is how many boids a tick wakes at once; the next batch is woken
// when the last one is done. The scheduler has no priorities: with the
// whole flock runnable, a goroutine that becomes runnable from outside (the
// renderer returning from a graphics call) can queue behind every boid of
// the tick: in a crowded world, frames fell to the tick rate. With batches,
// no more than wakeBatch boids are ahead of it, the run queues empty at
// every batch's end, and no more than wakeBatch boids hold a neighbour
// buffer. Measured here: at 100,000 boids in 64×64, 8.6 frames/s with
// batches of 1,024, 7.1 with 4,096, 1.7 without; at 10,000 boids in
// BenchParams, batches of 1,024 and 4,096 cost no more CPU per boid-tick
// than one wake of the whole flock (lockfree, mutex, channel; alternated).
// A multiple of groupSize, so that a batch wakes whole groups.
const wakeBatch = 1024

// groupSize is how many boids park on one wakeGroup.
const groupSize = 128

// wakeGroup is where a group of boids park between rounds, on one
// sync.Cond, so that one Broadcast wakes them all: the runtime readies the
// whole list it pulls out under one lock, where a channel per boid cost a
// lock, a wait record and a copy per boid on the waking side.
//
// The group is also its Cond's Locker, and Unlock is where a boid reports
// itself parked: Cond.Wait registers its caller as a waiter before it calls
// Unlock, and any Broadcast after that Unlock wakes it ("Wait atomically
// unlocks c.L and suspends execution"), so once every boid of a round has
// unlocked, the next round may be broadcast without losing a
// wake-up. Lock does nothing: the condition the boids wait for is the
// broadcast itself, and what they then read is ordered by Flock.cmd.
type wakeGroup struct {
	cond sync.Cond
	// left is how many boids of the group the current round still waits
	// for. Boids of one group count down here, on a cache line of the
	// group's own, rather than all on one counter.
	left  atomic.Int32
	round *round
	_     [64]byte
}

func (g *wakeGroup) Lock() {}

// Unlock counts one boid of the group as parked (or ended).
func (g *wakeGroup) Unlock() {
	if g.left.Add(-1) == 0 {
		g.round.groupDone()
	}
}

// round is the barrier of one wake: it ends when every boid it woke (or,
// when boids start, every new boid) has parked again. A tick's round goes
// on batch after batch: the boid that parks last in a batch wakes the next
// one itself, so the coordinator is woken once per tick, not once per
// batch, and the next batch does not wait for it to be scheduled.
type round struct {
	f     *Flock
	left  atomic.Int32  // groups with boids still to park
	empty chan struct{} // signalled when the round ends
	// next and end are the tick's boids not woken yet, next..end-1; the
	// coordinator sets them, then each batch's last boid. Its counting
	// down orders every earlier write before its reads.
	next, end int
	wakeNs    atomic.Int64 // time spent broadcasting, summed over batches
}

// chain makes the round go on to boids next..end-1 once the current batch
// is done.
func (r *round) chain(next, end int) { r.next, r.end = next, end }

func (r *round) groupDone() {
	if r.left.Add(-1) != 0 {
		return
	}
	if lo := r.next; lo < r.end && !r.f.abandoned.Load() {
		t := time.Now()
		hi := min(lo+wakeBatch, r.end)
		r.next = hi
		r.f.wake(lo, hi, tickCmd)
		r.wakeNs.Add(int64(time.Since(t)))
		return
	}
	r.next, r.end = 0, 0
	r.empty <- struct{}{}
}

// wait returns when the round has ended.
func (r *round) wait() { <-r.empty }

// arm makes the round wait for boids lo..hi-1, counting each group's
// share; call it before any of them can unlock.
func (f *Flock) arm(lo, hi int) {
	r := &f.tick
	if r.empty == nil {
		r.f, r.empty = f, make(chan struct{}, 1)
	}
	var used int32
	for g := lo / groupSize; g*groupSize < hi; g++ {
		f.groups[g].left.Store(int32(min(hi, (g+1)*groupSize) - max(lo, g*groupSize)))
		used++
	}
	r.left.Store(used)
	if used == 0 {
		r.empty <- struct{}{} // no boids: the round is over already
	}
}

// wake starts a round over the groups of boids lo..hi-1 with
// command cmd: every boid parked in those groups wakes, so the range must
// cover whole groups, except that hi may be the flock's length. Wait for
// the round with f.tick.wait.
func (f *Flock) wake(lo, hi int, cmd uint32) {
	f.arm(lo, hi)
	// The store orders every write of the coordinator so far before the
	// woken boids' reads: the race detector does not see a Cond's
	// broadcast as synchronization, it sees this store and their load.
	f.cmd.Store(cmd)
	for g := lo / groupSize; g*groupSize < hi; g++ {
		f.groups[g].cond.Broadcast()
	}
}

// grow starts the goroutines of boids f.n..n-1 and returns once each is
// parked, ready for a broadcast.
func (f *Flock) grow(n int) {
	old := f.n
	if n <= old {
		return
	}
	for len(f.groups)*groupSize < n {
		g := &wakeGroup{round: &f.tick}
		g.cond.L = g
		f.groups = append(f.groups, g)
	}
	f.arm(old, n)
	f.alive.Add(n - old)
	for id := old; id < n; id++ {
		go f.boid(id, f.groups[id/groupSize])
	}
	f.n = n
	f.tick.wait()
	f.sizeBufs()
	if k := (n + workEvery - 1) / workEvery; len(f.busy) < k {
		f.busy = append(f.busy, make([]time.Duration, k-len(f.busy))...)
	}
}

// end ends the goroutines of boids n..f.n-1 and waits until each has
// counted itself out. Their groups' other boids wake too, and park again.
func (f *Flock) end(n int) {
	if n >= f.n {
		return
	}
	f.keep = n
	f.wake(n/groupSize*groupSize, f.n, endCmd)
	f.tick.wait()
	f.n = n
}

// boid is boid id's goroutine: park in group g, do what the round says,
// park again.
func (f *Flock) boid(id int, g *wakeGroup) {
	defer f.alive.Done()
	for {
		g.cond.Wait()
		switch f.cmd.Load() {
		case endCmd:
			if id >= f.keep {
				g.Unlock()
				return
			}
		case freeCmd:
			f.runFree(id, f.free.run)
		default:
			f.work(id)
		}
	}
}
