package boids

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// Config describes a simulation to start.
type Config struct {
	Params   Params
	Boids    int
	Seed     uint64
	TPS      float64 // target ticks per second
	Strategy string
	// Shards is how many parts the partitioned designs split the map
	// into; 0 means DefaultShards.
	Shards int
	// Log receives one line per user-visible change (count, strategy,
	// pause, reset); nil discards them.
	Log func(msg string)
}

// MaxTPS bounds the simulation clock.
const MaxTPS = 1000

// Validate says what is wrong with a configuration.
func (c Config) Validate() error {
	if c.Boids < 1 || c.Boids > MaxBoids {
		return fmt.Errorf("%d boids: allowed 1..%d", c.Boids, MaxBoids)
	}
	if !(c.TPS >= 1 && c.TPS <= MaxTPS) {
		return fmt.Errorf("ticks per second %g: allowed 1..%d", c.TPS, MaxTPS)
	}
	if _, err := NewStrategy(c.Strategy); err != nil {
		return err
	}
	if c.Shards < 0 || c.Shards > MaxShards {
		return fmt.Errorf("%d shards: allowed 1..%d", c.Shards, MaxShards)
	}
	return c.Params.Validate()
}

// Snapshot is an immutable picture of the simulation after a tick, for
// rendering and for the overlay.
type Snapshot struct {
	Tick     uint64
	Boids    []Boid
	Params   Params
	Strategy string
	Paused   bool
	Seed     uint64
	TPS      float64 // target ticks per second
	// ActualTPS is the number of ticks run in the last full second.
	ActualTPS float64
	Times     TickTimes
	Counters  Counters
	// Stats summarize every tick of the last full second, phase by phase.
	Stats TickStats
	// Published is when the coordinator published this snapshot.
	Published time.Time
	// Shards is the shard setting; Regions are the cumulative contention
	// figures per part of the map (RegionsOf).
	Shards  int
	Regions []Region
}

// Sim runs a Flock on its own clock in a coordinator goroutine, applies
// commands between ticks and publishes a Snapshot after each. Its methods
// are safe to call from any goroutine and never wait for a tick, so a slow
// simulation cannot stall the window.
type Sim struct {
	log func(string)

	mu      sync.Mutex
	pending []func()
	kick    chan struct{}
	stop    chan struct{}
	done    chan struct{}

	out triple

	// Owned by the coordinator goroutine.
	flock    *Flock
	rng      *rand.Rand
	seed     uint64
	shards   int
	tps      float64
	paused   bool
	ticker   *time.Ticker
	second   time.Time
	inSecond int
	actual   float64
	hists    tickHists
	stats    TickStats
}

// NewSim builds the flock described by cfg and starts its clock.
func NewSim(cfg Config) (*Sim, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	strat, _ := NewStrategy(cfg.Strategy)
	shards := cfg.Shards
	if shards == 0 {
		shards = DefaultShards
	}
	setShards(strat, shards)
	rng := newRand(cfg.Seed)
	flock, err := NewFlock(cfg.Params, RandomBoids(cfg.Params, cfg.Boids, rng), strat)
	if err != nil {
		return nil, err
	}
	s := &Sim{
		log:   cfg.Log,
		kick:  make(chan struct{}, 1),
		stop:  make(chan struct{}),
		done:  make(chan struct{}),
		flock: flock, rng: rng, seed: cfg.Seed, tps: cfg.TPS, shards: shards,
		ticker: time.NewTicker(period(cfg.TPS)),
		second: time.Now(),
	}
	if s.log == nil {
		s.log = func(string) {}
	}
	s.out.init()
	s.publish()
	go s.run()
	return s, nil
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) }

func period(tps float64) time.Duration { return time.Duration(float64(time.Second) / tps) }

func (s *Sim) run() {
	defer close(s.done)
	defer s.flock.Stop()
	defer s.ticker.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-s.kick:
			s.apply()
		case <-s.ticker.C:
			if !s.paused {
				s.tickOnce()
			}
			s.countSecond()
		}
	}
}

func (s *Sim) apply() {
	s.mu.Lock()
	cmds := s.pending
	s.pending = nil
	s.mu.Unlock()
	for _, c := range cmds {
		c()
	}
	s.publish()
}

// tickOnce runs a tick and publishes it. The publication's own time is
// recorded with the tick's phases, so it shows in the next snapshot.
func (s *Sim) tickOnce() {
	s.flock.Tick()
	s.inSecond++
	t := time.Now()
	s.publish()
	s.hists.record(s.flock.LastTick(), time.Since(t))
}

func (s *Sim) countSecond() {
	if el := time.Since(s.second); el >= time.Second {
		s.actual = float64(s.inSecond) / el.Seconds()
		s.stats = s.hists.stats(el, s.flock)
		s.inSecond = 0
		s.second = time.Now()
	}
}

func (s *Sim) publish() {
	snap := s.out.back()
	snap.Tick = s.flock.Ticks()
	snap.Boids = s.flock.Boids(snap.Boids[:0])
	snap.Params = s.flock.Params()
	snap.Strategy = s.flock.Strategy().Name()
	snap.Paused = s.paused
	snap.Seed = s.seed
	snap.TPS = s.tps
	snap.ActualTPS = s.actual
	if s.paused {
		snap.ActualTPS = 0
	}
	snap.Times = s.flock.LastTick()
	snap.Counters = s.flock.Counters()
	snap.Stats = s.stats
	snap.Shards = s.shards
	snap.Regions = RegionsOf(s.flock.Strategy(), snap.Params.Space, &snap.Counters, snap.Regions[:0])
	snap.Published = time.Now()
	s.out.publish()
}

