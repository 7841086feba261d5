package boids

import (
	"math/rand/v2"
	"testing"
	"testing/synctest"
	"time"
)

// The pacer opens as few slots as the window allows: one per wakeBatch
// boids, never two openings closer than minSlotGap.
func TestPacerSlots(t *testing.T) {
	for _, c := range []struct {
		rate        float64
		boids, want int
	}{
		{60, 0, 1},
		{60, 200, 1},
		{60, 2000, 2},
		{60, 10000, 10},
		{60, 20000, 16},
		{60, MaxBoids, 16},
		{1000, 10000, 1},
		{1, 5000, 5},
	} {
		pc := newPacer(c.rate, c.boids, Params{}, nil, nil)
		if got := pc.slots; got != c.want {
			t.Errorf("%g/s, %d boids: %d slots, want %d", c.rate, c.boids, got, c.want)
		}
		if gap := pc.period / time.Duration(pc.slots); gap < minSlotGap {
			t.Errorf("%g/s, %d boids: slots %v apart", c.rate, c.boids, gap)
		}
	}
}

// RunFree starts no more boids than admission lets in; the others wait in
// its line for their start, so a large flock is never runnable all at once
// (each would run only to queue at the door).
func TestRunFreeStartsARoomOfBoids(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const n = 3 * freeRoom
		p := BenchParams(n)
		f, err := NewFlock(p, RandomBoids(p, n, rand.New(rand.NewPCG(1, 1))), NewMutex())
		if err != nil {
			t.Fatal(err)
		}
		defer f.Stop()
		f.RunFree(60)
		synctest.Wait() // before the first opening: the boids started wait for their turn
		a := &f.free.run.admit
		a.mu.Lock()
		in, waiting := a.in, a.tail-a.head
		a.mu.Unlock()
		if in != freeRoom || waiting != n-freeRoom {
			t.Errorf("%d boids let in and %d waiting, want %d and %d", in, waiting, freeRoom, n-freeRoom)
		}
	})
}
