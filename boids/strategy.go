package boids

import (
	"fmt"
	"slices"
	"strings"
	"sync"
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
	// boid strictly within the view radius of it, itself excluded, up to
	// MaxNeighbors of them (the kernel's contract, in grid.go). The
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

// registry holds the designs in key order (1, 2, 3, then the registered
// ones). It is unexported so that nobody can change it behind a running
// flock: readers get copies, and Register refuses once a flock has started.
var registry = struct {
	sync.Mutex
	designs []Design
	sealed  bool // a flock has started: the list is final
}{designs: []Design{
	{"mutex", func() Strategy { return NewMutex() }},
	{"channel", func() Strategy { return NewChannel() }},
	{"lockfree", func() Strategy { return NewLockFree() }},
}}

// Designs returns a copy of the designs, built-in ones first, in key order.
func Designs() []Design {
	registry.Lock()
	defer registry.Unlock()
	return slices.Clone(registry.designs)
}

// Register adds a design, so that programs built on this package (the
// workshop's) can offer their own next to the built-in ones. It is an error
// once any flock has started, or when a design already has d's name.
func Register(d Design) error {
	registry.Lock()
	defer registry.Unlock()
	switch {
	case registry.sealed:
		return fmt.Errorf("register %q: a flock has already started; register designs before", d.Name)
	case d.Name == "" || d.New == nil:
		return fmt.Errorf("register: a design needs a name and a constructor")
	case slices.ContainsFunc(registry.designs, func(o Design) bool { return o.Name == d.Name }):
		return fmt.Errorf("a design is already called %q (designs: %s)", d.Name, strings.Join(namesOf(registry.designs), ", "))
	}
	registry.designs = append(registry.designs, d)
	return nil
}

// seal makes the list final; NewFlock calls it.
func seal() {
	registry.Lock()
	registry.sealed = true
	registry.Unlock()
}

// DesignNames lists the valid strategy names, for help texts and errors.
func DesignNames() []string { return namesOf(Designs()) }

func namesOf(ds []Design) []string {
	names := make([]string, len(ds))
	for i, d := range ds {
		names[i] = d.Name
	}
	return names
}

// NewStrategy makes the design called name.
func NewStrategy(name string) (Strategy, error) {
	ds := Designs()
	i := slices.IndexFunc(ds, func(d Design) bool { return d.Name == strings.ToLower(name) })
	if i < 0 {
		return nil, fmt.Errorf("unknown strategy %q: allowed %s", name, strings.Join(namesOf(ds), ", "))
	}
	return ds[i].New(), nil
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }
