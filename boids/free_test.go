package boids_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/boids-project/boids/boids"
	"github.com/boids-project/boids/boids/boidstest"
)

// In a synctest bubble the pacer's clock is fake: a second of it gives every
// boid exactly its 60 turns, so the free regime's bookkeeping can be checked
// to the update without sleeping for real.
func TestFreeRunsEveryBoidAtTheRate(t *testing.T) {
	for _, d := range freeDesigns() {
		t.Run(d.Name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				const n = 200
				f := newFlock(t, n, d.New())
				defer f.Stop()
				f.RunFree(60)
				assert.Equal(t, boids.Free, f.Mode())
				time.Sleep(time.Second)
				synctest.Wait()
				fair, rates := f.TakeFairness()
				assert.Len(t, rates, n)
				assert.InDelta(t, 60, fair.P50, 1.5, "median rate")
				assert.InDelta(t, 60*n, fair.Updates, 1.5*n, "updates per second")
				assert.InDelta(t, 1, fair.Jain, 0.01, "every boid gets as many turns")
				assert.LessOrEqual(t, fair.GapMax, 2*time.Second/60, "longest gap")
				f.Halt()
				assert.Equal(t, boids.Ticked, f.Mode())
				require.NoError(t, boidstest.CheckMap(f.Strategy(), f.Params().Space, nil))
				f.Tick()
			})
		})
	}
}

// Every change a user can make while the boids run free hands the exact
// state over: the boids are stopped, read, loaded and started again.
func TestFreeChangesKeepState(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFlock(t, 150, boids.NewMutex())
		defer f.Stop()
		rng := rand.New(rand.NewPCG(4, 4))
		f.RunFree(60)
		time.Sleep(100 * time.Millisecond)
		for _, d := range freeDesigns() {
			synctest.Wait()
			before := haltedBoids(f)
			f.SetStrategy(d.New())
			assert.Equal(t, boids.Free, f.Mode(), "still free after switching to %s", d.Name)
			f.Halt()
			require.NoError(t, boidstest.CheckMap(f.Strategy(), f.Params().Space, before), "switch to %s", d.Name)
			f.RunFree(60)
			time.Sleep(100 * time.Millisecond)
		}
		require.NoError(t, f.Resize(300, rng))
		assert.Equal(t, boids.Free, f.Mode())
		time.Sleep(100 * time.Millisecond)
		p := f.Params()
		p.W, p.H = 300, 200
		require.NoError(t, f.SetParams(p))
		time.Sleep(100 * time.Millisecond)
		require.NoError(t, f.Resize(20, rng))
		time.Sleep(100 * time.Millisecond)
		f.Halt()
		bs := f.Boids(nil)
		require.Len(t, bs, 20)
		for i, b := range bs {
			assert.True(t, b.Pos.X >= 0 && b.Pos.X < 300 && b.Pos.Y >= 0 && b.Pos.Y < 200, "boid %d at %v", i, b.Pos)
		}
		require.NoError(t, boidstest.CheckMap(f.Strategy(), p.Space, nil))
	})
}

// haltedBoids reads the flock's exact state by halting it, and starts it
// again at the same rate.
func haltedBoids(f *boids.Flock) []boids.Boid {
	f.Halt()
	defer f.RunFree(60)
	return f.Boids(nil)
}

// A boid that cannot get its turns shows: its rate falls and its gap
// grows, and Jain's index drops.
func TestFreeFairnessSeesAStarvedBoid(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f, s := runSlowOne(t)
		time.Sleep(time.Second)
		synctest.Wait()
		fair, rates := f.TakeFairness()
		assert.Zero(t, rates[7], "boid 7 is stuck in its query")
		assert.Zero(t, fair.Min)
		assert.InDelta(t, 50, fair.P50, 1)
		assert.GreaterOrEqual(t, fair.GapMax, 900*time.Millisecond, "the stuck boid's wait counts")
		assert.Less(t, fair.Jain, 0.99)
		close(s.release)
	})
}

