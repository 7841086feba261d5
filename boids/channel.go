package boids

import (
	"slices"
	"sync/atomic"
	"time"
)

// Channel shares memory by communicating: one owner goroutine holds the grid
// as a local variable, so no other goroutine can reach it, and no mutex or
// atomic guards it. Boids send neighbour queries and moves to the owner as
// messages on one buffered channel; the coordinator's calls between ticks
// (Load, Read, EndTick, Counters) travel the same channel.
//
// A query is a round trip. Each boid owns a reusable query that carries its
// own neighbour buffer and its own reply channel; while the message is with
// the owner, the owner owns the query, fills the buffer and signals the reply
// channel (buffered, so the owner never waits for a boid). A move is fire and
// forget: the boid does not wait for it to be applied. The channel is FIFO,
// so EndTick's sync message, answered after every message queued before it,
// ends the tick with every move applied. Messages are values and queries are
// reused, so a boid-tick allocates nothing.
//
// The owner serves every message in turn, so its time per message bounds the
// whole flock. It therefore does the least a query needs: it copies the
// boids of the cells around the asker (Grid.Gather), and the asker keeps
// those within the view radius itself, on its own copy, in parallel with the
// other boids. In a crowded world, where that copy would grow with the
// flock, Gather does the whole bounded query instead. The total work is the same as a full query on the owner, but
// the owner's share of it halves, so the flock suffers less when the owner's
// core is shared (the renderer, other programs).
//
// Compromises: the owner is still the bottleneck, and every message costs
// channel operations and often a goroutine switch on both sides. A query sees
// each neighbour before or after its move of this tick, whichever the owner
// served first, as with the mutex. The costs the boids measure (round trips,
// sampled 1 in 16; the queue length they find on sending a query) live in
// their own queries, read by the coordinator as in Mutex; the sampled round
// trips also go into one histogram the boids share.
//
// Free regime: nothing changes for the boids. Read is a message to the owner
// like any query, so the picture is consistent (one owner, one moment) and
// costs the boids the time the owner spends copying it, queued behind it.
// EndTick is not called; the FIFO still orders a boid's own query after its
// own earlier move, so it always reads itself as it last wrote.
type Channel struct {
	in      chan message  // to the owner; nil until the first Load and after Close
	stopped chan struct{} // closed by the owner when it returns
	lay     Layout        // the geometry of the last Load, for the boids' distance test
	queries []query       // queries[id] belongs to boid id
	ctl     *control      // the coordinator's reusable call, the owner's during a call
	// rtts counts the boids' sampled round trips by Hist bucket. Every boid
	// adds its samples here as it takes them, so the histogram is whole
	// however often Counters reads it; one add per sampled query keeps the
	// shared cache lines cool, and one array for the design costs no memory
	// per boid (a Hist per query would add 1.25 KiB to every boid).
	rtts [histBuckets]atomic.Uint64
}

// ownerQueue is the channel's buffer. A boid that finds it full blocks on a
// send it meant to fire and forget; at 6,000 boids the owner's queue averages
// over a thousand messages, so the buffer is a few times that (32 bytes each).
const ownerQueue = 4096

// rttEvery is how often a boid times its round trip: one query in rttEvery.
const rttEvery = 16

type op uint8

const (
	opQuery op = iota
	opMove
	opLoad
	opRead
	opSync
	opCounters
)

// message is what the owner receives: 32 bytes, copied into the channel's
// buffer, so a send allocates nothing. A coordinator call's arguments are in
// the control the owner was started with.
type message struct {
	op op
	id int32
	b  Boid   // a move's new state
	q  *query // a query's reply slot
}

// query is a boid's reusable request. From the send until done is signalled
// the owner owns self and buf; the rest is the boid's own bookkeeping,
// atomic because the coordinator reads it while boids run free.
type query struct {
	self     Boid
	buf      []Boid
	done     chan struct{}
	sent     uint64
	rtt      atomic.Int64 // ns
	rttN     atomic.Uint64
	queueSum atomic.Uint64
	queueMax atomic.Uint64
}

// control is the coordinator's call: Load's input, Read's output, the
// owner's counters.
type control struct {
	sp    Space
	boids []Boid
	c     Counters
	done  chan struct{}
}

// NewChannel returns the channel design. Its owner goroutine starts on the
// first Load and ends on Close.
func NewChannel() *Channel { return &Channel{} }

func (c *Channel) Name() string { return "channel" }

func (c *Channel) Load(sp Space, boids []Boid) {
	if c.in == nil {
		c.in = make(chan message, ownerQueue)
		c.stopped = make(chan struct{})
		c.ctl = &control{done: make(chan struct{}, 1)}
		go own(c.in, c.ctl, c.stopped)
	}
	c.lay = sp.Layout()
	for i := range c.rtts {
		c.rtts[i].Store(0)
	}
	c.ctl.sp, c.ctl.boids = sp, boids
	c.call(opLoad)
	c.ctl.boids = nil

	// Keep the reply channels of earlier loads: a resize storm makes new
	// ones only for boids it has never seen.
	n := len(boids)
	if n > cap(c.queries) {
		c.queries = slices.Grow(c.queries[:cap(c.queries)], n-cap(c.queries))
	}
	c.queries = c.queries[:n]
	for i := range c.queries {
		q := &c.queries[i]
		done := q.done
		if done == nil {
			done = make(chan struct{}, 1)
		}
		*q = query{done: done}
	}
}

