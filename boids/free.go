package boids

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Mode is the regime the boid goroutines run in.
type Mode uint8

const (
	// Ticked is lock-step: a tick wakes every boid once and a barrier waits
	// for all of them, so no boid moves twice before every other has moved.
	Ticked Mode = iota
	// Free lets every boid loop on its own (query, rules, move, wait for its
	// next turn), paced at a target rate per boid; nothing waits for all.
	Free
)

// Modes lists the regimes in the order the -mode flag documents them.
var Modes = []Mode{Ticked, Free}

func (m Mode) String() string {
	if m == Free {
		return "free"
	}
	return "ticked"
}

// Rate names what the target rate (-tps, SetTPS) counts in the regime,
// for every line that shows it: ticks per second, or each boid's updates
// per second.
func (m Mode) Rate() string {
	if m == Free {
		return "updates/boid/s"
	}
	return "ticks/s"
}

// ParseMode reads a -mode value.
func ParseMode(s string) (Mode, error) {
	for _, m := range Modes {
		if strings.EqualFold(s, m.String()) {
			return m, nil
		}
	}
	return Ticked, fmt.Errorf("mode %q: allowed ticked, free", s)
}

// FreeRunning is implemented by designs that work differently when the boids
// run free. The flock calls SetFree(true) before the first boid starts
// looping and SetFree(false) after the last one has stopped, with no boid
// inside the design either time. In between, EndTick is not called.
type FreeRunning interface {
	SetFree(on bool)
}

// pacer is one free run: the slots that pace the boids and the goroutine
// that opens them. Slot k holds a contiguous run of ids, the k-th of
// slots; every period/slots the pacer opens the next slot, giving each of
// its boids a turn: a token in the boid's own channel, which wakes it if it
// waits there. One timer paces a whole slot, so pacing costs no timer per
// boid: BenchmarkPace compares it with a sleep per boid.
//
// A turn is a send on the boid's own channel, as a tick's wake is, rather
// than one close per opening of a channel the slot's boids share, and the
// slots are contiguous rather than ids taken every slots-th: the boids of
// an opening then run in id order, the order their goroutines, stacks and
// records were made in, as a tick's batch does. BenchmarkPacing's nop rows
// measured each alternately with the closing pacer (see the README, "Two
// regimes"): the sends alone changed nothing, contiguous slots cut the
// CPU per update.
//
// Every opening costs more than its sends: the pacer's timer fires, an
// idle core is woken for the slot's boids and goes back to sleep once they
// are done. So the slots are as few as the window allows: one per
// wakeBatch boids (the most the ticked regime makes runnable at once, for
// the same reason), never closer than minSlotGap. Measured at 2,000 boids
// paced at 60/s with no update work: the process's threads slept 470-500
// times a second with 2 slots against 2,150-2,340 with 16; the CPU per
// update did not change beyond the noise of a shared machine.
type pacer struct {
	slots  int
	period time.Duration
	// turns[id] is boid id's own: the pacer puts a token in it at every
	// opening of its slot, unless it holds owedTurns already.
	turns []chan struct{}
	quit  chan struct{} // closed by the coordinator to end the run
	done  chan struct{} // closed by the pacer when it has returned
	// halt is set by the pacer before it opens every slot one last time;
	// a boid woken after that leaves its loop.
	halt   atomic.Bool
	params atomic.Pointer[Params] // rules the boids read on every update
	admit  admission
}

