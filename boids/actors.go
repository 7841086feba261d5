package boids

import (
	"math/bits"
	"runtime"
	"sync/atomic"
	"time"
)

// Actors is the channel design partitioned: the rows of the kernel's cells
// (Space.Layout) are grouped into bands, and each band has its own owner
// goroutine (an actor) that alone touches its cells, as the channel
// design's owner does for the whole map. Owners serve in parallel, so two
// cores can both serve.
//
// What is shared, and who may touch it:
//   - an owner's map and index (which boids it holds, where, and the
//     latest move of each it applied) are local to its goroutine; nobody
//     else can reach them. Each owner holds its band's boids and, as
//     copies, the boids of the rows of cells within a view radius outside
//     the band on each side (its halo: every row a query from the band
//     can reach).
//   - a query reaches an owner only by message on the owner's channel (a
//     round trip), to the owner of the asker's row.
//   - own[id] and seq[id] (the boid's latest state and move count) are the
//     mailbox of boid id: only the goroutine calling Neighbors and Move for
//     id writes them. In the lock-step regime a move is not a message: the
//     boid writes its mailbox, and at EndTick, with no boid inside, every
//     owner reads all mailboxes in parallel and packs the boids of its rows
//     into a frame that the next tick's queries scan (the tick barrier and
//     EndTick's message order the writes before the reads). In the free regime there is no barrier, so
//     a move is a message (fire and forget) to every owner that holds the
//     boid before or after it, each of which updates, adds or drops its
//     copy. First it takes a stamp from clock (an atomic counter that
//     orders every free move), keeps it in its ring of stamps and counts
//     the move in pub[id]: atomics only it writes and owners read.
//   - the round-trip counters in a boid's query are atomics, read by
//     Counters.
//   - Load, Read, EndTick, SetFree, Counters, Regions and Close are the
//     coordinator's, one at a time; they set an owner's fields before the
//     message that starts the call, and read them after its reply.
//
// Why a border query asks one owner: the cells a query scans (the kernel's
// block) lie within a view radius of the asker's row, all of which that
// row's owner holds (band plus halo). A query that asked two owners one after the other could
// miss a neighbour handed from the second to the first in between, or see
// it twice; one owner answers from one consistent state. No boid is lost or
// seen twice: in the lock-step regime every owner applies a tick's moves
// before the next tick's queries, in the free regime both owners hold a
// boid crossing between them before and after the move, and each applies
// the moves of one boid in the order it sent them (one sender, one channel:
// FIFO). In the lock-step regime a query therefore sees every neighbour as
// it was at the start of the tick, as lockfree's snapshot does.
//
// Free regime, reads in order: a goroutine may be shown boid j by one
// owner and then ask another owner whose copy of j is older, as j sent its
// move to both and the second has not applied it yet. So a free query
// carries the clock t when it was sent, and its owner answers it only
// when, for every boid in the cells it scans, the move after its copy is
// either unpublished or stamped after t (anything the asker was shown
// before it asked was stamped no later than t). Such a move was
// nearly always sent before the query too, and is applied first (FIFO);
// otherwise the owner puts the query aside and tries it again once it has
// applied the move it waits for, which is on its way (stamped, so sent or
// about to be). Each try waits only for moves stamped no later than t, a
// finite set, so a query put aside is answered.
//
// Read asks every owner at once for what it holds and keeps, for each boid,
// the copy of its latest move. In the lock-step regime every copy is
// current. In the free regime the picture is each owner's state at the
// moment it served the read, so two parts of it can be a few moves apart.
//
// What the border costs: a boid within a view radius of a band's edge is
// held by the owner next door too; with b bands over a world h view radii
// high owners hold about 2b/h extra copies of the flock, and at EndTick
// every owner reads every mailbox (a few ns per boid and owner) and packs
// its copies. In the free regime a move near an edge is sent twice. A
// query costs one round trip wherever it is. Owners index boids by id, 20
// bytes per boid each, which is what bounds MaxShards.
type Actors struct {
	l      bands
	want   int
	owners []*actor // nil before the first Load and after Close
	own    []Boid
	seq    []uint32
	// The free regime's move stamps: clock numbers every free move in one
	// order. pub[id] is the count of boid id's latest published move, and
	// stamps[id*stampRing+k%stampRing] the stamp of its move k, for its
	// last stampRing moves; only boid id writes them, owners read them.
	clock  atomic.Uint64
	pub    []atomic.Uint32
	stamps []atomic.Uint64
	free   bool
	// unordered answers free queries without waiting for moves on their
	// way: the broken variant the tests show the free suite rejects.
	unordered bool
	queries   []actorQuery
	rtts      Hist    // sampled round trips gathered by Counters
	best      []int64 // Read's scratch: the move count of the copy kept, per boid
	last      []Boid  // what Read last returned, for a boid no owner reported
}

