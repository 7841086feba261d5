package boids

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Strategy is a synchronization design for the shared spatial map. During a
// tick, every boid goroutine calls Neighbors and then Move for its own id,
// concurrently with all the others: making that safe is the strategy's job.
// Load, EndTick, Read and Close are called by the flock's coordinator only,
// between ticks, when no boid goroutine is inside the strategy.
type Strategy interface {
	// Name is the design's name as the -strategy flag spells it.
	Name() string
	// Load replaces all state: boid i gets id i and state boids[i].
	Load(sp Space, boids []Boid)
	// Neighbors returns boid id's current state and appends to buf every
	// boid strictly within the view radius of it, itself excluded. The
	// buffer is the caller's again once Neighbors returns (boids lend
	// buffers to each other), so keep no hold on it.
	Neighbors(id int, buf []Boid) (Boid, []Boid)
	// Move records boid id's new state.
	Move(id int, b Boid)
	// EndTick runs after every boid has moved, before the next tick starts.
	EndTick()
	// Read appends every boid's state, in id order, to dst.
	Read(dst []Boid) []Boid
	// Close ends the goroutines the strategy started.
	Close()
}

// Counters are cumulative cost figures since a strategy's last Load. Each
// design fills the ones that mean something for it.
type Counters struct {
	Reads      uint64        // neighbour queries
	Writes     uint64        // moves
	Contended  uint64        // lock acquisitions that had to wait
	LockWait   time.Duration // time spent waiting for locks
	Messages   uint64        // channel messages sent to an owner
	RoundTrip  time.Duration // summed request/reply time of sampled queries
	RTTSamples uint64        // how many queries RoundTrip covers
	RTTHist    Hist          // the same sampled round trips, for percentiles
	QueueSum   uint64        // owner's queue length, summed over requests
	QueueMax   uint64        // longest queue the owner saw
	OwnerBusy  time.Duration // time the owner goroutine spent serving
	CASRetries uint64        // failed compare-and-swaps that were retried
	Publishes  uint64        // snapshots published
	Rebuild    time.Duration // time spent building snapshots
}

// Counting is implemented by strategies that measure their own costs.
// Counters is called between ticks.
type Counting interface {
	Counters() Counters
}

// Design describes a registered strategy.
type Design struct {
	Name string
	New  func() Strategy
}

// Designs lists the built-in synchronization designs in key order (1, 2, 3).
var Designs = []Design{
	{"mutex", func() Strategy { return NewMutex() }},
	{"channel", func() Strategy { return NewChannel() }},
	{"lockfree", func() Strategy { return NewLockFree() }},
}

// Register adds a design, so that programs built on this package (the
// workshop's) can offer their own next to the built-in ones. Call it from
// init or main, before any flock starts.
func Register(d Design) {
	Designs = append(Designs, d)
}

// DesignNames lists the valid strategy names, for help texts and errors.
func DesignNames() []string {
	names := make([]string, len(Designs))
	for i, d := range Designs {
		names[i] = d.Name
	}
	return names
}

// NewStrategy makes the design called name.
func NewStrategy(name string) (Strategy, error) {
	i := slices.IndexFunc(Designs, func(d Design) bool { return d.Name == strings.ToLower(name) })
	if i < 0 {
		return nil, fmt.Errorf("unknown strategy %q: allowed %s", name, strings.Join(DesignNames(), ", "))
	}
	return Designs[i].New(), nil
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }
