package main

import "github.com/boids-project/boids/boids"

// Channel shares memory by communicating: one owner goroutine holds the
// grid, and boids send it requests instead of taking locks. Nobody but the
// owner touches the grid during a tick, so the grid needs no lock at all.
//
// Between ticks (Load, Read, EndTick's return) the owner is idle, waiting
// for a request, and the coordinator may use the grid directly: the last
// reply the coordinator received orders the owner's writes before its
// reads, and the next request orders the coordinator's writes before the
// owner's.
//
// Exercise 4: write serve, Neighbors, Move, EndTick and Close (the parts
// marked "exercise 4").
type Channel struct {
	grid boids.Grid
	reqs chan request // boids -> owner
	// replies[id] is boid id's mailbox for the answers to its queries.
	replies []chan reply
	synced  chan struct{} // owner -> EndTick: every request before is done
	done    chan struct{} // closed when the owner returns

	// Owned by the owner goroutine during a tick.
	messages, queueSum, queueMax uint64
}

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
	c.messages, c.queueSum, c.queueMax = 0, 0, 0
}

// serve is the owner goroutine: it answers requests until reqs is closed.
func (c *Channel) serve() {
	defer close(c.done)
	for r := range c.reqs {
		c.messages++
		q := uint64(len(c.reqs))
		c.queueSum += q
		c.queueMax = max(c.queueMax, q)
		// exercise 4: act on r by its kind. query: c.grid.Near(r.id, r.buf)
		// and send the answer to boid r.id's mailbox. move: c.grid.Set.
		// flush: tell EndTick that every earlier request is done.
		_ = r
	}
}

// Neighbors asks the owner for boid id's state and neighbours.
func (c *Channel) Neighbors(id int, buf []boids.Boid) (boids.Boid, []boids.Boid) {
	// exercise 4: send a query (with buf) and wait for the reply in
	// c.replies[id].
	return boids.Boid{}, buf
}

// Move tells the owner boid id's new state, without waiting for it.
func (c *Channel) Move(id int, b boids.Boid) {
	// exercise 4: send a move request.
}

// EndTick waits until the owner has applied every move of the tick, so that
// Read, Load and the next tick see them.
func (c *Channel) EndTick() {
	// exercise 4: send a flush request and wait for the owner's answer.
}

func (c *Channel) Read(dst []boids.Boid) []boids.Boid { return c.grid.Read(dst) }

// Close ends the owner goroutine and waits for it.
func (c *Channel) Close() {
	// exercise 4: make serve's loop end, then wait until it has.
}

// Counters reports the owner's figures for the overlay.
func (c *Channel) Counters() boids.Counters {
	return boids.Counters{Messages: c.messages, QueueSum: c.queueSum, QueueMax: c.queueMax}
}