// actorQuery is boid id's reusable request. From the send until done is
// signalled the owner owns self and buf.
type actorQuery struct {
	self    Boid
	buf     []Boid
	done    chan struct{}
	t       uint64 // a free query's clock when sent
	sent    uint64
	rtt     atomic.Int64 // summed sampled round trips, ns
	rttN    atomic.Uint64
	lastRTT atomic.Int64
	histN   uint64 // the coordinator's: rttN when Counters last took lastRTT
}

type actorOp uint8

const (
	actQuery actorOp = iota
	actMove
	actLoad
	actRead
	actStats
	actApply
)

// actorMsg is what an owner receives, 48 bytes copied into its channel's
// buffer, so a send allocates nothing.
type actorMsg struct {
	op  actorOp
	id  int32
	seq uint32
	b   Boid
	q   *actorQuery
}

// stampRing is how many of its latest free moves' stamps a boid keeps.
const stampRing = 8

// actorQueue is each owner's channel buffer: a boid finding it full blocks
// on a move it meant to fire and forget.
const actorQueue = 1024

// actor is one owner. in, done and stopped are made before it starts; the
// rest is the owner goroutine's, and the coordinator's only while it waits
// for a reply to its call.
type actor struct {
	in      chan actorMsg
	done    chan struct{}
	stopped chan struct{}

	l      *bands
	band   int
	holds  []bool // row -> the owner keeps its boids (band and halo)
	cells  cells
	cellOf []int32 // boid id -> cell, -1 when not held
	slot   []int32
	seq    []uint32 // boid id -> count of the move held
	free   bool     // free queries wait for moves on their way
	// live: moves come one by one as messages (the free regime) and the
	// owner's map is cells, updated per move. Otherwise the boids it
	// holds are packed into a frame, rebuilt from the mailboxes at every
	// EndTick, which queries scan as the baselines' do (measured: a query
	// over a frame costs 0.5-0.6x one over cells kept for moves in place).
	// inCells says which map is current: SetFree changes live first.
	live, inCells bool
	frame         frame
	packed        []Boid  // the frame's input: the held boids' states
	held          []int32 // index in packed -> boid id
	local         []int32 // boid id -> index in packed, -1 when not held
	scratch       []int32
	// The mailboxes (Actors.own, seq, pub, stamps), set by Load:
	// own and seq are read at Load and EndTick, the others while serving a
	// free query.
	own     []Boid
	mailSeq []uint32
	pub     []atomic.Uint32
	stamps  []atomic.Uint64
	aside   []asideQuery // free queries waiting for moves on their way
	awaited []int32      // boid id -> how many of them wait for its move
	st      actorStats
	report  actorStats // st as of the last stats call, the coordinator's to read
	batch   time.Time
	reading []heldBoid // Read's reply, handed to the coordinator
}

// asideQuery is a free query put aside; it is tried again once the owner
// has applied move next of boid on, the move it waits for.
type asideQuery struct {
	m    actorMsg
	on   int32
	next uint32
}

type heldBoid struct {
	id  int32
	seq uint32
	b   Boid
}

// actorStats are one owner's counts since Load.
type actorStats struct {
	reads, writes, messages uint64
	queueSum, queueMax      uint64
	busy                    time.Duration
}

// NewActors returns the actors design with DefaultShards owners. Its
// owners start on the first Load and end on Close.
func NewActors() *Actors { return &Actors{want: DefaultShards} }

func (a *Actors) Name() string { return "actors" }

// SetShards sets the number of owners for the next Load.
func (a *Actors) SetShards(n int) { a.want = ClampShards(n) }

// Shards is the number of owners, or the setting before the first Load.
func (a *Actors) Shards() int {
	if len(a.owners) == 0 {
		return a.want
	}
	return len(a.owners)
}