// admission lets at most room boids at a time into their update, from
// their query to their move. Free boids are not woken in batches as ticked
// ones are: a flock whose updates outlast their period (a crowded world, or
// more boids than the cores keep up with) owes turns all the time, never
// parks in its slots, and without a bound the whole flock is runnable or
// inside the design at once. Measured at 100,000 boids in 64×64 before
// admission: channel held 1.9 GB in the queries queued at its owner, and
// channel, actors and lockfree took 3 to 6.4 s to leave after Escape,
// because every query already asked is answered before its boid can see
// the halt. With it, a halt waits for room updates at most.
//
// Waiting boids are let in in batches, not one by one as each boid leaves:
// a wake-up from a goroutine puts the woken one first in line on the
// waker's core, so handing each place on would chain boid to boid and
// keep the window's goroutine, queued behind, from running (lockfree drew
// 9.6 frames/s instead of 56 there). When the boids inside fall to half the
// room, the one that leaves lets waiters in up to the room, as the ticked
// regime's nextBatch wakes a batch: all but the last of them queue behind
// whatever was runnable already.
//
// An enter or leave that finds the door open (nobody in line, room
// inside) takes no lock: one atomic operation on count. The lock, which
// an update took and released twice before, was 9-12% of the CPU of a
// paced flock doing nothing else (two profiles at 10,000 boids,
// GOMAXPROCS 2).
type admission struct {
	// count is the boids let in and not yet out (low 32 bits) and the
	// boids in line (high 32 bits), in one word so that a boid that joins
	// the line and one that leaves see each other: a leave that finds the
	// line waiting and half the room or less inside lets it in.
	count atomic.Uint64
	room  int
	mu    sync.Mutex // guards the rest
	// wait holds the waiting boids' ids, first at head, last before tail
	// (counts, taken modulo len(wait)); it has room for every boid, as a
	// boid waits once at a time.
	wait       []int32
	head, tail int
	// waking is set while a boid lets a batch in: one at a time, so that
	// batch, the ids it copied under the lock, is its own; one that finds
	// it set leaves the next batch to that boid, which looks again once it
	// is done.
	waking bool
	batch  []int32
	// park[id] is boid id's own: the flock's wake channel, which no tick
	// uses while free. A boid not started yet waits there for its start, a
	// started one to be let in again.
	park []chan struct{}
}

// inLine is one boid in line, in admission.count.
const inLine = 1 << 32

// counts splits admission.count: boids inside, boids in line.
func counts(c uint64) (in, queued int) { return int(uint32(c)), int(c >> 32) }

// freeRoom is the admission's room: as many boids as a tick wakes at once
// (wakeBatch), for the same reasons.
const freeRoom = wakeBatch

// start lets boids 0..k-1 in and queues the others, in id order, for a
// run of n boids, and returns k. Starting every boid at once put the whole
// flock in the run queues: at 100,000 boids in 64×64 the window drew no
// frame for the first 3-5 s of a free run.
func (a *admission) start(n int) int {
	k := min(n, a.room)
	a.count.Store(uint64(k) + uint64(n-k)*inLine)
	for id := k; id < n; id++ {
		a.wait[a.tail%len(a.wait)] = int32(id)
		a.tail++
	}
	return k
}

// enter returns once boid id may update: at once if nobody is in line
// and there is room inside, else when its turn in line comes.
func (a *admission) enter(id int) {
	if !a.open() {
		a.queue(id)
	}
}

// queue is enter's way when the door looked shut: it may have opened
// since (the boids inside left, the line went in), so the boid looks
// again under the lock and joins the line only if it is still shut.
func (a *admission) queue(id int) {
	a.mu.Lock()
	// Only the lock's holder joins the line, so it cannot fill while this
	// looks. The boid joins only while the door is shut (no room, or a
	// line): one inside leaves later, or the boid letting the line in
	// looks again, and sees it in line. Joining an open door would wait
	// for a leave that may never come.
	for c := a.count.Load(); ; c = a.count.Load() {
		if in, queued := counts(c); queued == 0 && in < a.room {
			if a.count.CompareAndSwap(c, c+1) {
				a.mu.Unlock()
				return
			}
		} else if a.count.CompareAndSwap(c, c+inLine) {
			break
		}
	}
	a.wait[a.tail%len(a.wait)] = int32(id)
	a.tail++
	a.mu.Unlock()
	<-a.park[id]
}

// open lets a boid in if nobody is in line and there is room inside.
func (a *admission) open() bool {
	for c := a.count.Load(); ; c = a.count.Load() {
		if in, queued := counts(c); queued > 0 || in >= a.room {
			return false
		}
		if a.count.CompareAndSwap(c, c+1) {
			return true
		}
	}
}

