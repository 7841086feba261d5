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
	TPS      float64 // target ticks per second; in the free regime, updates per boid per second
	Strategy string
	Mode     Mode
	// Shards is how many parts the partitioned designs split the map
	// into; 0 means DefaultShards.
	Shards int
	// Log receives one line per user-visible change (count, strategy,
	// regime, pause, reset); nil discards them.
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
	if c.Mode != Ticked && c.Mode != Free {
		return fmt.Errorf("mode %d: allowed ticked, free", c.Mode)
	}
	if c.Mode == Free && !runsFree(c.Strategy) {
		return fmt.Errorf("mode free: design %q does not run free (it does not claim boidstest.TestFreeRunning)", c.Strategy)
	}
	if c.Shards < 0 || c.Shards > MaxShards {
		return fmt.Errorf("%d shards: allowed 1..%d", c.Shards, MaxShards)
	}
	return c.Params.Validate()
}

// Snapshot is a picture of the simulation after a tick, for rendering and
// for the overlay. A Reader hands it out; nobody writes it while a reader
// holds it.
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
	// Mode is the regime the boids run in; the rest is the free regime's:
	// the fairness of the last full second, each boid's rate in it (by id,
	// empty while ticked), updates since the start, and how long the
	// coordinator's Read of the picture took over the last second.
	Mode     Mode
	Fairness Fairness
	Rates    []float32
	Updates  uint64
	ReadCost Quantiles
	// Shards is the shard setting (BandsFor gives the bands it runs in
	// this world); Regions are the cumulative contention figures per part
	// of the map (RegionsOf).
	Shards  int
	Regions []Region
}

// Progress says how far the flock had got when s was published.
func (s *Snapshot) Progress() string { return progress(s.Mode, s.Tick, s.Updates) }

// Sim runs a Flock on its own clock in a coordinator goroutine, applies
// commands between ticks and publishes a Snapshot after each. Its commands
// (TogglePause to SetTPS) may be called from any goroutine: they queue the
// change and return without waiting for a tick, so a slow simulation cannot
// stall the window. Any number of goroutines may read snapshots, each
// through its own Reader, which never waits either. Stop is the one method
// that waits: for the tick in progress and for every goroutine to end.
type Sim struct {
	log func(string)

	mu      sync.Mutex
	pending []func()
	kick    chan struct{}
	stop    chan struct{}
	done    chan struct{}

	// cur is the latest publication. It holds one reference to its buffer,
	// and each Reader one to the buffer it last returned.
	cur atomic.Pointer[snapBuf]

	// Owned by the coordinator goroutine.
	flock    *Flock
	rng      *rand.Rand
	seed     uint64
	shards   int
	heat     bool // the heat map is shown: snapshots carry per-cell regions
	tps      float64
	paused   bool
	ticker   *time.Ticker
	second   time.Time
	inSecond int
	actual   float64
	hists    tickHists
	stats    TickStats
	bufs     []*snapBuf // every snapshot buffer made, free when unreferenced
	free     simFree
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
		second: time.Now(),
	}
	if cfg.Mode == Free {
		s.free.mode = Free
		flock.RunFree(cfg.TPS)
	}
	s.ticker = time.NewTicker(s.clockPeriod())
	if s.log == nil {
		s.log = func(string) {}
	}
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
			switch {
			case s.paused:
			case s.free.mode == Free:
				s.publishFree()
			default:
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
		// Once Stop is called, what is still queued is dropped: a switch or
		// a reset of a large flock would only delay the exit, and its line
		// would follow the program's summary.
		if s.stopping() {
			return
		}
		c()
	}
	s.publish()
}

// stopping says whether Stop has been called.
func (s *Sim) stopping() bool {
	select {
	case <-s.stop:
		return true
	default:
		return false
	}
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
		s.secondFree(el)
		s.inSecond = 0
		s.second = time.Now()
	}
}

func (s *Sim) publish() {
	b := s.freeBuf()
	snap := &b.Snapshot
	snap.Tick = s.flock.Ticks()
	snap.Boids = s.readBoids(snap.Boids[:0])
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
	s.snapFree(snap)
	snap.Shards = s.shards
	if _, cells := s.flock.Strategy().(perCell); cells && !s.heat {
		// Copying every cell's figure cost 140-150 µs a snapshot at 5,000
		// boids (4,641 cells), about 0.9% of a core at 60 a second.
		snap.Regions = append(snap.Regions[:0], worldRegion(snap.Params.Space, &snap.Counters))
	} else {
		snap.Regions = RegionsOf(s.flock.Strategy(), snap.Params.Space, &snap.Counters, snap.Regions[:0])
	}
	snap.Published = time.Now()
	if old := s.cur.Swap(b); old != nil {
		old.refs.Add(-1)
	}
}

// freeBuf returns a buffer nobody holds, with the coordinator's reference
// taken, making one when every buffer is held. With k readers that is k+2
// buffers in the steady state (the published one, the one being filled and
// one per reader) and at most 2k+2, as a reader in the middle of Latest
// briefly holds a second.
func (s *Sim) freeBuf() *snapBuf {
	for _, b := range s.bufs {
		if b.refs.CompareAndSwap(0, 1) {
			return b
		}
	}
	b := &snapBuf{}
	b.refs.Store(1)
	s.bufs = append(s.bufs, b)
	return b
}