func (a *Actors) Load(sp Space, boids []Boid) {
	a.l.layout(sp, a.want)
	if len(a.owners) != a.l.count() {
		a.Close()
		a.owners = make([]*actor, a.l.count())
		for k := range a.owners {
			o := &actor{in: make(chan actorMsg, actorQueue), done: make(chan struct{}, 1), stopped: make(chan struct{})}
			a.owners[k] = o
			go o.run()
		}
	}
	a.own = append(a.own[:0], boids...)
	a.last = append(a.last[:0], boids...)
	a.seq = resize(a.seq, len(boids))
	clear(a.seq)
	if len(a.pub) < len(boids) {
		a.pub = make([]atomic.Uint32, len(boids))
		a.stamps = make([]atomic.Uint64, len(boids)*stampRing)
	}
	for i := range a.pub[:len(boids)] {
		a.pub[i].Store(0)
	}
	for k, o := range a.owners {
		o.l, o.band, o.free, o.live = &a.l, k, a.free && !a.unordered, a.free
		o.own, o.mailSeq = a.own, a.seq
		o.pub, o.stamps = a.pub[:len(boids)], a.stamps[:len(boids)*stampRing]
	}
	a.callAll(actLoad)
	a.rtts = Hist{}
	n := len(boids)
	if n > len(a.queries) {
		// Keep the reply channels of earlier loads: a resize storm makes new
		// ones only for boids it has never seen.
		grown := make([]actorQuery, n)
		for i := range a.queries {
			grown[i].done = a.queries[i].done
		}
		a.queries = grown
	}
	for i := range a.queries[:n] {
		q := &a.queries[i]
		if q.done == nil {
			q.done = make(chan struct{}, 1)
		}
		q.self, q.buf, q.sent, q.histN = Boid{}, nil, 0, 0
		q.rtt.Store(0)
		q.rttN.Store(0)
		q.lastRTT.Store(0)
	}
}

// callAll sends op to every owner, then waits for every reply, so owners
// serve it in parallel.
func (a *Actors) callAll(op actorOp) {
	for _, o := range a.owners {
		o.in <- actorMsg{op: op}
	}
	for _, o := range a.owners {
		<-o.done
	}
}

func (a *Actors) Neighbors(id int, buf []Boid) (Boid, []Boid) {
	q := &a.queries[id]
	q.buf = buf
	q.sent++
	if a.free {
		q.t = a.clock.Load()
	}
	c, _ := a.l.cell(a.own[id].Pos)
	in := a.owners[a.l.bandOf[c]].in
	m := actorMsg{op: actQuery, id: int32(id), q: q}
	// Boids sample on different ticks (id shifts the phase), so the clock
	// reads spread evenly over ticks.
	if (q.sent+uint64(id))%rttEvery != 0 {
		in <- m
		<-q.done
	} else {
		t := time.Now()
		in <- m
		<-q.done
		d := time.Since(t)
		q.lastRTT.Store(int64(d))
		q.rtt.Add(int64(d))
		q.rttN.Add(1)
	}
	buf, q.buf = q.buf, nil
	return q.self, buf
}

func (a *Actors) Move(id int, b Boid) {
	if !a.free {
		a.own[id] = b
		a.seq[id]++
		return
	}
	_, orow := a.l.cell(a.own[id].Pos)
	_, nrow := a.l.cell(b.Pos)
	a.own[id] = b
	a.seq[id]++
	seq := a.seq[id]
	a.stamps[id*stampRing+int(seq%stampRing)].Store(a.clock.Add(1))
	a.pub[id].Store(seq)
	var near [2*maxReach + 1]int
	to := a.l.rowBands(a.l.reach(orow, &near)) | a.l.rowBands(a.l.reach(nrow, &near))
	m := actorMsg{op: actMove, id: int32(id), seq: seq, b: b}
	for first := true; to != 0; first = false {
		if a.unordered && !first {
			// Widens the window the broken variant's fault needs.
			runtime.Gosched()
		}
		k := bits.TrailingZeros64(to)
		to &^= 1 << k
		a.owners[k].in <- m
	}
}

// EndTick has every owner apply the tick's moves from the mailboxes, in
// parallel.
func (a *Actors) EndTick() {
	if len(a.owners) > 0 {
		a.callAll(actApply)
	}
}

