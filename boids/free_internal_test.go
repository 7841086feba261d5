package boids

import (
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
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
		in, waiting := counts(a.count.Load())
		if in != freeRoom || waiting != n-freeRoom {
			t.Errorf("%d boids let in and %d waiting, want %d and %d", in, waiting, freeRoom, n-freeRoom)
		}
	})
}

// Boids that enter and leave all the time, through a door far narrower
// than they are many, are all let in in the end (a boid left in line
// would be a deadlock, which synctest reports) and never more than the
// room at once.
func TestAdmissionLetsEveryBoidIn(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const boids, room = 16, 2
		rounds := 3000
		if testing.Short() {
			rounds = 1000
		}
		park := make([]chan struct{}, boids)
		for i := range park {
			park[i] = make(chan struct{}, 1)
		}
		a := &admission{room: room, wait: make([]int32, boids), batch: make([]int32, 0, room), park: park}
		var inside, most atomic.Int32
		var wg sync.WaitGroup
		for id := range boids {
			wg.Go(func() {
				for range rounds {
					a.enter(id)
					if n := inside.Add(1); n > most.Load() {
						most.Store(n)
					}
					runtime.Gosched()
					inside.Add(-1)
					a.leave()
				}
			})
		}
		wg.Wait()
		if m := most.Load(); m > room {
			t.Errorf("%d boids inside at once, room %d", m, room)
		}
		if in, queued := counts(a.count.Load()); in != 0 || queued != 0 {
			t.Errorf("%d boids inside and %d in line after every boid left", in, queued)
		}
	})
}

// A boid that finds room inside but a line at the door joins the line:
// the door's fast path lets no boid pass those waiting.
func TestAdmissionKeepsTheLine(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const boids, room = 8, 4
		park := make([]chan struct{}, boids)
		for i := range park {
			park[i] = make(chan struct{}, 1)
		}
		a := &admission{room: room, wait: make([]int32, boids), batch: make([]int32, 0, room), park: park}
		a.start(boids) // 0-3 inside, 4-7 in line
		a.leave()      // boid 0: 3 inside, more than half the room
		go a.enter(0)
		synctest.Wait()
		if in, queued := counts(a.count.Load()); in != 3 || queued != 5 {
			t.Fatalf("%d boids inside and %d in line, want 3 and 5", in, queued)
		}
		for range 3 { // 1-3 leave: the line goes in, boid 0 last
			a.leave()
		}
		synctest.Wait()
		if in, queued := counts(a.count.Load()); in != 4 || queued != 1 || a.wait[a.head%boids] != 0 {
			t.Errorf("%d boids inside and %d in line (first %d), want 4 and boid 0", in, queued, a.wait[a.head%boids])
		}
		for range 4 {
			a.leave()
		}
		synctest.Wait()
	})
}

// A boid that found the door shut takes the lock to join the line; if the
// door opened meanwhile (the boids inside left without anyone to let in),
// it must go in, not join a line nobody will call: no leave may come.
func TestAdmissionEntersADoorThatOpened(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const boids, room = 2, 2
		park := []chan struct{}{make(chan struct{}, 1), make(chan struct{}, 1)}
		a := &admission{room: room, wait: make([]int32, boids), batch: make([]int32, 0, room), park: park}
		a.start(1) // boid 0 inside, room for one more, nobody in line
		done := make(chan struct{})
		go func() {
			a.queue(1) // as if open had looked while boid 1's place was still taken
			close(done)
		}()
		synctest.Wait()
		select {
		case <-done:
		default:
			t.Error("boid 1 joined the line at an open door")
			a.leave() // boid 0 leaves and lets it in, so the bubble can end
			<-done
			return
		}
		if in, queued := counts(a.count.Load()); in != 2 || queued != 0 {
			t.Errorf("%d boids inside and %d in line, want 2 and 0", in, queued)
		}
	})
}