// Snapshot returns the latest published state. It is for one reader (the
// renderer): the returned snapshot stays valid until its next call.
func (s *Sim) Snapshot() *Snapshot { return s.out.latest() }

// Stop ends the clock, every boid goroutine and the strategy's goroutines,
// and waits for them. Calling it twice is harmless.
func (s *Sim) Stop() {
	s.mu.Lock()
	select {
	case <-s.stop:
	default:
		close(s.stop)
	}
	s.mu.Unlock()
	<-s.done
}

// do queues c to run between ticks on the coordinator goroutine.
func (s *Sim) do(c func()) {
	s.mu.Lock()
	s.pending = append(s.pending, c)
	s.mu.Unlock()
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

func (s *Sim) logf(format string, args ...any) { s.log(fmt.Sprintf(format, args...)) }

// TogglePause pauses or resumes the clock.
func (s *Sim) TogglePause() {
	s.do(func() {
		s.paused = !s.paused
		state := map[bool]string{true: "paused", false: "resumed"}[s.paused]
		s.logf("%s (tick %d)", state, s.flock.Ticks())
	})
}

// Step runs one tick while paused; it does nothing while running.
func (s *Sim) Step() {
	s.do(func() {
		if s.paused {
			s.flock.Tick()
			s.logf("step (tick %d)", s.flock.Ticks())
		}
	})
}

// SetBoids changes the number of boids; out-of-range values are clamped to
// 1..MaxBoids.
func (s *Sim) SetBoids(n int) {
	s.do(func() { s.setBoids(n) })
}

func (s *Sim) setBoids(n int) {
	n = min(max(n, 1), MaxBoids)
	old := s.flock.Len()
	if n == old {
		s.logf("boids: %d (limits are 1..%d)", n, MaxBoids)
		return
	}
	if err := s.flock.Resize(n, s.rng); err != nil {
		s.logf("boids: %v", err)
		return
	}
	s.logf("boids: %d -> %d (tick %d)", old, n, s.flock.Ticks())
}

// Scale multiplies the number of boids by num/den, within 1..MaxBoids; the
// game's + and - keys double and halve it.
func (s *Sim) Scale(num, den int) {
	s.do(func() { s.setBoids(s.flock.Len() * num / den) })
}

// Reset restarts the flock from a random state drawn with seed, keeping
// the boid count, the strategy and the rules.
func (s *Sim) Reset(seed uint64) {
	s.do(func() {
		s.seed = seed
		s.rng = newRand(seed)
		if err := s.flock.Replace(RandomBoids(s.flock.Params(), s.flock.Len(), s.rng)); err != nil {
			s.logf("reset: %v", err)
			return
		}
		s.logf("reset: seed %d, %d boids (tick %d)", seed, s.flock.Len(), s.flock.Ticks())
	})
}

// SetStrategy switches the synchronization design between ticks, handing
// over the exact state. An unknown name is logged and ignored.
func (s *Sim) SetStrategy(name string) {
	s.do(func() {
		old := s.flock.Strategy().Name()
		if name == old {
			return
		}
		st, err := NewStrategy(name)
		if err != nil {
			s.logf("strategy: %v", err)
			return
		}
		setShards(st, s.shards)
		s.flock.SetStrategy(st)
		s.logf("strategy: %s -> %s (tick %d, %d boids)", old, name, s.flock.Ticks(), s.flock.Len())
	})
}

// SetShards changes how many parts the partitioned designs split the map
// into, clamped to 1..MaxShards; the design in use, if partitioned, is
// reloaded with the exact state.
func (s *Sim) SetShards(n int) {
	s.do(func() {
		n = ClampShards(n)
		if n == s.shards {
			return
		}
		s.logf("shards: %d -> %d (tick %d)", s.shards, n, s.flock.Ticks())
		s.shards = n
		if setShards(s.flock.Strategy(), n) {
			s.flock.SetStrategy(s.flock.Strategy())
		}
	})
}

// setShards gives a partitioned design its shard count and reports whether
// st is one.
func setShards(st Strategy, n int) bool {
	p, ok := st.(Partitioned)
	if ok {
		p.SetShards(n)
	}
	return ok
}

// SetParams changes the rules between ticks; invalid ones are logged and
// ignored.
func (s *Sim) SetParams(p Params) {
	s.do(func() {
		if err := s.flock.SetParams(p); err != nil {
			s.logf("params: %v", err)
		}
	})
}

// SetTPS changes the target tick rate, clamped to 1..MaxTPS.
func (s *Sim) SetTPS(tps float64) {
	s.do(func() {
		tps := min(max(tps, 1), MaxTPS)
		if tps == s.tps {
			return
		}
		s.logf("tps: %g -> %g (tick %d)", s.tps, tps, s.flock.Ticks())
		s.tps = tps
		s.ticker.Reset(period(tps))
	})
}

// triple is a lock-free triple buffer of snapshots: the coordinator fills
// the back buffer and swaps it with the middle one; the reader swaps the
// middle one for its front buffer when a fresh one is there. Neither side
// ever waits for or allocates for the other.
type triple struct {
	bufs [3]Snapshot
	mid  atomic.Uint32 // index of the middle buffer, | fresh when unread
	b, f uint32        // back (writer's) and front (reader's) indices
}

const fresh = 4

func (t *triple) init() { t.f, t.b = 0, 2; t.mid.Store(1) }

func (t *triple) back() *Snapshot { return &t.bufs[t.b] }

func (t *triple) publish() { t.b = t.mid.Swap(t.b|fresh) &^ fresh }

func (t *triple) latest() *Snapshot {
	if t.mid.Load()&fresh != 0 {
		t.f = t.mid.Swap(t.f) &^ fresh
	}
	return &t.bufs[t.f]
}