// SetFree switches regimes, with no boid inside. Moves become messages in
// the free regime and mailbox writes in the lock-step one; the owners
// apply any mailbox move first, so none is lost in the switch: pub then
// counts the moves every owner has applied.
func (a *Actors) SetFree(on bool) {
	a.free = on
	for i := range a.own {
		a.pub[i].Store(a.seq[i])
	}
	for _, o := range a.owners {
		o.free, o.live = on && !a.unordered, on
	}
	if len(a.owners) > 0 {
		a.callAll(actApply)
	}
}

// Read asks every owner for the boids it holds and keeps each boid's latest
// copy.
func (a *Actors) Read(dst []Boid) []Boid {
	if len(a.owners) == 0 {
		return dst
	}
	a.callAll(actRead)
	a.best = resize(a.best, len(a.own))
	for i := range a.best {
		a.best[i] = -1
	}
	for _, o := range a.owners {
		for _, h := range o.reading {
			if int64(h.seq) > a.best[h.id] {
				a.best[h.id] = int64(h.seq)
				a.last[h.id] = h.b
			}
		}
	}
	return append(dst, a.last...)
}

// Close ends every owner and waits for them. Closing twice, or without a
// Load, does nothing.
func (a *Actors) Close() {
	for _, o := range a.owners {
		close(o.in)
	}
	for _, o := range a.owners {
		<-o.stopped
	}
	a.owners = nil
}

// Counters adds up what the owners counted and the round trips the boids
// sampled; like Channel's, it takes each boid's latest sample into the
// histogram, which misses none when read after every tick.
func (a *Actors) Counters() Counters {
	var c Counters
	if len(a.owners) == 0 {
		return c
	}
	a.callAll(actStats)
	for _, o := range a.owners {
		st := &o.report
		c.Reads += st.reads
		c.Writes += st.writes
		c.Messages += st.messages
		c.QueueSum += st.queueSum
		c.QueueMax = max(c.QueueMax, st.queueMax)
		c.OwnerBusy += st.busy
	}
	for i := range a.queries[:len(a.own)] {
		q := &a.queries[i]
		c.RoundTrip += time.Duration(q.rtt.Load())
		n := q.rttN.Load()
		c.RTTSamples += n
		if q.histN != n {
			a.rtts.Record(time.Duration(q.lastRTT.Load()))
			q.histN = n
		}
	}
	c.RTTHist = a.rtts
	return c
}

// Regions reports each owner's queue and busy time.
func (a *Actors) Regions(dst []Region) []Region {
	if len(a.owners) == 0 {
		return dst
	}
	a.callAll(actStats)
	for k, o := range a.owners {
		r := a.l.region(k)
		r.Served = o.report.reads
		r.QueueSum, r.QueueMax = o.report.queueSum, o.report.queueMax
		r.Busy = o.report.busy
		dst = append(dst, r)
	}
	return dst
}

// run is the owner goroutine: it serves messages until in is closed. Busy
// time is measured per batch, from the message that woke it until its
// queue is empty, so the clock is read twice per batch.
//
// In the lock-step regime an owner woken by a query first yields, and once
// its queue is empty yields again, serving what came meanwhile, until a
// yield brings nothing; only then does it sleep. A woken goroutine runs
// next on the waker's P, so without the yields the owner ran as soon as
// its asker blocked, served that one query and slept: every query paid for
// waking the owner and putting it back to sleep. Yielding lets the boids
// queued on the P run first and send their queries, which the owner then
// serves in one batch, and a send to an owner that is not asleep wakes
// nobody. Measured at 10,000 boids, gathered, GOMAXPROCS 2, alternated in
// one process: 10-20% less CPU per boid-tick, actors/channel 1.39-1.49x
// against 1.19-1.20x with about 1.9 cores (README, "actors, revisited").
// The free regime does not yield: there a query's wait is what its boid
// waits, and no barrier makes every boid ask at once.
func (o *actor) run() {
	defer close(o.stopped)
	for m := range o.in {
		batched := m.op == actQuery && !o.live
		if batched {
			runtime.Gosched()
		}
		o.batch = time.Now()
		o.serve(m)
		open := o.drain()
		o.st.busy += time.Since(o.batch)
		for open && batched {
			runtime.Gosched()
			if len(o.in) == 0 {
				break
			}
			o.batch = time.Now()
			open = o.drain()
			o.st.busy += time.Since(o.batch)
		}
		if !open {
			return
		}
	}
}

