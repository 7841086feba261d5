package boids

import (
	"fmt"
	"slices"
	"strings"
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
// that opens them. A boid belongs to slot id%len(slots); every period/len
// the pacer opens the next slot, waking its boids together. One timer and
// one channel close wake a whole slot, so pacing costs no timer per boid:
// BenchmarkPace compares it with a sleep per boid.
type pacer struct {
	slots  []slot
	period time.Duration
	quit   chan struct{} // closed by the coordinator to end the run
	done   chan struct{} // closed by the pacer when it has returned
	// halt is set by the pacer before it opens every slot one last time;
	// a boid woken after that leaves its loop.
	halt   atomic.Bool
	params atomic.Pointer[Params] // rules the boids read on every update
}

// slot is a group of boids that share a turn.
type slot struct {
	cur atomic.Pointer[turn]
}

// turn is one opening of a slot: the pacer closes ch to start it, after
// installing the next turn, so a woken boid that loads the next turn at once
// cannot miss it. A boid whose update outlasts a period finds that turn
// already open and goes again at once: late boids catch up by one turn and
// never pile turns up.
type turn struct {
	ch chan struct{}
}

// minSlotGap is the shortest interval between two slot openings: the timer
// cannot do much better, and at high rates fewer, bigger slots cost less.
const minSlotGap = time.Millisecond

// maxSlots bounds the slots; 16 at 60 updates/s.
const maxSlots = 64

func newPacer(rate float64, p Params) *pacer {
	period := time.Duration(float64(time.Second) / rate)
	n := min(max(int(period/minSlotGap), 1), maxSlots)
	pc := &pacer{slots: make([]slot, n), period: period, quit: make(chan struct{}), done: make(chan struct{})}
	for i := range pc.slots {
		pc.slots[i].cur.Store(&turn{ch: make(chan struct{})})
	}
	pc.params.Store(&p)
	return pc
}

// run opens the slots in turn until quit, then opens them all once more
// with halt set, so that every boid leaves its loop. The openings follow
// the clock, not the ticks: the pacer waits in the run queue behind the
// boids it woke, the ticker drops the ticks it missed meanwhile, and the
// slots those stood for are opened late rather than never (a full period
// at most, as a boid can catch up one turn only).
func (pc *pacer) run() {
	defer close(pc.done)
	n := len(pc.slots)
	gap := pc.period / time.Duration(n)
	t := time.NewTicker(gap)
	defer t.Stop()
	start := time.Now()
	opened := 0
	for {
		select {
		case <-pc.quit:
			pc.halt.Store(true)
			for i := range pc.slots {
				close(pc.slots[i].cur.Load().ch)
			}
			return
		case now := <-t.C:
			due := int(now.Sub(start) / gap)
			opened = max(opened, due-n)
			for ; opened < due; opened++ {
				s := &pc.slots[opened%n]
				close(s.cur.Swap(&turn{ch: make(chan struct{})}).ch)
			}
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
	paces []pace // by boid id; only grows, so a boid's record outlives a resize
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
	pc := newPacer(rate, f.params)
	f.free.run = pc
	go pc.run()
	// The sends order the writes above before every boid's first read.
	f.tick.start(0, n)
	for _, ch := range f.wake {
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

// runFree is boid id's free loop: wait for its slot's turn, update, again,
// until the run halts.
func (f *Flock) runFree(id int, pc *pacer) {
	s := f.strat
	sl := &pc.slots[id%len(pc.slots)]
	pa := &f.free.paces[id]
	t := sl.cur.Load()
	for {
		<-t.ch
		if pc.halt.Load() {
			return
		}
		t = sl.cur.Load()
		p := pc.params.Load()
		buf := neighbourBufs.Get().(*[]Boid)
		self, nbrs := s.Neighbors(id, (*buf)[:0])
		next := Step(p, self, nbrs)
		*buf = nbrs
		neighbourBufs.Put(buf)
		s.Move(id, next)
		now := f.clock()
		if gap := now - pa.last.Swap(now); gap > pa.gap.Load() {
			pa.gap.Store(gap)
		}
		pa.updates.Add(1)
	}
}

// Updates is the number of updates the boids made in the free regime.
func (f *Flock) Updates() uint64 {
	var n uint64
	for i := range f.free.paces[:min(len(f.wake), len(f.free.paces))] {
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
