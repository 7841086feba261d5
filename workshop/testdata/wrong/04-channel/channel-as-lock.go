// Wrong fix: no sync import, but a one-slot channel used as a mutex;
// the owner only answers EndTick's flush.

package main

import (
	"time"

	"github.com/boids-project/boids/boids"
)

// Channel shares memory by communicating: one owner goroutine holds the
// grid, and boids send it requests instead of taking locks. Nobody but the
// owner touches the grid during a tick, so the grid needs no lock at all.
//
// Between ticks (Load, Read, Counters, EndTick's return) the owner is idle,
// waiting for a request, and the coordinator may use the grid directly: the
// last reply the coordinator received orders the owner's writes before its
// reads, and the next request orders the coordinator's writes before the
// owner's.
type Channel struct {
	grid boids.Grid
	reqs chan request // boids -> owner
	// replies[id] is boid id's mailbox for the answers to its queries.
	replies []chan reply
	synced  chan struct{} // owner -> EndTick: every request before is done
	done    chan struct{} // closed when the owner returns
	lock    chan struct{} // a one-slot channel used as a mutex around grid

	served ownerStats // written only by the owner goroutine
	// trips[id] is boid id's round trips, written only by boid id.
	trips []roundTrips
	rtts  boids.Hist // the sampled round trips, gathered by Counters
}

// ownerStats is what the owner served, and how long it was busy.
type ownerStats struct {
	queries, moves, messages, queueSum, queueMax uint64
	busy                                         time.Duration
}

// roundTrips is one boid's sampled query times.
type roundTrips struct {
	queries, samples uint64
	sum, last        time.Duration
	counted          uint64 // samples when Counters last took last
}

// rttEvery is how often a boid times its query: one in rttEvery, so that
// the clock reads cost little next to the round trip they measure.
const rttEvery = 16

type kind uint8

const (
	query kind = iota // reply on replies[id] with id's state and neighbours
	move              // record id's new state; no reply
	flush             // reply on synced
)

// request is a message to the owner. A query hands the boid's buffer over
// to the owner, who appends to it and hands it back in the reply.
type request struct {
	kind kind
	id   int
	b    boids.Boid
	buf  []boids.Boid
}

type reply struct {
	self boids.Boid
	buf  []boids.Boid
}

// NewChannel starts the owner goroutine; Close ends it.
func NewChannel() *Channel {
	c := &Channel{
		reqs:   make(chan request, 256),
		synced: make(chan struct{}),
		done:   make(chan struct{}),
		lock:   make(chan struct{}, 1),
	}
	go c.serve()
	return c
}

func (c *Channel) Name() string { return "mychannel" }

func (c *Channel) Load(sp boids.Space, bs []boids.Boid) {
	c.grid.Load(sp, bs)
	for len(c.replies) < len(bs) {
		c.replies = append(c.replies, make(chan reply, 1))
	}
	c.served = ownerStats{}
	c.trips = make([]roundTrips, len(bs))
	c.rtts = boids.Hist{}
}

// serve is the owner goroutine: it handles requests until reqs is closed.
// It times batches, from the request that wakes it until the queue is
// empty: two clock reads per batch rather than per request.
func (c *Channel) serve() {
	defer close(c.done)
	for r := range c.reqs {
		start := time.Now()
		for {
			c.count(r)
			if r.kind == flush {
				// The answer hands the figures to the coordinator: add the
				// batch's time before it.
				c.served.busy += time.Since(start)
				c.handle(r)
				break
			}
			c.handle(r)
			if len(c.reqs) == 0 {
				c.served.busy += time.Since(start)
				break
			}
			r = <-c.reqs // only the owner receives: it is there
		}
	}
}

// count adds r to the owner's figures, with the queue it left behind.
func (c *Channel) count(r request) {
	o := &c.served
	o.messages++
	switch r.kind {
	case query:
		o.queries++
	case move:
		o.moves++
	}
	q := uint64(len(c.reqs))
	o.queueSum += q
	o.queueMax = max(o.queueMax, q)
}

// handle acts on one request, in the owner goroutine.
func (c *Channel) handle(r request) {
	switch r.kind {
	case query:
		self, buf := c.grid.Near(r.id, r.buf)
		c.replies[r.id] <- reply{self, buf}
	case move:
		c.grid.Set(r.id, r.b)
	case flush:
		c.synced <- struct{}{}
	}
}

// Neighbors asks the owner for boid id's state and neighbours.
func (c *Channel) Neighbors(id int, buf []boids.Boid) (boids.Boid, []boids.Boid) {
	defer c.timed(id, c.clock(id))
	c.lock <- struct{}{}
	defer func() { <-c.lock }()
	return c.grid.Near(id, buf)
}

// clock starts timing one of boid id's queries in rttEvery: it returns the
// time, or zero for a query it does not time.
func (c *Channel) clock(id int) time.Time {
	t := &c.trips[id]
	t.queries++
	if (t.queries+uint64(id))%rttEvery != 0 {
		return time.Time{}
	}
	return time.Now()
}

// timed records the round trip of a query clock started.
func (c *Channel) timed(id int, start time.Time) {
	if start.IsZero() {
		return
	}
	t := &c.trips[id]
	t.last = time.Since(start)
	t.sum += t.last
	t.samples++
}

// Move tells the owner boid id's new state, without waiting for it.
func (c *Channel) Move(id int, b boids.Boid) {
	c.lock <- struct{}{}
	c.grid.Set(id, b)
	<-c.lock
}

// EndTick waits until the owner has applied every move of the tick, so that
// Read, Load, Counters and the next tick see them.
func (c *Channel) EndTick() {
	c.reqs <- request{kind: flush}
	<-c.synced
}

func (c *Channel) Read(dst []boids.Boid) []boids.Boid { return c.grid.Read(dst) }

// Close ends the owner goroutine and waits for it.
func (c *Channel) Close() {
	close(c.reqs)
	<-c.done
}

// Counters reports the owner's and the boids' figures for the overlay. The
// game reads them after every tick, so taking each boid's latest sample
// into the histogram misses none.
func (c *Channel) Counters() boids.Counters {
	o := c.served
	cs := boids.Counters{
		Reads: o.queries, Writes: o.moves, Messages: o.messages,
		QueueSum: o.queueSum, QueueMax: o.queueMax, OwnerBusy: o.busy,
	}
	for i := range c.trips {
		t := &c.trips[i]
		cs.RoundTrip += t.sum
		cs.RTTSamples += t.samples
		if t.counted != t.samples {
			c.rtts.Record(t.last)
			t.counted = t.samples
		}
	}
	cs.RTTHist = c.rtts
	return cs
}
