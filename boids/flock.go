package boids

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// MaxBoids is the largest flock a Flock accepts.
const MaxBoids = 100000

// Flock runs one goroutine per boid over a shared Strategy. Its methods are
// for one owner goroutine (the coordinator). In the ticked regime Tick wakes
// every boid once and waits for all of them; between ticks the owner may
// resize the flock, swap the strategy or change the rules. RunFree starts
// the free regime (free.go), in which every boid loops on its own until
// Halt. The boid goroutines live until Stop.
//
// Measured choice: waking the boids as chains (the coordinator wakes a
// window of 128, each boid wakes the one 128 further on when done) keeps
// the run queues short and cost the mutex design less CPU, but it cost the
// lock-free design 40% more CPU per boid-tick than one goroutine sending
// every wake-up (10,000 boids; 16 to 2,048 chains were all dearer), so one
// goroutine wakes a whole batch of wakeBatch boids: the coordinator the
// first, then the last boid of each batch the next (nextBatch).
type Flock struct {
	params Params
	strat  Strategy
	// wake[i] is boid i's own channel: a send starts one tick of work, a
	// close ends the goroutine. Owning one channel each keeps a wake to a
	// single channel operation.
	wake []chan struct{}
	// work is what a woken boid does: update, except in the benchmark of
	// the wake alone.
	work func(id int)
	tick barrier // the barrier of the current tick
	// abandoned is set by Abandon, from any goroutine, and read between
	// batches by the boid that ends one.
	abandoned atomic.Bool
	alive     sync.WaitGroup // every boid goroutine still running
	ticks     uint64
	base      Counters // counters of strategies and loads already replaced
	times     TickTimes
	buf       []Boid
	// bufs[id%wakeBatch] is the buffer boid id's neighbours are copied
	// into during a tick: a batch's boids hold one each, and no two boids
	// of a batch share a slot. A sync.Pool lent them before, but a pool
	// lends one buffer per boid in flight (hundreds when boids wait for a
	// lock), makes new ones for every new record of those, and drops them
	// all at each GC, and each allocation brings the next GC nearer.
	bufs [][]Boid
	// busy[id/workEvery] is the busy time of sampled boid id in the current
	// tick, written only by its goroutine, read and cleared by the owner
	// after the barrier.
	busy []time.Duration
	// updates collects the sampled boids' update times until TakeUpdates.
	updates Hist
	free    freeState
	// next and end are the tick's boids not woken yet, next..end-1: Tick
	// sets them, then the last boid of each batch, which wakes the next
	// batch itself (nextBatch). Its barrier count orders every earlier
	// write before its reads.
	next, end int
	wakeNs    atomic.Int64 // the batches' wake-up sends after the first, summed
}

// workEvery samples one boid in workEvery for its update time (query,
// rules and move, waits included): two clock reads per sampled boid-tick,
// a few ns per boid on average.
const workEvery = 16

// TickTimes splits the last tick's wall time into its phases.
type TickTimes struct {
	Wake    time.Duration // sending every boid its wake-up (each batch's, summed)
	Barrier time.Duration // the rest of the wait for the last boid to finish
	End     time.Duration // the strategy's EndTick (snapshot publication, sync)
}

// Total is the whole tick.
func (t TickTimes) Total() time.Duration { return t.Wake + t.Barrier + t.End }

// NewFlock starts a goroutine for each of boids, over strategy s.
func NewFlock(p Params, boids []Boid, s Strategy) (*Flock, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if len(boids) > MaxBoids {
		return nil, fmt.Errorf("%d boids: allowed 0..%d", len(boids), MaxBoids)
	}
	seal()
	f := &Flock{params: p, strat: s}
	f.work = f.update
	s.Load(p.Space, boids)
	f.grow(len(boids))
	return f, nil
}

