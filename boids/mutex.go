package boids

import (
	"sync"
	"sync/atomic"
	"time"
)

// Mutex is the classic design: one sync.RWMutex guards the whole grid.
// Queries take the read lock, so many boids read at once; a move takes the
// write lock, which waits for every reader to leave and holds off new ones.
// It is simple and obviously safe, and every move serializes the flock.
//
// Contention is measured cheaply: TryLock first, and only when that fails
// count the acquisition as contended; one such wait in waitEvery is timed.
type Mutex struct {
	mu   sync.RWMutex
	grid Grid
	// stats[id] is written only by boid id's goroutine. The coordinator
	// reads it between ticks, but also while boids run free, hence atomics:
	// uncontended adds to a line mostly the boid's own.
	stats []lockStats
}

type lockStats struct {
	reads, writes, contended atomic.Uint64
	wait                     atomic.Int64 // ns
}

// waitEvery is how often a contended acquisition is timed. Two clock reads
// per wait cost 6% of the flock's CPU at 8,000 boids, where most
// acquisitions wait; timing one in four and counting it four times keeps
// the figure for a quarter of that.
const waitEvery = 4

// contend counts a contended acquisition and says whether to time it.
func (st *lockStats) contend() bool {
	return st.contended.Add(1)%waitEvery == 0
}

// NewMutex returns the RWMutex design.
func NewMutex() *Mutex { return &Mutex{} }

func (m *Mutex) Name() string { return "mutex" }

func (m *Mutex) Load(sp Space, boids []Boid) {
	m.grid.Load(sp, boids)
	m.stats = resize(m.stats, len(boids))
	clear(m.stats)
}

func (m *Mutex) Neighbors(id int, buf []Boid) (Boid, []Boid) {
	st := &m.stats[id]
	st.reads.Add(1)
	if !m.mu.TryRLock() {
		if st.contend() {
			t := time.Now()
			m.mu.RLock()
			st.wait.Add(int64(waitEvery * time.Since(t)))
		} else {
			m.mu.RLock()
		}
	}
	self, buf := m.grid.Near(id, buf)
	m.mu.RUnlock()
	return self, buf
}

func (m *Mutex) Move(id int, b Boid) {
	st := &m.stats[id]
	st.writes.Add(1)
	if !m.mu.TryLock() {
		if st.contend() {
			t := time.Now()
			m.mu.Lock()
			st.wait.Add(int64(waitEvery * time.Since(t)))
		} else {
			m.mu.Lock()
		}
	}
	m.grid.Set(id, b)
	m.mu.Unlock()
}

// EndTick tidies the grid (Grid.Tidy) for the next tick's queries. No boid
// runs then, but a reader of the picture may.
func (m *Mutex) EndTick() {
	m.mu.Lock()
	m.grid.Tidy()
	m.mu.Unlock()
}

// Read takes the read lock: between ticks it is free, but in the free
// regime the picture is read while boids move, and a consistent one costs
// the boids what a query costs them, for as long as the copy takes (a
// writer waits for it, and holds new readers off behind it).
func (m *Mutex) Read(dst []Boid) []Boid {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.grid.Read(dst)
}

func (m *Mutex) Close() {}

func (m *Mutex) Counters() Counters {
	var c Counters
	for i := range m.stats {
		s := &m.stats[i]
		c.Reads += s.reads.Load()
		c.Writes += s.writes.Load()
		c.Contended += s.contended.Load()
		c.LockWait += time.Duration(s.wait.Load())
	}
	return c
}

// CheckCells verifies the cell index; call it between ticks.
func (m *Mutex) CheckCells() error { return m.grid.CheckCells() }
