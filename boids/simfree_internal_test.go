package boids

import (
	"strings"
	"sync"
	"testing"
	"time"
)

// A design that does not claim the free regime is kept ticked: refused at
// start, on F, and switched to ticked when selected while free. The
// registry refuses designs once a flock has started, so this test, inside
// the package, adds one by hand and removes it afterwards.
func TestSimKeepsTickedOnlyDesignsTicked(t *testing.T) {
	registry.Lock()
	registry.designs = append(registry.designs, Design{Name: "tickedonly", New: func() Strategy { return tickedOnly{NewMutex()} }})
	registry.Unlock()
	defer func() {
		registry.Lock()
		registry.designs = registry.designs[:len(registry.designs)-1]
		registry.Unlock()
	}()
	cfg := Config{Params: DefaultParams(480, 320), Boids: 50, Seed: 1, TPS: 60, Strategy: "tickedonly", Mode: Free}
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), `design "tickedonly" does not run free`) {
		t.Fatalf("Validate: %v, want the design refused in the free regime", err)
	}
	var mu sync.Mutex
	var lines []string
	cfg.Mode, cfg.Strategy = Free, "mutex"
	cfg.Log = func(l string) { mu.Lock(); lines = append(lines, l); mu.Unlock() }
	s, err := NewSim(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	s.SetStrategy("tickedonly")
	s.ToggleMode()
	want := []string{
		"mode: free -> ticked (50 boids, tickedonly does not run free)",
		"strategy: mutex -> tickedonly (tick 0, 50 boids)",
		"mode: tickedonly does not run free (it does not claim boidstest.TestFreeRunning); staying ticked",
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		got := strings.Join(lines, "\n")
		mu.Unlock()
		if got == strings.Join(want, "\n") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("log:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
		}
		time.Sleep(2 * time.Millisecond)
	}
	// The log comes before the next publication: wait for a snapshot of
	// the new design, which the switch published or a later tick did.
	r := s.NewReader()
	for r.Latest().Strategy != "tickedonly" {
		if time.Now().After(deadline) {
			t.Fatalf("no snapshot of tickedonly published")
		}
		time.Sleep(2 * time.Millisecond)
	}
	if m := r.Latest().Mode; m != Ticked {
		t.Fatalf("mode %s, want ticked", m)
	}
}

type tickedOnly struct{ *Mutex }

func (tickedOnly) Name() string { return "tickedonly" }