// RandomBoids returns n boids placed uniformly over the world, heading in
// random directions at speeds between the limits.
func RandomBoids(p Params, n int, rng *rand.Rand) []Boid {
	out := make([]Boid, n)
	for i := range out {
		a := rng.Float64() * 2 * math.Pi
		s := float64(p.MinSpeed) + rng.Float64()*float64(p.MaxSpeed-p.MinSpeed)
		out[i] = Boid{
			Pos: Vec{float32(rng.Float64()) * p.W, float32(rng.Float64()) * p.H},
			Vel: Vec{float32(math.Cos(a) * s), float32(math.Sin(a) * s)},
		}
	}
	return out
}

func (f *Flock) grow(n int) {
	for id := len(f.wake); id < n; id++ {
		ch := make(chan struct{}, 1)
		f.wake = append(f.wake, ch)
		f.alive.Add(1)
		go f.boid(id, ch)
	}
	f.sizeBufs()
	if k := (n + workEvery - 1) / workEvery; len(f.busy) < k {
		f.busy = append(f.busy, make([]time.Duration, k-len(f.busy))...)
	}
}

func (f *Flock) boid(id int, wake chan struct{}) {
	defer f.alive.Done()
	for range wake {
		// strat, params, work and the free run change only between ticks or
		// runs; the wake-up receive orders those writes before these reads.
		if pc := f.free.run; pc != nil {
			f.runFree(id, pc)
		} else {
			f.work(id)
		}
		if f.tick.done(id) {
			f.nextBatch()
		}
	}
}

// nextBatch wakes the tick's next batch, or ends the tick (or the free
// run). The last boid of a batch calls it, so that the next batch need not
// wait for the coordinator to be woken and scheduled: on the quiet machine
// BenchmarkWake took 0.93x the time of the coordinator waking every batch
// (medians of 8 alternated runs, 399 against 429 ns per boid-tick), a gain
// of the size of this machine's noise.
func (f *Flock) nextBatch() {
	lo := f.next
	if lo >= f.end || f.abandoned.Load() {
		f.next, f.end = 0, 0
		f.tick.empty <- struct{}{}
		return
	}
	t := time.Now()
	hi := min(lo+wakeBatch, f.end)
	f.next = hi
	f.tick.start(lo, hi)
	for _, ch := range f.wake[lo:hi] {
		ch <- struct{}{}
	}
	f.wakeNs.Add(int64(time.Since(t)))
}

// update is one boid's tick: its query, its rules and its move.
func (f *Flock) update(id int) {
	s := f.strat
	sampled := id%workEvery == 0
	var t time.Time
	if sampled {
		t = time.Now()
	}
	buf := &f.bufs[id%wakeBatch]
	self, nbrs := s.Neighbors(id, (*buf)[:0])
	next := Step(&f.params, self, nbrs)
	if cap(nbrs) != cap(*buf) {
		// It grew (a crowded world). Writing the slot only then keeps
		// neighbouring slots' cache lines from bouncing between cores.
		*buf = nbrs
	}
	s.Move(id, next)
	if sampled {
		f.busy[id/workEvery] += time.Since(t)
	}
}

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
const wakeBatch = 1024

// barrier is a tick's end: boids count down in shards (boid id in shard
// id%barrierShards, each counter on its own cache line), and the boid that
// empties the last shard tells the coordinator. One shared counter, as in
// sync.WaitGroup, had every boid of both cores contend for one cache line.
type barrier struct {
	shards [barrierShards]struct {
		left atomic.Int32
		_    [60]byte
	}
	left  atomic.Int32  // shards not yet empty
	empty chan struct{} // signalled when the last shard empties
}

const barrierShards = 64

// start arms the barrier for boids lo..hi-1; call it before waking any of
// them.
func (b *barrier) start(lo, hi int) {
	if b.empty == nil {
		b.empty = make(chan struct{}, 1)
	}
	for i := range b.shards {
		b.shards[i].left.Store(0)
	}
	for id := lo; id < min(hi, lo+barrierShards); id++ {
		// ids id, id+barrierShards, ... below hi share a shard.
		b.shards[id%barrierShards].left.Store(int32((hi - id + barrierShards - 1) / barrierShards))
	}
	used := int32(min(hi-lo, barrierShards))
	b.left.Store(used)
	if used == 0 {
		b.empty <- struct{}{}
	}
}