// drain serves what is queued.
func (o *actor) drain() bool {
	for {
		select {
		case m, ok := <-o.in:
			if !ok {
				return false
			}
			o.serve(m)
		default:
			return true
		}
	}
}

// answer serves query m unless, in the free regime, it must wait for a
// move on its way to this owner: then it says which (see behind).
func (o *actor) answer(m actorMsg) (ok bool, on int32, next uint32) {
	if !o.inCells {
		s := int(o.frame.slot[o.local[m.id]])
		self := o.frame.cells[s]
		m.q.self = self
		m.q.buf = o.frame.near(&o.l.lay, self, s, m.q.buf)
		m.q.done <- struct{}{}
		return true, 0, 0
	}
	c, s := o.cellOf[m.id], o.slot[m.id]
	self := o.cells.states[c][s]
	var q Query
	o.l.lay.start(&q, self.Pos, m.q.buf)
	if o.free {
		if on, next, wait := o.behind(&q.Block, m.id, self.Pos, m.q.t); wait {
			return false, on, next
		}
	}
	m.q.self = self
	m.q.buf = o.cells.near(&q, int(c), s, m.q.buf)
	m.q.done <- struct{}{}
	return true, 0, 0
}

// behind finds a boid held in the cells of block b that may have been
// shown to the asker in a state this owner has not applied yet: the move
// after the owner's copy (next) was published and stamped no later than
// t, the clock when the query was sent (whatever the asker was shown
// before was stamped no later than that). A move stampRing moves past the
// copy may have overwritten the stamp it needs: then it waits too.
//
// Only the boids the answer can show matter: it scans in near's order and
// stops, as near does, once MaxNeighbors boids other than the asker lie
// within the radius of pos. Its radius test is a little stricter than
// near's, so it never stops before near would. Without the bound a crowded
// world (100,000 boids in 64×64) made every query examine the whole flock
// and the owners never caught up: the window never opened.
func (o *actor) behind(b *Block, asker int32, pos Vec, t uint64) (on int32, next uint32, wait bool) {
	sp := &o.l.lay.Space
	r2 := sp.Radius * sp.Radius * 0.999
	found := 0
	for _, r := range b.Runs[:b.N] {
		for cell := int(r[0]); cell <= int(r[1]); cell++ {
			for k, id := range o.cells.ids[cell] {
				if found >= MaxNeighbors {
					return 0, 0, false
				}
				if id != asker && sp.Delta(pos, o.cells.states[cell][k].Pos).Len2() < r2 {
					found++
				}
				q := o.seq[id]
				d := o.pub[id].Load() - q
				if d == 0 {
					continue
				}
				stamp := o.stamps[int(id)*stampRing+int((q+1)%stampRing)].Load()
				if d >= stampRing || o.pub[id].Load()-q >= stampRing || stamp <= t {
					return id, q + 1, true
				}
			}
		}
	}
	return 0, 0, false
}

// applied tries again the queries put aside that wait for the move of id
// just applied.
func (o *actor) applied(id int32) {
	waiting := o.aside[:0]
	for _, a := range o.aside {
		if a.on == id && int32(o.seq[id]-a.next) >= 0 {
			o.awaited[id]--
			ok, on, next := o.answer(a.m)
			if ok {
				continue
			}
			a.on, a.next = on, next
			o.awaited[on]++
		}
		waiting = append(waiting, a)
	}
	clear(o.aside[len(waiting):])
	o.aside = waiting
}