// A boid that falls behind its slot (here its first query takes longer than
// a period) does the updates it owes at once, without waiting for the next
// opening, but never more than the last two: older turns are dropped. Boid
// 8, in the same slot, is on time and counts the openings.
func TestFreeLateBoidCatchesUpOneTurn(t *testing.T) {
	for _, c := range []struct {
		late time.Duration
		lost float64
	}{
		// Openings every 20 ms from 20 ms; boid 7 ends its first update at
		// 70 ms owing turns 2 and 3 (40, 60 ms), and does both.
		{50 * time.Millisecond, 0},
		// At 110 ms it owes turns 2 to 5 and does 4 and 5 only.
		{90 * time.Millisecond, 2},
	} {
		t.Run(c.late.String(), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := &lateOne{Strategy: boids.NewMutex(), late: c.late}
				f := newFlock(t, 50, s)
				defer f.Stop()
				f.RunFree(50)
				// Past the opening at 1 s, not on it.
				time.Sleep(time.Second + 10*time.Millisecond)
				synctest.Wait()
				fair, rates := f.TakeFairness()
				sec := fair.Window.Seconds()
				assert.InDelta(t, c.lost, float64(rates[8]-rates[7])*sec, 0.01, "turns boid 7 lost")
			})
		})
	}
}

// A run owes nothing to begin with: turns the last run gave and its boids
// did not take (boid 7, held in its query, had two waiting at the halt) are
// not done at the start of the next one, before its first opening.
func TestFreeRunStartsOwingNothing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f, s := runSlowOne(t)
		time.Sleep(100 * time.Millisecond)
		synctest.Wait()
		halted := make(chan struct{})
		go func() {
			f.Halt()
			close(halted)
		}()
		synctest.Wait()
		close(s.release)
		<-halted
		u := f.Updates()
		f.RunFree(50)
		synctest.Wait()
		assert.Equal(t, u, f.Updates(), "updates before the first opening")
		time.Sleep(30 * time.Millisecond)
		synctest.Wait()
		assert.Equal(t, u+50, f.Updates(), "one update each at the first opening")
	})
}

// However many boids owe a turn, no more than FreeRoom are between their
// query and their move at once, and a halt lets none of those still
// waiting start an update: every boid here is held in its query until the
// test releases it, so without admission all 3·FreeRoom would be inside,
// and the halt would wait for each of them to do one more update.
func TestFreeAdmitsABoundedFlock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const n = 3 * boids.FreeRoom
		s := &holdAll{Strategy: boids.NewMutex(), release: make(chan struct{})}
		f := newFlock(t, n, s)
		defer f.Stop()
		f.RunFree(boids.MaxTPS)
		time.Sleep(100 * time.Millisecond) // every slot has opened
		synctest.Wait()
		assert.EqualValues(t, boids.FreeRoom, s.inside.Load(), "boids inside the design")
		halted := make(chan struct{})
		go func() {
			f.Halt()
			close(halted)
		}()
		synctest.Wait() // the pacer has set the halt; the flock waits for its boids
		asked := s.queries.Load()
		close(s.release)
		<-halted
		assert.Equal(t, asked, s.queries.Load(), "queries started after the halt")
		require.NoError(t, boidstest.CheckMap(f.Strategy(), f.Params().Space, nil))
	})
}

// Boids that owe turns all the time pass through admission in batches,
// and none is left waiting: the flock keeps updating, through runs that
// start and halt, and every halt returns.
func TestFreeAdmissionLosesNoBoid(t *testing.T) {
	const n = 3 * boids.FreeRoom
	s := &countMoves{Strategy: nopStrategy{boids.NewMutex()}}
	f := newFlock(t, n, s)
	defer f.Stop()
	runs := 4
	if testing.Short() {
		runs = 2
	}
	for range runs {
		s.reached = make(chan struct{})
		s.target.Store(s.moves.Load() + 20*n)
		f.RunFree(boids.MaxTPS)
		<-s.reached
		f.Halt()
	}
}

// countMoves closes reached when its moves reach target.
type countMoves struct {
	boids.Strategy
	moves, target atomic.Int64
	reached       chan struct{}
}

func (s *countMoves) Move(id int, b boids.Boid) {
	s.Strategy.Move(id, b)
	if s.moves.Add(1) == s.target.Load() {
		close(s.reached)
	}
}

// holdAll holds every query until release, counting the boids inside.
type holdAll struct {
	boids.Strategy
	release         chan struct{}
	inside, queries atomic.Int64
}

func (s *holdAll) Neighbors(id int, buf []boids.Boid) (boids.Boid, []boids.Boid) {
	s.queries.Add(1)
	s.inside.Add(1)
	<-s.release
	return s.Strategy.Neighbors(id, buf)
}

func (s *holdAll) Move(id int, b boids.Boid) {
	s.Strategy.Move(id, b)
	s.inside.Add(-1)
}

// lateOne keeps boid 7 in its first query for late.
type lateOne struct {
	boids.Strategy
	late time.Duration
	once sync.Once
}