// leave ends an update, and lets the next batch in when its turn has come.
func (a *admission) leave() {
	if in, queued := counts(a.count.Add(^uint64(0))); queued > 0 && in <= a.room/2 {
		a.letIn()
	}
}

// letIn lets boids in line in, up to the room, while the boids inside are
// no more than half the room, unless another boid is doing so already.
func (a *admission) letIn() {
	a.mu.Lock()
	if a.waking {
		a.mu.Unlock()
		return
	}
	a.waking = true
	for {
		in, queued := counts(a.count.Load())
		if in > a.room/2 || queued == 0 {
			break
		}
		k := min(a.room-in, queued)
		a.batch = a.batch[:0]
		for i := a.head; i < a.head+k; i++ {
			a.batch = append(a.batch, a.wait[i%len(a.wait)])
		}
		a.head += k
		// k more inside, k fewer in line; the boids inside can only have
		// left since the load, and none entered past a line.
		a.count.Add(uint64(k) - uint64(k)*inLine)
		a.mu.Unlock()
		for _, id := range a.batch {
			a.park[id] <- struct{}{}
		}
		a.mu.Lock()
	}
	a.waking = false
	a.mu.Unlock()
}

// owedTurns is how many updates a boid may owe: one for every opening of
// its slot, as tokens in its turns channel. One that is behind (its update
// outlasted a period, or it waited in the run queue past its next opening)
// finds a token and does the update it owes at once, without parking. One
// that fell more than a turn behind catches up one turn only: the turns it
// missed beyond that are dropped, not piled up, so an overloaded flock
// runs as fast as it can and no faster.
const owedTurns = 2

// minSlotGap is the shortest interval between two slot openings: the timer
// cannot do much better.
const minSlotGap = time.Millisecond

// newPacer paces size boids at rate updates per second each; park[id] is
// where boid id waits to be let in, turns[id] where it waits for its turn
// (empty: the last run's tokens are the caller's to drain).
func newPacer(rate float64, size int, p Params, park, turns []chan struct{}) *pacer {
	period := time.Duration(float64(time.Second) / rate)
	pc := &pacer{slots: slotCount(period, size), period: period, turns: turns, quit: make(chan struct{}), done: make(chan struct{})}
	pc.admit = admission{room: freeRoom, wait: make([]int32, max(size, 1)), batch: make([]int32, 0, freeRoom), park: park}
	pc.params.Store(&p)
	return pc
}

// slotCount is how many slots pace size boids whose turns come every
// period: one per wakeBatch boids, never two openings closer than
// minSlotGap.
func slotCount(period time.Duration, size int) int {
	return min(max((size+wakeBatch-1)/wakeBatch, 1), max(int(period/minSlotGap), 1))
}

// run opens the slots in turn until quit, then opens them all once more
// with halt set, so that every boid leaves its loop. The openings follow
// the clock, not the ticks: the pacer waits in the run queue behind the
// boids it woke, the ticker drops the ticks it missed meanwhile, and the
// slots those stood for are opened late rather than never (a full period
// at most, as a boid can catch up one turn only).
func (pc *pacer) run() {
	defer close(pc.done)
	n := pc.slots
	gap := pc.period / time.Duration(n)
	t := time.NewTicker(gap)
	defer t.Stop()
	start := time.Now()
	opened := 0
	for {
		select {
		case <-pc.quit:
			pc.halt.Store(true)
			for i := range n {
				pc.open(i)
			}
			return
		case now := <-t.C:
			due := int(now.Sub(start) / gap)
			opened = max(opened, due-n)
			for ; opened < due; opened++ {
				pc.open(opened % n)
			}
		}
	}
}