// done counts boid id as finished, and reports whether it was the last.
func (b *barrier) done(id int) bool {
	return b.shards[id%barrierShards].left.Add(-1) == 0 && b.left.Add(-1) == 0
}

// wait returns when every boid has called done.
func (b *barrier) wait() { <-b.empty }

// neighbourBufs lends the boids of the free regime the buffers their
// neighbours are copied into (ticks use Flock.bufs). A boid needs one only
// from its query to its rules, so the flock keeps a few buffers per core
// instead of one per goroutine.
var neighbourBufs = sync.Pool{New: func() any {
	b := make([]Boid, 0, 128)
	return &b
}}

// Tick advances the flock one step: every boid reads its neighbours and
// moves, concurrently, then the strategy ends the tick.
func (f *Flock) Tick() {
	if f.free.run != nil {
		panic("boids: Tick on a free-running flock; Halt it first")
	}
	var wake, wait time.Duration
	if f.abandoned.Load() {
		return
	}
	if n := len(f.wake); n > 0 {
		t0 := time.Now()
		hi := min(wakeBatch, n)
		f.next, f.end = hi, n
		f.tick.start(0, hi)
		for _, ch := range f.wake[:hi] {
			ch <- struct{}{}
		}
		t1 := time.Now()
		f.tick.wait()
		later := time.Duration(f.wakeNs.Swap(0))
		wake, wait = t1.Sub(t0)+later, time.Since(t1)-later
	}
	if f.abandoned.Load() {
		return
	}
	t2 := time.Now()
	f.strat.EndTick()
	t3 := time.Now()
	f.times = TickTimes{Wake: wake, Barrier: wait, End: t3.Sub(t2)}
	f.recordUpdates()
	f.ticks++
}

// recordUpdates moves the sampled update times of the tick into the
// histogram.
func (f *Flock) recordUpdates() {
	sampled := (len(f.wake) + workEvery - 1) / workEvery
	for i := range f.busy[:sampled] {
		f.updates.Record(f.busy[i])
		f.busy[i] = 0
	}
}

// TakeUpdates hands over the boid update times sampled since the last
// call, and starts afresh.
func (f *Flock) TakeUpdates(h *Hist) {
	*h = f.updates
	f.updates = Hist{}
}

// Abandon makes a tick in progress stop after its current batch of boids,
// leaving it unfinished, and every later tick return at once; the flock is
// then good only for Stop. It is the one method safe from any goroutine: a
// program that quits while a crowded world takes seconds per tick waits
// for one batch, not for the whole tick.
func (f *Flock) Abandon() { f.abandoned.Store(true) }

// Ticks is the number of ticks run so far.
func (f *Flock) Ticks() uint64 { return f.ticks }

// LastTick is the phase breakdown of the last tick.
func (f *Flock) LastTick() TickTimes { return f.times }

// Len is the number of boids (and boid goroutines).
func (f *Flock) Len() int { return len(f.wake) }

// Params returns the rules in force.
func (f *Flock) Params() Params { return f.params }

// Strategy returns the design in use.
func (f *Flock) Strategy() Strategy { return f.strat }

// Boids appends every boid's state, in id order, to dst.
func (f *Flock) Boids(dst []Boid) []Boid { return f.strat.Read(dst) }

// Counters are the costs measured since the flock started, across every
// strategy it has used.
func (f *Flock) Counters() Counters {
	c := f.base
	if cs, ok := f.strat.(Counting); ok {
		c.Add(cs.Counters())
	}
	return c
}