// snapBuf is a snapshot and the count of its holders: the Sim while it is
// filling or publishing it, and the readers it was last handed to. Only a
// buffer with no holder is written.
type snapBuf struct {
	Snapshot
	refs atomic.Int32
}

// Reader is one consumer's view of a Sim's snapshots. It is for one
// goroutine at a time; make one Reader per goroutine that reads.
type Reader struct {
	sim  *Sim
	held *snapBuf
}

// NewReader returns a Reader of s's snapshots. A Reader holds the last
// snapshot it returned until its next Latest or its Close; one that lives
// as long as the Sim needs no Close.
func (s *Sim) NewReader() *Reader { return &Reader{sim: s} }

// Latest returns the latest published snapshot. It stays valid, and
// unchanged, until this Reader's next Latest or Close. It never blocks and
// allocates nothing; it tries again only when a publication falls between
// its two loads of the pointer.
func (r *Reader) Latest() *Snapshot {
	for {
		b := r.sim.cur.Load()
		if b == r.held {
			return &b.Snapshot
		}
		// Take a reference, then check that b is still the published one:
		// if it is, the coordinator will not reuse it while the reference
		// lasts. If not, the coordinator may already be refilling it, so
		// give the reference back, unread, and take the newer one.
		b.refs.Add(1)
		if r.sim.cur.Load() == b {
			r.release()
			r.held = b
			return &b.Snapshot
		}
		b.refs.Add(-1)
	}
}

// Close lets the Sim reuse the snapshot the Reader holds, so the snapshots
// it returned must not be used afterwards; a later Latest takes a new one.
func (r *Reader) Close() { r.release() }

func (r *Reader) release() {
	if r.held != nil {
		r.held.refs.Add(-1)
		r.held = nil
	}
}

// Stop ends the clock, every boid goroutine and the strategy's goroutines,
// and waits for them. Calling it twice is harmless.
func (s *Sim) Stop() {
	// A tick in progress ends after its current batch of boids, so the
	// wait is short even where a whole tick takes seconds.
	s.flock.Abandon()
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

// logf logs a line, unless Stop has been called: a command still being
// carried out then (a step or a switch of a large flock, which Stop cuts
// short) would say what the program, already past its summary, no longer
// does.
func (s *Sim) logf(format string, args ...any) {
	if !s.stopping() {
		s.log(fmt.Sprintf(format, args...))
	}
}

// at is how far the flock has got, for the log lines.
func (s *Sim) at() string { return progress(s.free.mode, s.flock.Ticks(), s.flock.Updates()) }

// progress says how far a flock has got: its tick, and in the free regime,
// where boids update on their own and ticks run only as steps, its updates
// too.
func progress(m Mode, tick, updates uint64) string {
	if m == Free {
		return fmt.Sprintf("tick %d, %d updates", tick, updates)
	}
	return fmt.Sprintf("tick %d", tick)
}

// TogglePause pauses or resumes the clock.
func (s *Sim) TogglePause() {
	s.do(func() {
		s.paused = !s.paused
		s.pauseFree()
		state := map[bool]string{true: "paused", false: "resumed"}[s.paused]
		s.logf("%s (%s)", state, s.at())
	})
}

// Step runs one tick while paused; it does nothing while running.
func (s *Sim) Step() {
	s.do(func() {
		if s.paused {
			s.flock.Tick()
			s.logf("step (%s)", s.at())
		}
	})
}

// SetBoids changes the number of boids; out-of-range values are clamped to
// 1..MaxBoids, and a count the flock already has is logged with the limits.
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
	s.logf("boids: %d -> %d (%s)", old, n, s.at())
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
		s.logf("reset: seed %d, %d boids (%s)", seed, s.flock.Len(), s.at())
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
		if s.free.mode == Free && !runsFree(name) {
			s.leaveFree(name + " does not run free")
		}
		setShards(st, s.shards)
		s.flock.SetStrategy(st)
		s.logf("strategy: %s -> %s (%s, %d boids)", old, name, s.at(), s.flock.Len())
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
		s.logf("shards: %d -> %d (%s)", s.shards, n, s.at())
		s.shards = n
		if setShards(s.flock.Strategy(), n) {
			s.flock.SetStrategy(s.flock.Strategy())
		}
	})
}

// SetHeat says whether the heat map is shown. While it is not, a design
// that measures contention per cell of the grid (lockfree) is reported as
// one region, the whole world, with its counters: the overlay's figure
// needs no more, and copying thousands of cells into every snapshot would.
func (s *Sim) SetHeat(on bool) {
	s.do(func() { s.heat = on })
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

// SetTPS changes the target tick rate, clamped to 1..MaxTPS (NaN to 1:
// min and max would pass it on, and the clock's ticker panics on it); a
// rate past a limit the clock is already at says so, as SetBoids does.
func (s *Sim) SetTPS(tps float64) {
	s.do(func() {
		asked := tps
		if !(tps >= 1) {
			tps = 1
		}
		tps = min(tps, MaxTPS)
		if tps == s.tps {
			if asked != tps {
				s.logf("%s: %g (limits are 1..%d)", s.free.mode.Rate(), tps, MaxTPS)
			}
			return
		}
		s.logf("%s: %g -> %g (%s)", s.free.mode.Rate(), s.tps, tps, s.at())
		s.tps = tps
		if s.flock.Mode() == Free {
			s.flock.RunFree(tps)
		}
		s.ticker.Reset(s.clockPeriod())
	})
}
