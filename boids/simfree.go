package boids

import (
	"strings"
	"time"
)

// simFree is the Sim's part of the free regime, owned by the coordinator.
type simFree struct {
	mode     Mode // the user's choice; the flock is halted while paused
	fair     Fairness
	rates    []float32
	readHist Hist // the window's Read times
	readCost Quantiles
}

// freePublishRate bounds how often a free-running Sim publishes: the boids
// do not wait for it, and a window shows no more than this.
const freePublishRate = 60

// clockPeriod is the coordinator's clock: a tick in the ticked regime, a
// publication in the free one.
func (s *Sim) clockPeriod() time.Duration {
	if s.free.mode == Free {
		return period(min(s.tps, freePublishRate))
	}
	return period(s.tps)
}

// publishFree publishes a picture of the boids as they move.
func (s *Sim) publishFree() { s.publish() }

// readBoids reads the picture; in the free regime it is read while boids
// move, and the time it takes is the design's read cost.
func (s *Sim) readBoids(dst []Boid) []Boid {
	if s.flock.Mode() != Free {
		return s.flock.Boids(dst)
	}
	t := time.Now()
	dst = s.flock.Boids(dst)
	s.free.readHist.Record(time.Since(t))
	return dst
}

// secondFree closes the free regime's window of el.
func (s *Sim) secondFree(el time.Duration) {
	if s.flock.Mode() != Free {
		return
	}
	fair, rates := s.flock.TakeFairness()
	s.free.fair = fair
	s.free.rates = append(s.free.rates[:0], rates...)
	if n := len(rates); n > 0 {
		s.actual = fair.Updates / float64(n)
	}
	s.free.readCost = s.free.readHist.Summary()
	s.free.readHist = Hist{}
}

func (s *Sim) snapFree(snap *Snapshot) {
	snap.Mode = s.free.mode
	snap.Updates = s.flock.Updates()
	snap.Rates = snap.Rates[:0]
	if s.free.mode != Free {
		snap.Fairness, snap.ReadCost = Fairness{}, Quantiles{}
		return
	}
	snap.Fairness = s.free.fair
	snap.ReadCost = s.free.readCost
	// Rates are by id: after a resize they cover the boids of the last full
	// second only until the next one.
	snap.Rates = append(snap.Rates, s.free.rates...)
}

// pauseFree stops or restarts the free loops with the pause.
func (s *Sim) pauseFree() {
	if s.free.mode != Free {
		return
	}
	if s.paused {
		s.flock.Halt()
	} else {
		s.flock.RunFree(s.tps)
	}
}

// SetMode switches the regime, handing the exact state over: the boids
// stop, the picture is read and loaded, and they start in the new regime.
func (s *Sim) SetMode(m Mode) { s.do(func() { s.setMode(m) }) }

// ToggleMode switches to the other regime.
func (s *Sim) ToggleMode() {
	s.do(func() {
		if s.free.mode == Free {
			s.setMode(Ticked)
		} else {
			s.setMode(Free)
		}
	})
}

func (s *Sim) setMode(m Mode) {
	old := s.free.mode
	if m == old {
		return
	}
	if m != Ticked && m != Free {
		s.logf("mode: %d: allowed ticked, free", m)
		return
	}
	if name := s.flock.Strategy().Name(); m == Free && !runsFree(name) {
		s.logf("mode: %s does not run free (it does not claim boidstest.TestFreeRunning); staying ticked", name)
		return
	}
	if m == Ticked {
		s.leaveFree(s.flock.Strategy().Name())
		return
	}
	s.free.mode = Free
	if !s.paused {
		s.flock.RunFree(s.tps)
	}
	s.ticker.Reset(s.clockPeriod())
	s.logf("mode: %s -> %s (%d boids, %s)", old, m, s.flock.Len(), s.flock.Strategy().Name())
}

// leaveFree returns to the ticked regime; why ends the log line.
func (s *Sim) leaveFree(why string) {
	s.flock.Halt()
	s.free.mode = Ticked
	s.free.fair, s.free.rates = Fairness{}, s.free.rates[:0]
	s.ticker.Reset(s.clockPeriod())
	s.logf("mode: %s -> %s (%d boids, %s)", Free, Ticked, s.flock.Len(), why)
}

// runsFree says whether the design called name claims the free regime.
func runsFree(name string) bool {
	for _, d := range Designs() {
		if strings.EqualFold(d.Name, name) {
			return d.Free
		}
	}
	return false
}