func (s *lateOne) Neighbors(id int, buf []boids.Boid) (boids.Boid, []boids.Boid) {
	if id == 7 {
		s.once.Do(func() { time.Sleep(s.late) })
	}
	return s.Strategy.Neighbors(id, buf)
}

// slowOne holds boid 7 inside its first query until release.
type slowOne struct {
	boids.Strategy
	release chan struct{}
	once    sync.Once
}

// runSlowOne runs 50 boids free at 50 updates a second over a slowOne,
// stopped when the test ends.
func runSlowOne(t *testing.T) (*boids.Flock, *slowOne) {
	s := &slowOne{Strategy: boids.NewMutex(), release: make(chan struct{})}
	f := newFlock(t, 50, s)
	t.Cleanup(f.Stop)
	f.RunFree(50)
	return f, s
}

func (s *slowOne) Neighbors(id int, buf []boids.Boid) (boids.Boid, []boids.Boid) {
	if id == 7 {
		s.once.Do(func() { <-s.release })
	}
	return s.Strategy.Neighbors(id, buf)
}

func TestParseMode(t *testing.T) {
	for _, m := range boids.Modes {
		got, err := boids.ParseMode(m.String())
		require.NoError(t, err)
		assert.Equal(t, m, got)
	}
	_, err := boids.ParseMode("lockstep")
	assert.ErrorContains(t, err, "allowed ticked, free")
}

// BenchmarkPace measures what pacing costs, in CPU time per boid update
// with no update work at all: slots (one timer per slot, whose opening
// puts a token in each of its boids' own channels) against a sleep to each
// boid's own deadline (one timer per boid).
// Both aim at 200,000 updates/s in total, which 2 cores sustain, so the
// figure is the pacing's cost, not a backlog's.
func BenchmarkPace(b *testing.B) {
	const total = 200000
	for _, n := range []int{1000, 10000} {
		rate := float64(total / n)
		b.Run(fmt.Sprintf("slots/boids=%d", n), func(b *testing.B) {
			p := boids.BenchParams(n)
			f, err := boids.NewFlock(p, boids.RandomBoids(p, n, rand.New(rand.NewPCG(1, 1))), nopStrategy{boids.NewMutex()})
			require.NoError(b, err)
			defer f.Stop()
			f.RunFree(rate)
			measurePace(b, f.Updates)
		})
		b.Run(fmt.Sprintf("sleep/boids=%d", n), func(b *testing.B) {
			var updates atomic.Uint64
			quit := make(chan struct{})
			var wg sync.WaitGroup
			period := time.Duration(float64(time.Second) / rate)
			for i := range n {
				wg.Go(func() {
					next := time.Now().Add(period * time.Duration(i) / time.Duration(n))
					for {
						time.Sleep(time.Until(next))
						select {
						case <-quit:
							return
						default:
						}
						updates.Add(1)
						next = next.Add(period)
					}
				})
			}
			measurePace(b, updates.Load)
			close(quit)
			wg.Wait()
		})
	}
}