// bufRoom is the room a query's buffer needs for the candidates the owner
// copies into it: up to 289 were seen in a flock of 10,000 gathering in
// BenchParams, more than MaxNeighbors, and a buffer that grows allocates.
// Twice MaxNeighbors made 4.04 KiB per boid at 10,000 in the bench, over
// the 4 KiB target; one and a half, 3.83.
func (c *Channel) bufRoom() int { return 3 * MaxNeighbors / 2 }

func (c *Channel) Neighbors(id int, buf []Boid) (Boid, []Boid) {
	q := &c.queries[id]
	q.buf = buf
	n0 := len(buf)
	queued := uint64(len(c.in))
	q.queueSum.Add(queued)
	if queued > q.queueMax.Load() {
		q.queueMax.Store(queued)
	}
	q.sent++
	m := message{op: opQuery, id: int32(id), q: q}
	// Boids sample on different ticks (id shifts the phase), so the clock
	// reads spread evenly over ticks.
	if (q.sent+uint64(id))%rttEvery != 0 {
		c.in <- m
		<-q.done
	} else {
		t := time.Now()
		c.in <- m
		<-q.done
		rtt := time.Since(t)
		q.rtt.Add(int64(rtt))
		q.rttN.Add(1)
		c.rtts[bucket(rtt)].Add(1)
	}
	// The buffer is the boid's again: keep no hold on it.
	cand := q.buf
	q.buf = nil
	return q.self, c.lay.Filter(q.self.Pos, cand[n0:], cand[:n0])
}

func (c *Channel) Move(id int, b Boid) {
	c.in <- message{op: opMove, id: int32(id), b: b}
}

// EndTick waits until the owner has applied every move sent before it.
func (c *Channel) EndTick() {
	if c.in != nil {
		c.call(opSync)
	}
}

func (c *Channel) Read(dst []Boid) []Boid {
	if c.in == nil {
		return dst
	}
	c.ctl.boids = dst
	c.call(opRead)
	dst, c.ctl.boids = c.ctl.boids, nil
	return dst
}

// Close ends the owner and waits for it. Closing twice, or without a Load,
// does nothing.
func (c *Channel) Close() {
	if c.in == nil {
		return
	}
	close(c.in)
	<-c.stopped
	c.in = nil
}

// Counters asks the owner for what it counted (messages, reads, writes, busy
// time) and adds what the boids measured in their queries. It only reads:
// calling it once a tick, never, or many times leaves every later reading
// the same.
func (c *Channel) Counters() Counters {
	if c.in == nil {
		return Counters{}
	}
	c.call(opCounters)
	s := c.ctl.c
	for i := range c.queries {
		q := &c.queries[i]
		s.RoundTrip += time.Duration(q.rtt.Load())
		s.RTTSamples += q.rttN.Load()
		s.QueueSum += q.queueSum.Load()
		s.QueueMax = max(s.QueueMax, q.queueMax.Load())
	}
	for i := range c.rtts {
		s.RTTHist.Counts[i] = c.rtts[i].Load()
	}
	return s
}

func (c *Channel) call(o op) {
	c.in <- message{op: o}
	<-c.ctl.done
}

// owner is the state only the owner goroutine touches.
type owner struct {
	grid  Grid
	c     Counters
	batch time.Time // when the current batch of messages started
	ctl   *control  // the coordinator's, while a call is being served
}

// own is the owner goroutine: it serves messages until in is closed. Busy
// time is measured per batch, from the message that woke it until the queue
// is empty, so the clock is read twice per batch rather than per message.
func own(in <-chan message, ctl *control, stopped chan<- struct{}) {
	defer close(stopped)
	o := owner{ctl: ctl}
	for m := range in {
		o.batch = time.Now()
		o.serve(m)
		open := o.drain(in)
		o.c.OwnerBusy += time.Since(o.batch)
		if !open {
			return
		}
	}
}

// drain serves the messages already queued and reports whether in is still
// open.
func (o *owner) drain(in <-chan message) bool {
	for {
		select {
		case m, ok := <-in:
			if !ok {
				return false
			}
			o.serve(m)
		default:
			return true
		}
	}
}

func (o *owner) serve(m message) {
	switch m.op {
	case opQuery:
		o.c.Reads++
		o.c.Messages++
		m.q.self, m.q.buf = o.grid.Gather(int(m.id), m.q.buf)
		m.q.done <- struct{}{}
		return
	case opMove:
		o.c.Writes++
		o.c.Messages++
		o.grid.Set(int(m.id), m.b)
		return
	case opLoad:
		o.grid.Load(o.ctl.sp, o.ctl.boids)
		o.c = Counters{}
		o.batch = time.Now()
	case opRead:
		o.c.Messages++
		o.ctl.boids = o.grid.Read(o.ctl.boids)
	case opSync:
		o.c.Messages++
	case opCounters:
		// Not a message of the design's work, so not counted; its batch's
		// busy time is, as the owner cannot tell where serving it ends.
		o.ctl.c = o.c
	}
	o.ctl.done <- struct{}{}
}
