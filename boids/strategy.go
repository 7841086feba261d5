package boids

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// Strategy is a synchronization design for the shared spatial map. Boid
// goroutines call Neighbors and then Move for their own id, concurrently
// with all the others: making that safe is the strategy's job. What else a
// design may assume depends on the regime (see Mode):
//
// Ticked: a tick runs every boid's Neighbors and Move once, concurrently;
// then, with no boid inside, the coordinator calls EndTick. Load, Read,
// Counters and Close are called only between ticks, with no boid inside.
// A design may therefore finish a tick's work in EndTick, and recycle
// memory there.
//
// Free: there is no barrier. Any boid may call Neighbors or Move at any
// moment, each boid still only for its own id and one call at a time, and
// the coordinator calls Read and Counters concurrently with them (it reads
// the picture while boids move). EndTick is not called. Neighbors must
// return the boid's own latest write as its state; every neighbour must be
// a state that boid really wrote, each boid's states seen in the order it
// wrote them; Read must return every boid once, each a state it wrote. Load
// and Close are still called with no boid inside: the flock stops the
// loops first, and a design that implements FreeRunning hears about the
// regime there. boidstest.TestFreeRunning checks all this.
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
	// EndTick runs after every boid has moved, before the next tick starts;
	// never in the free regime.
	EndTick()
	// Read appends every boid's state, in id order, to dst. In the free
	// regime it runs while boids move.
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
	Staleness  Hist          // sampled ages of the frames queries read
}

// Add sums counters: o's costs are added to c's, and QueueMax, a maximum,
// becomes the larger of the two. A new field must be added here and in Sub,
// which TestCountersAddSub checks.
func (c *Counters) Add(o Counters) {
	c.Reads += o.Reads
	c.Writes += o.Writes
	c.Contended += o.Contended
	c.LockWait += o.LockWait
	c.Messages += o.Messages
	c.RoundTrip += o.RoundTrip
	c.RTTSamples += o.RTTSamples
	c.RTTHist.Add(&o.RTTHist)
	c.QueueSum += o.QueueSum
	c.QueueMax = max(c.QueueMax, o.QueueMax)
	c.OwnerBusy += o.OwnerBusy
	c.CASRetries += o.CASRetries
	c.Publishes += o.Publishes
	c.Rebuild += o.Rebuild
	c.Staleness.Add(&o.Staleness)
}

// Sub removes o, an earlier reading of the same cumulative counters, leaving
// the costs since that reading. QueueMax is a maximum since the design's
// start, which has no difference, so c keeps its own.
func (c *Counters) Sub(o Counters) {
	c.Reads -= o.Reads
	c.Writes -= o.Writes
	c.Contended -= o.Contended
	c.LockWait -= o.LockWait
	c.Messages -= o.Messages
	c.RoundTrip -= o.RoundTrip
	c.RTTSamples -= o.RTTSamples
	c.RTTHist.Sub(&o.RTTHist)
	c.QueueSum -= o.QueueSum
	c.OwnerBusy -= o.OwnerBusy
	c.CASRetries -= o.CASRetries
	c.Publishes -= o.Publishes
	c.Rebuild -= o.Rebuild
	c.Staleness.Sub(&o.Staleness)
}

// Counting is implemented by strategies that measure their own costs.
// Counters is called between ticks, and in the free regime while boids move.
type Counting interface {
	Counters() Counters
}

// Design describes a registered strategy.
type Design struct {
	Name string
	New  func() Strategy
	// Free says that the design works in the free regime: it passes
	// boidstest.TestFreeRunning. A Sim keeps a design without it ticked.
	Free bool
}

// registry holds the designs in key order (1 to 5, then the registered
// ones). It is unexported so that nobody can change it behind a running
// flock: readers get copies, and Register refuses once a flock has started.
var registry = struct {
	sync.Mutex
	designs []Design
	sealed  bool // a flock has started: the list is final
}{designs: []Design{
	{"mutex", func() Strategy { return NewMutex() }, true},
	{"channel", func() Strategy { return NewChannel() }, true},
	{"lockfree", func() Strategy { return NewLockFree() }, true},
	{"sharded", func() Strategy { return NewSharded() }, true},
	{"actors", func() Strategy { return NewActors() }, true},
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
