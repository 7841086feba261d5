package boids

import (
	"sync"
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
	// stats[id] is written only by boid id's goroutine during a tick and
	// read by the coordinator between ticks, so it needs no lock of its own.
	stats []lockStats
}

type lockStats struct {
	reads, writes, contended uint64
	wait                     time.Duration
}

// waitEvery is how often a contended acquisition is timed. Two clock reads
// per wait cost 6% of the flock's CPU at 8,000 boids, where most
// acquisitions wait; timing one in four and counting it four times keeps
// the figure for a quarter of that.
const waitEvery = 4

// contend counts a contended acquisition and says whether to time it.
func (st *lockStats) contend() bool {
	st.contended++
	return st.contended%waitEvery == 0
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
	st.reads++
	if !m.mu.TryRLock() {
		if st.contend() {
			t := time.Now()
			m.mu.RLock()
			st.wait += waitEvery * time.Since(t)
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
	st.writes++
	if !m.mu.TryLock() {
		if st.contend() {
			t := time.Now()
			m.mu.Lock()
			st.wait += waitEvery * time.Since(t)
		} else {
			m.mu.Lock()
		}
	}
	m.grid.Set(id, b)
	m.mu.Unlock()
}

func (m *Mutex) EndTick() {}

func (m *Mutex) Read(dst []Boid) []Boid { return m.grid.Read(dst) }

func (m *Mutex) Close() {}

func (m *Mutex) Counters() Counters {
	var c Counters
	for i := range m.stats {
		s := &m.stats[i]
		c.Reads += s.reads
		c.Writes += s.writes
		c.Contended += s.contended
		c.LockWait += s.wait
	}
	return c
}

// CheckCells verifies the cell index; call it between ticks.
func (m *Mutex) CheckCells() error { return m.grid.CheckCells() }