// BenchmarkPacing measures what pacing costs next to an update, on one
// flock at the default rate (60 updates per boid per second): phases paced
// at 60 alternate with phases unpaced (MaxTPS, which no flock of these sizes
// keeps up with, so a boid finds its next turn open and does not wait), and
// pacing-ns/update is the paced phases' CPU per update less the unpaced
// ones'. The nop rows pace a design that does nothing: their CPU per update
// is the pacing machinery alone. Phases alternate so that a machine shared
// with other jobs weighs on both alike; an op is a paced phase, its
// unpaced one (a quarter of a second each, after 50 ms of settling; in the
// nop rows a bare one instead, bare-ns/update: goroutines that do nothing
// but take the same turns, see phase.bare, with paced/bare the pacing
// machinery over that floor) and two
// ticked ones (a quarter of a second each, ticks back to back, then 60
// ticks a second): ticked-ns/update and ticked60-ns/update are the CPU per
// boid-tick of the same flock in the ticked regime, and paced/ticked the
// ratio to the first, which in the nop rows sets the pacing machinery
// against the ticked regime's wake and barrier. The 60/s row shows what
// running at a rate costs a regime that idles between its bursts.
func BenchmarkPacing(b *testing.B) {
	for _, n := range []int{2000, 10000} {
		for _, d := range []string{"lockfree", "mutex", "nop"} {
			b.Run(fmt.Sprintf("%s/boids=%d", d, n), func(b *testing.B) {
				p := boids.BenchParams(n)
				var s boids.Strategy
				if d == "nop" {
					s = nopStrategy{boids.NewMutex()}
				} else {
					var err error
					s, err = boids.NewStrategy(d)
					require.NoError(b, err)
				}
				f, err := boids.NewFlock(p, boids.RandomBoids(p, n, rand.New(rand.NewPCG(1, 1))), s)
				require.NoError(b, err)
				defer f.Stop()
				for range 50 { // warm-up: buffers at their steady size, the flock gathering
					f.Tick()
				}
				var paced, unpaced, ticked, ticked60, bare phase
				b.ResetTimer()
				for range b.N {
					paced.run(f, 60)
					if d != "nop" {
						unpaced.run(f, boids.MaxTPS)
					} else {
						f.Halt()
						bare.bare(n, 60)
					}
					ticked.tick(f, 0)
					ticked60.tick(f, 60)
				}
				b.StopTimer()
				b.ReportMetric(paced.cpuPerUpdate(), "paced-ns/update")
				b.ReportMetric(paced.updates/paced.wall.Seconds()/float64(n), "paced-rate/boid")
				b.ReportMetric(ticked.cpuPerUpdate(), "ticked-ns/update")
				b.ReportMetric(paced.cpuPerUpdate()/ticked.cpuPerUpdate(), "paced/ticked")
				b.ReportMetric(ticked60.cpuPerUpdate(), "ticked60-ns/update")
				if d != "nop" {
					b.ReportMetric(unpaced.cpuPerUpdate(), "unpaced-ns/update")
					b.ReportMetric(paced.cpuPerUpdate()-unpaced.cpuPerUpdate(), "pacing-ns/update")
				} else {
					b.ReportMetric(bare.cpuPerUpdate(), "bare-ns/update")
					b.ReportMetric(paced.cpuPerUpdate()/bare.cpuPerUpdate(), "paced/bare")
				}
			})
		}
	}
}

// BenchmarkBareTurns measures what a bare paced turn (phase.bare: a
// goroutine woken by its slot's opening, doing nothing) costs by rate,
// the rates alternated within an op: the longer a goroutine waits between
// its turns, the more a turn costs, since what it touches has gone cold
// and the cores slept meanwhile.
func BenchmarkBareTurns(b *testing.B) {
	const n = 10000
	rates := []float64{30, 60, 120, 240}
	phases := make([]phase, len(rates))
	for range b.N {
		for i, r := range rates {
			phases[i].bare(n, r)
		}
	}
	for i, r := range rates {
		b.ReportMetric(phases[i].cpuPerUpdate(), fmt.Sprintf("%g/s-ns/update", r))
		b.ReportMetric(phases[i].updates/phases[i].wall.Seconds()/n, fmt.Sprintf("%g/s-rate/boid", r))
	}
}

// phase adds up the updates, CPU time and wall time of a flock's free runs.
type phase struct {
	updates   float64
	cpu, wall time.Duration
}

// run runs f free at rate for a phase, past a settling time in which every
// boid leaves the previous phase's rhythm.
func (ph *phase) run(f *boids.Flock, rate float64) {
	f.RunFree(rate)
	time.Sleep(50 * time.Millisecond)
	u0, cpu0, t0 := f.Updates(), cpuTime(), time.Now()
	time.Sleep(250 * time.Millisecond)
	ph.updates += float64(f.Updates() - u0)
	ph.cpu += cpuTime() - cpu0
	ph.wall += time.Since(t0)
}

// tick runs f ticked for a phase, rate ticks a second or (0) tick after
// tick: what the ticked regime pays per boid-tick for the same work, in the
// nop rows its wake and barrier alone (as BenchmarkWake, here on the flock
// the paced phases ran).
func (ph *phase) tick(f *boids.Flock, rate float64) {
	f.Halt()
	var every <-chan time.Time
	if rate > 0 {
		t := time.NewTicker(time.Duration(float64(time.Second) / rate))
		defer t.Stop()
		every = t.C
	}
	u0, cpu0, t0 := f.Ticks(), cpuTime(), time.Now()
	for time.Since(t0) < 250*time.Millisecond {
		if every != nil {
			<-every
		}
		f.Tick()
	}
	ph.updates += float64((f.Ticks() - u0) * uint64(f.Len()))
	ph.cpu += cpuTime() - cpu0
	ph.wall += time.Since(t0)
}