// reload hands the current state, changed by edit, to strategy s.
func (f *Flock) reload(s Strategy, sp Space, edit func([]Boid) []Boid) {
	f.buf = edit(f.strat.Read(f.buf[:0]))
	if cs, ok := f.strat.(Counting); ok {
		f.base.Add(cs.Counters())
	}
	if s != f.strat {
		f.strat.Close()
		f.strat = s
		f.sizeBufs()
	}
	s.Load(sp, f.buf)
}

// roomy is a design whose queries fill the buffer they are given with more
// than the neighbours they return, up to bufRoom boids.
type roomy interface{ bufRoom() int }

// sizeBufs gives each boid of a batch a buffer with the room the design
// needs: MaxNeighbors, the most a query returns, unless it is roomy. A
// buffer then grows only in a crowded world, and a tick allocates nothing.
// At 16 bytes a boid that is 4 KiB per boid of a batch: 4 MiB for a flock
// of wakeBatch boids or more.
func (f *Flock) sizeBufs() {
	room := MaxNeighbors
	if r, ok := f.strat.(roomy); ok {
		room = r.bufRoom()
	}
	for i := range f.bufs {
		if cap(f.bufs[i]) < room {
			f.bufs[i] = make([]Boid, 0, room)
		}
	}
	for len(f.bufs) < min(len(f.wake), wakeBatch) {
		f.bufs = append(f.bufs, make([]Boid, 0, room))
	}
}

// SetStrategy hands the exact state over to s and closes the old strategy.
func (f *Flock) SetStrategy(s Strategy) {
	defer f.hold()()
	f.reload(s, f.params.Space, keep)
}

func keep(b []Boid) []Boid { return b }

// Resize grows the flock with random boids from rng, or shrinks it by
// ending its newest boids.
func (f *Flock) Resize(n int, rng *rand.Rand) error {
	return f.refill(n, func(b []Boid) []Boid {
		if n <= len(b) {
			return b[:n]
		}
		return append(b, RandomBoids(f.params, n-len(b), rng)...)
	})
}

// Replace swaps every boid's state for boids, resizing the flock to match.
func (f *Flock) Replace(boids []Boid) error {
	return f.refill(len(boids), func(b []Boid) []Boid { return append(b[:0], boids...) })
}

// refill reloads the strategy with the state edit makes of the current one,
// n boids long, then ends the goroutines of boids beyond n and starts those
// missing. A count out of range changes nothing.
func (f *Flock) refill(n int, edit func([]Boid) []Boid) error {
	if n < 0 || n > MaxBoids {
		return fmt.Errorf("%d boids: allowed 0..%d", n, MaxBoids)
	}
	defer f.hold()()
	old := f.Len()
	f.reload(f.strat, f.params.Space, edit)
	for id := n; id < old; id++ {
		close(f.wake[id])
	}
	f.wake = f.wake[:min(n, old)]
	f.grow(n)
	return nil
}

// SetParams changes the rules. A new world size or radius rebuilds the map;
// boids outside a smaller world are brought back inside it.
func (f *Flock) SetParams(p Params) error {
	if err := p.Validate(); err != nil {
		return err
	}
	old := f.params
	if p.Space != old.Space {
		defer f.hold()()
	}
	f.params = p
	if pc := f.free.run; pc != nil {
		pc.params.Store(&p)
	}
	if p.Space != old.Space {
		f.reload(f.strat, p.Space, func(b []Boid) []Boid {
			for i := range b {
				b[i].Pos.X = min(max(b[i].Pos.X, 0), p.W-1e-3)
				b[i].Pos.Y = min(max(b[i].Pos.Y, 0), p.H-1e-3)
			}
			return b
		})
	}
	return nil
}

// Stop ends every boid goroutine and the strategy's own, and waits for them.
// The flock is unusable afterwards.
func (f *Flock) Stop() {
	f.Halt()
	for _, ch := range f.wake {
		close(ch)
	}
	f.wake = nil
	f.alive.Wait()
	f.strat.Close()
}