func (o *actor) serve(m actorMsg) {
	switch m.op {
	case actQuery:
		o.st.messages++
		o.st.reads++
		queued := uint64(len(o.in))
		o.st.queueSum += queued
		o.st.queueMax = max(o.st.queueMax, queued)
		if ok, on, next := o.answer(m); !ok {
			o.aside = append(o.aside, asideQuery{m, on, next})
			o.awaited[on]++
		}
		return
	case actMove:
		o.st.messages++
		o.set(m.id, m.seq, m.b)
		if o.awaited[m.id] > 0 {
			o.applied(m.id)
		}
		return
	case actLoad:
		o.reset()
		o.batch = time.Now()
	case actApply:
		switch {
		case !o.live:
			o.pack()
		case !o.inCells:
			o.fill()
		default:
			for id, s := range o.mailSeq {
				if s != o.seq[id] {
					o.set(int32(id), s, o.own[id])
				}
			}
		}
	case actRead:
		o.reading = o.reading[:0]
		if !o.inCells {
			for k, b := range o.frame.cells {
				id := o.held[o.frame.ids[k]]
				o.reading = append(o.reading, heldBoid{id, o.seq[id], b})
			}
			break
		}
		for c, ids := range o.cells.ids {
			for s, id := range ids {
				o.reading = append(o.reading, heldBoid{id, o.seq[id], o.cells.states[c][s]})
			}
		}
	case actStats:
		// Coordinator calls are not the design's work, so not counted as
		// messages; their batch's busy time is, as the owner cannot tell
		// where serving them ends. The batch so far is in the report: st
		// itself changes after the reply.
		o.report = o.st
		o.report.busy += time.Since(o.batch)
	}
	o.done <- struct{}{}
}

// reset takes the boids of the owner's rows from the mailboxes Load filled.
func (o *actor) reset() {
	l := o.l
	o.holds = resize(o.holds, l.rows)
	clear(o.holds)
	for r := l.first[o.band]; r < l.first[o.band+1]; r++ {
		var near [2*maxReach + 1]int
		for _, h := range l.reach(r, &near) {
			o.holds[h] = true
		}
	}
	o.seq = resize(o.seq, len(o.own))
	clear(o.seq)
	o.aside = o.aside[:0]
	o.awaited = resize(o.awaited, len(o.own))
	clear(o.awaited)
	if o.live {
		o.fill()
	} else {
		o.pack()
	}
	o.st = actorStats{}
}

// fill makes the owner's cells anew from the mailboxes, with no boid
// inside: at Load, or when the free regime starts.
func (o *actor) fill() {
	l := o.l
	n := l.cols * l.rows
	o.cells.reset(n, l.cols, cellRoomFor(len(o.own), n), o.holds)
	o.cellOf = resize(o.cellOf, len(o.own))
	o.slot = resize(o.slot, len(o.own))
	copy(o.seq, o.mailSeq)
	for id, b := range o.own {
		o.cellOf[id] = -1
		if c, row := l.cell(b.Pos); o.holds[row] {
			o.cellOf[id] = int32(c)
			o.slot[id] = o.cells.add(c, int32(id), b)
		}
	}
	o.inCells = true
}

// pack makes the owner's frame anew from the mailboxes, with no boid
// inside (Load, EndTick in the lock-step regime), counting each move into
// its band as set does.
func (o *actor) pack() {
	l := o.l
	o.packed, o.held = o.packed[:0], o.held[:0]
	o.local = resize(o.local, len(o.own))
	for id, b := range o.own {
		c, row := l.cell(b.Pos)
		if s := o.mailSeq[id]; s != o.seq[id] {
			o.seq[id] = s
			if int(l.bandOf[c]) == o.band {
				o.st.writes++
			}
		}
		o.local[id] = -1
		if o.holds[row] {
			o.local[id] = int32(len(o.held))
			o.held = append(o.held, int32(id))
			o.packed = append(o.packed, b)
		}
	}
	o.scratch = resize(o.scratch, len(o.packed))
	o.frame.sort(&l.lay, o.packed, nil, o.scratch)
	o.inCells = false
}

// set applies move seq of boid id: its copy is updated, moved to another
// cell, added or dropped, as its new row is held or not. The owner of the
// new row counts it as the move.
func (o *actor) set(id int32, seq uint32, b Boid) {
	nc, row := o.l.cell(b.Pos)
	if int(o.l.bandOf[nc]) == o.band {
		o.st.writes++
	}
	o.seq[id] = seq
	oc := o.cellOf[id]
	switch {
	case oc == int32(nc):
		o.cells.states[nc][o.slot[id]] = b
		return
	case oc >= 0:
		if moved := o.cells.remove(int(oc), o.slot[id]); moved >= 0 {
			o.slot[moved] = o.slot[id]
		}
		o.cellOf[id] = -1
	}
	if o.holds[row] {
		o.cellOf[id] = int32(nc)
		o.slot[id] = o.cells.add(nc, id, b)
	}
}
