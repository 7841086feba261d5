//go:build solution

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
}

// Neighbors asks the owner for boid id's state and neighbours.
func (c *Channel) Neighbors(id int, buf []boids.Boid) (boids.Boid, []boids.Boid) {
	c.reqs <- request{kind: query, id: id, buf: buf}
	r := <-c.replies[id]
	return r.self, r.buf
}

// Move tells the owner boid id's new state, without waiting for it.
func (c *Channel) Move(id int, b boids.Boid) {
	c.reqs <- request{kind: move, id: id, b: b}
}

// EndTick waits until the owner has applied every move of the tick, so that
// Read, Load and the next tick see them.
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

// Counters reports the owner's figures for the overlay.
func (c *Channel) Counters() boids.Counters {
	return boids.Counters{Messages: c.messages, QueueSum: c.queueSum, QueueMax: c.queueMax}
}