// bare paces n goroutines that only take their turns, as the pacer's
// slots give them (as many slots, the same ticker, a token on each one's
// own channel), with no flock: no admission, clock, records or update. It
// is the least one goroutine per boid, each waiting for its turn, costs at
// rate: the pacer's own share is what the nop rows cost above it.
func (ph *phase) bare(n int, rate float64) {
	turns := make([]chan struct{}, n)
	counts := make([]atomic.Uint64, n)
	var wg sync.WaitGroup
	for i := range turns {
		turns[i] = make(chan struct{}, 2)
		wg.Go(func() {
			for range turns[i] {
				counts[i].Add(1)
			}
		})
	}
	total := func() (u uint64) {
		for i := range counts {
			u += counts[i].Load()
		}
		return u
	}
	slots := boids.PacerSlots(rate, n)
	gap := time.Duration(float64(time.Second) / rate / float64(slots))
	quit, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(gap)
		defer t.Stop()
		start, opened := time.Now(), 0
		for {
			select {
			case <-quit:
				return
			case now := <-t.C:
				due := int(now.Sub(start) / gap)
				for opened = max(opened, due-slots); opened < due; opened++ {
					k := opened % slots
					for _, ch := range turns[k*n/slots : (k+1)*n/slots] {
						select {
						case ch <- struct{}{}:
						default:
						}
					}
				}
			}
		}
	}()
	time.Sleep(50 * time.Millisecond)
	u0, cpu0, t0 := total(), cpuTime(), time.Now()
	time.Sleep(250 * time.Millisecond)
	ph.updates += float64(total() - u0)
	ph.cpu += cpuTime() - cpu0
	ph.wall += time.Since(t0)
	close(quit)
	<-stopped
	for _, ch := range turns {
		close(ch)
	}
	wg.Wait()
}

func (ph *phase) cpuPerUpdate() float64 { return float64(ph.cpu) / ph.updates }

// measurePace waits for b.N updates and reports the process's CPU time
// and wall time per update.
func measurePace(b *testing.B, updates func() uint64) {
	time.Sleep(200 * time.Millisecond) // warm-up: every boid past its first turn
	u0, cpu0, t0 := updates(), cpuTime(), time.Now()
	b.ResetTimer()
	for updates()-u0 < uint64(b.N) {
		time.Sleep(time.Millisecond)
	}
	b.StopTimer()
	du := float64(updates() - u0)
	b.ReportMetric(float64(cpuTime()-cpu0)/du, "cpu-ns/update")
	b.ReportMetric(du/time.Since(t0).Seconds(), "updates/s")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// nopStrategy answers every query with no neighbours and ignores moves, so
// that only the flock's own work is measured.
type nopStrategy struct{ boids.Strategy }

func (nopStrategy) Neighbors(id int, buf []boids.Boid) (boids.Boid, []boids.Boid) {
	return boids.Boid{}, buf
}
func (nopStrategy) Move(int, boids.Boid) {}

// Every built-in design works free: the free regime's conformance suite.
func TestDesignsRunFree(t *testing.T) {
	for _, d := range freeDesigns() {
		t.Run(d.Name, func(t *testing.T) { boidstest.TestFreeRunning(t, d.New) })
	}
}

// A rate out of range is clamped, not a crash: the pacer's interval would
// be infinite or zero.
func TestRunFreeClampsTheRate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFlock(t, 20, boids.NewMutex())
		defer f.Stop()
		for _, rate := range []float64{0, -5, math.NaN(), math.Inf(1), 1e9} {
			f.RunFree(rate)
			assert.Equal(t, boids.Free, f.Mode(), "rate %v", rate)
		}
		u := f.Updates()
		time.Sleep(time.Second)
		synctest.Wait()
		assert.InDelta(t, 20*boids.MaxTPS, f.Updates()-u, 20*boids.MaxTPS/10, "clamped to MaxTPS")
	})
}

// freeDesigns are the designs that claim the free regime.
func freeDesigns() []boids.Design {
	var out []boids.Design
	for _, d := range boids.Designs() {
		if d.Free {
			out = append(out, d)
		}
	}
	return out
}

// Every built-in design runs free.
func TestWhichDesignsRunFree(t *testing.T) {
	var names []string
	for _, d := range freeDesigns() {
		names = append(names, d.Name)
	}
	if want := []string{"mutex", "channel", "lockfree", "sharded", "actors"}; !slices.Equal(names, want) {
		t.Fatalf("designs that run free: %v, want %v", names, want)
	}
}