// open gives every boid of slot k a turn, unless it owes owedTurns already.
func (pc *pacer) open(k int) {
	lo, hi := k*len(pc.turns)/pc.slots, (k+1)*len(pc.turns)/pc.slots
	for _, ch := range pc.turns[lo:hi] {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// pace is one boid's record for the fairness figures: written by its own
// goroutine on every update, read by the coordinator at any time.
type pace struct {
	updates atomic.Uint64
	last    atomic.Int64 // when it last updated, ns since the flock's epoch
	gap     atomic.Int64 // longest gap between two updates since the coordinator last took it
}

// freeState is the flock's free-running part, owned by the coordinator
// except where a field says otherwise.
type freeState struct {
	run   *pacer // the current run; nil while ticked
	rate  float64
	epoch time.Time
	paces []pace          // by boid id; only grows, so a boid's record outlives a resize
	turns []chan struct{} // by boid id, grown with paces: pacer.turns
	// The fairness window: per-boid counts at its start, and what the last
	// closed window measured.
	prev      []uint64
	winStart  time.Time
	fair      Fairness
	rates     []float32
	gaps      []time.Duration
	sortRates []float64
}

// Fairness is how evenly the boids got their turns over the last window (a
// second), in the free regime. Rates are updates per second of one boid.
type Fairness struct {
	Window  time.Duration
	Updates float64 // updates per second, all boids together
	Min     float64 // the slowest boid's rate
	P1      float64
	P50     float64
	P99     float64
	Max     float64
	// Jain is Jain's fairness index of the rates, (Σx)²/(n·Σx²): 1 when
	// every boid got as many updates, 1/n when one got them all.
	Jain float64
	// GapP99 and GapMax are the 99th percentile and the maximum, over the
	// boids, of each boid's longest wait between two of its updates (a boid
	// still waiting counts its wait so far).
	GapP99, GapMax time.Duration
}

// RunFree lets every boid loop on its own, aiming at rate updates per
// second each, until Halt or Stop. While free, Resize, Replace, SetStrategy
// and a SetParams that changes the world stop the loops, hand the state
// over as in the ticked regime and start them again; other rule changes
// reach the boids at their next update. Called while free, it changes the
// rate. Rates outside 1..MaxTPS (NaN included) are clamped.
func (f *Flock) RunFree(rate float64) {
	switch {
	case !(rate >= 1):
		rate = 1
	case rate > MaxTPS:
		rate = MaxTPS
	}
	if f.free.run != nil {
		f.Halt()
	}
	f.free.rate = rate
	if f.free.epoch.IsZero() {
		f.free.epoch = time.Now()
	}
	n := len(f.wake)
	if len(f.free.paces) < n {
		f.free.paces = append(f.free.paces, make([]pace, n-len(f.free.paces))...)
		f.free.prev = append(f.free.prev, make([]uint64, n-len(f.free.prev))...)
		for len(f.free.turns) < n {
			f.free.turns = append(f.free.turns, make(chan struct{}, owedTurns))
		}
	}
	// Turns the last run gave and its boids did not take are not owed now.
	for _, ch := range f.free.turns[:n] {
		for len(ch) > 0 {
			<-ch
		}
	}
	// A pause is not a gap: every boid starts its wait now.
	now := f.clock()
	for i := range f.free.paces[:n] {
		f.free.paces[i].last.Store(now)
	}
	f.free.winStart = time.Now()
	for i := range f.free.prev[:n] {
		f.free.prev[i] = f.free.paces[i].updates.Load()
	}
	if fr, ok := f.strat.(FreeRunning); ok {
		fr.SetFree(true)
	}
	pc := newPacer(rate, n, f.params, f.wake, f.free.turns[:n])
	f.free.run = pc
	go pc.run()
	// A boid's start is its first admission: the first room boids start
	// now, the others as admission lets them in, so a large flock does not
	// become runnable all at once. The sends order the writes above before
	// every boid's first read (the later starts come from boids started
	// here, or started by them).
	f.tick.start(0, n)
	for _, ch := range f.wake[:pc.admit.start(n)] {
		ch <- struct{}{}
	}
}

// Halt stops the free loops and waits until every boid has left its loop,
// returning the flock to the ticked regime with the exact state. It does
// nothing while ticked.
func (f *Flock) Halt() {
	pc := f.free.run
	if pc == nil {
		return
	}
	close(pc.quit)
	<-pc.done
	f.tick.wait()
	f.free.run = nil
	if fr, ok := f.strat.(FreeRunning); ok {
		fr.SetFree(false)
	}
}

// Mode is the regime the boids run in.
func (f *Flock) Mode() Mode {
	if f.free.run != nil {
		return Free
	}
	return Ticked
}

// hold stops a free run for a change that needs the boids out of the
// design, and returns what starts it again.
func (f *Flock) hold() func() {
	if f.free.run == nil {
		return func() {}
	}
	rate := f.free.rate
	f.Halt()
	return func() { f.RunFree(rate) }
}

func (f *Flock) clock() int64 { return int64(time.Since(f.free.epoch)) }

// runFree is boid id's free loop: wait for its slot's next opening unless
// it owes an update already, wait to be let in, update, again, until the
// run halts.
func (f *Flock) runFree(id int, pc *pacer) {
	s := f.strat
	turn := pc.turns[id]
	pa := &f.free.paces[id]
	// Its first update is for its slot's first opening, which a boid
	// started late (admission.start) owes already. Its start let it in, so
	// it waits for that turn in.
	for started := true; ; started = false {
		<-turn
		if !started {
			if pc.halt.Load() {
				return
			}
			pc.admit.enter(id)
		}
		// A boid let in after the halt leaves at once: with the whole
		// flock at the door, one more update each would hold the halt as
		// long as admission was meant to save.
		if pc.halt.Load() {
			pc.admit.leave()
			return
		}
		p := pc.params.Load()
		buf := neighbourBufs.Get().(*[]Boid)
		self, nbrs := s.Neighbors(id, (*buf)[:0])
		moved := Step(p, self, nbrs)
		*buf = nbrs
		neighbourBufs.Put(buf)
		s.Move(id, moved)
		pc.admit.leave()
		now := f.clock()
		if gap := now - pa.last.Swap(now); gap > pa.gap.Load() {
			pa.gap.Store(gap)
		}
		pa.updates.Add(1)
	}
}

// Updates is the number of updates the boids have made in the free regime
// since the flock started, counting those of boids a resize has removed
// since: it never goes back.
func (f *Flock) Updates() uint64 {
	var n uint64
	for i := range f.free.paces {
		n += f.free.paces[i].updates.Load()
	}
	return n
}

// TakeFairness closes the fairness window (while free) and starts the next;
// it returns the last closed window's figures, and each boid's rate in it,
// valid until the next call.
func (f *Flock) TakeFairness() (Fairness, []float32) {
	fs := &f.free
	if fs.run == nil {
		return fs.fair, fs.rates
	}
	now := time.Now()
	win := now.Sub(fs.winStart)
	if win <= 0 {
		return fs.fair, fs.rates
	}
	n := len(f.wake)
	clk := f.clock()
	fs.rates = resize(fs.rates, n)
	fs.gaps = resize(fs.gaps, n)
	fs.sortRates = resize(fs.sortRates, n)
	var sum, sum2 float64
	for i := range n {
		pa := &fs.paces[i]
		c := pa.updates.Load()
		r := float64(c-fs.prev[i]) / win.Seconds()
		fs.prev[i] = c
		fs.rates[i] = float32(r)
		fs.sortRates[i] = r
		sum += r
		sum2 += r * r
		gap := max(pa.gap.Swap(0), clk-pa.last.Load())
		fs.gaps[i] = time.Duration(gap)
	}
	fs.winStart = now
	fs.fair = fairness(win, fs.sortRates, fs.gaps, sum, sum2)
	return fs.fair, fs.rates
}

func fairness(win time.Duration, rates []float64, gaps []time.Duration, sum, sum2 float64) Fairness {
	fr := Fairness{Window: win, Updates: sum}
	n := len(rates)
	if n == 0 {
		return fr
	}
	slices.Sort(rates)
	slices.Sort(gaps)
	at := func(q float64) int { return min(int(q*float64(n)), n-1) }
	fr.Min, fr.P1, fr.P50, fr.P99, fr.Max = rates[0], rates[at(0.01)], rates[at(0.5)], rates[at(0.99)], rates[n-1]
	if sum2 > 0 {
		fr.Jain = min(1, sum*sum/(float64(n)*sum2)) // rounding can pass 1 by an ulp
	}
	fr.GapP99, fr.GapMax = gaps[at(0.99)], gaps[n-1]
	return fr
}
