package boids

import (
	"sync/atomic"
	"testing"

	"go.uber.org/goleak"
)

// Commands still queued when Stop is called are dropped, not run on the
// way out: at 100,000 boids a few queued switches and resets kept the game
// 0.7 s past its summary line, logging each after it.
func TestSimStopDropsQueuedCommands(t *testing.T) {
	defer goleak.VerifyNone(t)
	s, err := NewSim(Config{Params: DefaultParams(640, 360), Boids: 10, Seed: 1, TPS: 60, Strategy: "mutex"})
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	var ran atomic.Bool
	// Both in one batch: the first holds the coordinator until Stop.
	s.mu.Lock()
	s.pending = append(s.pending, func() { close(started); <-s.stop }, func() { ran.Store(true) })
	s.mu.Unlock()
	s.kick <- struct{}{}
	<-started
	s.Stop()
	if ran.Load() {
		t.Fatal("a command queued before Stop ran after it")
	}
}

// A command being carried out when Stop is called logs nothing after it:
// its line would follow the program's summary, and an abandoned step's
// would claim a tick that never ran.
func TestSimStopSilencesTheCommandInProgress(t *testing.T) {
	defer goleak.VerifyNone(t)
	var lines atomic.Int64
	s, err := NewSim(Config{Params: DefaultParams(640, 360), Boids: 10, Seed: 1, TPS: 60, Strategy: "mutex",
		Log: func(string) { lines.Add(1) }})
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	s.do(func() {
		close(started)
		<-s.stop
		s.logf("step (%s)", s.at())
	})
	<-started
	before := lines.Load()
	s.Stop()
	if n := lines.Load() - before; n != 0 {
		t.Fatalf("%d lines logged after Stop", n)
	}
}
