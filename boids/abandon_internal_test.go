package boids

import (
	"runtime"
	"sync/atomic"
	"testing"
)

// gate is a design whose queries wait at a gate the test opens, counting
// how many boids got in.
type gate struct {
	nopDesign
	entered atomic.Int64
	open    chan struct{}
}

type nopDesign struct{}

func (nopDesign) Name() string                         { return "nop" }
func (nopDesign) Load(Space, []Boid)                   {}
func (nopDesign) Move(int, Boid)                       {}
func (nopDesign) EndTick()                             {}
func (nopDesign) Read(dst []Boid) []Boid               { return dst }
func (nopDesign) Close()                               {}
func (nopDesign) Neighbors(int, []Boid) (Boid, []Boid) { return Boid{}, nil }
func (g *gate) Neighbors(id int, buf []Boid) (Boid, []Boid) {
	g.entered.Add(1)
	<-g.open
	return Boid{}, buf
}

// An abandoned tick stops after the batch in progress: the boids of later
// batches are never woken, and Stop then ends every goroutine.
func TestAbandonStopsATickAfterItsBatch(t *testing.T) {
	p := DefaultParams(640, 360)
	g := &gate{open: make(chan struct{})}
	f, err := NewFlock(p, RandomBoids(p, 3*wakeBatch, newRand(1)), g)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { f.Tick(); close(done) }()
	// The whole first batch is inside Neighbors before the gate opens, so
	// Abandon lands while that batch is in progress.
	for g.entered.Load() < wakeBatch {
		select {
		case <-done:
			t.Fatal("the tick ended with its first batch still at the gate")
		default:
		}
		runtime.Gosched()
	}
	f.Abandon()
	close(g.open)
	<-done
	if n := g.entered.Load(); n != wakeBatch {
		t.Fatalf("%d boids queried after Abandon during the first batch, want %d (one batch)", n, wakeBatch)
	}
	if f.Ticks() != 0 {
		t.Fatalf("an abandoned tick counted as run: %d ticks", f.Ticks())
	}
	f.Tick()
	if n := g.entered.Load(); n != wakeBatch {
		t.Fatalf("a tick after Abandon woke boids: %d queries", n)
	}
	f.Stop()
}
