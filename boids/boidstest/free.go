package boidstest

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/boids-project/boids/boids"
)

// TestFreeRunning is the conformance suite of the free regime, where boids
// query and move with no barrier while the picture is read. Run it with
// -race on a design that claims to work free; the built-in designs do.
//
// FreeHammer runs at GOMAXPROCS 1, 2 and 4; FreeFlock runs the real flock
// through the changes a user makes while it runs free. Both return the
// first violation they find, so a test can also show that a broken design
// fails them.
func TestFreeRunning(t *testing.T, newStrategy func() boids.Strategy) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(-1))
	n, updates := 160, 40
	if testing.Short() {
		n, updates = 120, 25
	}
	for _, procs := range []int{1, 2, 4} {
		t.Run(fmt.Sprintf("Hammer/procs=%d", procs), func(t *testing.T) {
			runtime.GOMAXPROCS(procs)
			if err := FreeHammer(newStrategy, n, updates); err != nil {
				t.Fatal(err)
			}
		})
	}
	t.Run("Flock", func(t *testing.T) {
		if err := FreeFlock(newStrategy); err != nil {
			t.Fatal(err)
		}
	})
}

// freeWorkers is how many goroutines play the boids in FreeHammer.
const freeWorkers = 8

// freeSpace is FreeHammer's world.
var freeSpace = boids.Space{W: 420, H: 280, Radius: 28, Edges: boids.Wrap}

// freeState is boid id's k-th state in FreeHammer: its velocity carries id
// and k, so every answer can be traced to the write it came from. Even
// boids are anchors, whose position never changes, so that a query near
// one must find it whatever the moment.
func freeState(base []boids.Vec, id, k int) boids.Boid {
	p := base[id]
	if id%2 == 1 {
		step := boids.Vec{X: float32(id%7) * 3.1, Y: float32(id%5) * 4.3}
		p = p.Add(step.Scale(float32(k)))
		p.X = float32(math.Mod(float64(p.X), float64(freeSpace.W)))
		p.Y = float32(math.Mod(float64(p.Y), float64(freeSpace.H)))
	}
	return boids.Boid{Pos: p, Vel: boids.Vec{X: float32(id), Y: float32(k)}}
}

// freeRun is one FreeHammer's shared state.
type freeRun struct {
	s       boids.Strategy
	base    []boids.Vec
	started []atomic.Int64 // the highest k whose Move has begun, per boid
	failed  atomic.Bool
	errOnce sync.Once
	err     error
}

func (r *freeRun) fail(err error) {
	r.errOnce.Do(func() { r.err = err })
	r.failed.Store(true)
}

// check says whether b is a state boid j has really written (or begun to),
// and returns j and the k it carries.
func (r *freeRun) check(b boids.Boid) (j, k int, ok bool) {
	j, k = int(b.Vel.X), int(b.Vel.Y)
	ok = j >= 0 && j < len(r.base) && float32(j) == b.Vel.X && float32(k) == b.Vel.Y && k >= 0 &&
		int64(k) <= r.started[j].Load() && b == freeState(r.base, j, k)
	return j, k, ok
}

// FreeHammer has 8 goroutines play n boids, updates times each, with no
// barrier: query, check, move; meanwhile another goroutine reads the
// picture (and the counters) again and again. Every answer must be a state
// some boid really wrote, within reach, each boid's own state its latest
// write, each boid's states seen in the order it wrote them, no boid twice,
// and a boid that never moves found by every query near it. Afterwards the
// design and a fresh one loaded from it must hold exactly the last writes,
// and no goroutine may be left over once they are closed.
func FreeHammer(newStrategy func() boids.Strategy, n, updates int) error {
	leaks := goleak.IgnoreCurrent()
	rng := rand.New(rand.NewPCG(13, 14))
	r := &freeRun{s: newStrategy(), base: make([]boids.Vec, n), started: make([]atomic.Int64, n)}
	for i := range r.base {
		r.base[i] = boids.Vec{X: rng.Float32() * freeSpace.W, Y: rng.Float32() * freeSpace.H}
	}
	first := make([]boids.Boid, n)
	for id := range first {
		first[id] = freeState(r.base, id, 0)
	}
	r.s.Load(freeSpace, first)
	fr, free := r.s.(boids.FreeRunning)
	if free {
		fr.SetFree(true)
	}
	stop := make(chan struct{})
	var reader, workers sync.WaitGroup
	reader.Go(func() { r.read(stop) })
	for w := range freeWorkers {
		workers.Go(func() { r.play(w, updates) })
	}
	if !waitFor(&workers, 30*time.Second) {
		return errors.New("the boids did not finish in 30s: one is stuck in Neighbors or Move (deadlock?)")
	}
	close(stop)
	reader.Wait()
	if r.failed.Load() {
		r.s.Close()
		return r.err
	}
	if free {
		fr.SetFree(false)
	}
	last := make([]boids.Boid, n)
	for id := range last {
		last[id] = freeState(r.base, id, updates)
	}
	if err := CheckMap(r.s, freeSpace, last); err != nil {
		r.s.Close()
		return fmt.Errorf("after the free run: %w", err)
	}
	next := newStrategy()
	next.Load(freeSpace, r.s.Read(nil))
	r.s.Close()
	err := CheckMap(next, freeSpace, last)
	next.Close()
	if err != nil {
		return fmt.Errorf("handed over to a fresh design: %w", err)
	}
	if err := goleak.Find(leaks); err != nil {
		return fmt.Errorf("after Close: %w", err)
	}
	return nil
}

// play is worker w's part: boids w, w+8, ... updates times each.
func (r *freeRun) play(w, updates int) {
	n := len(r.base)
	seen := make([]int, n) // the latest k of each boid this worker was shown
	got := make([]bool, n)
	var buf []boids.Boid
	r2 := freeSpace.Radius * freeSpace.Radius
	near := (freeSpace.Radius - 0.01) * (freeSpace.Radius - 0.01)
	for k := range updates {
		for id := w; id < n; id += freeWorkers {
			if r.failed.Load() {
				return
			}
			self, nbrs := r.s.Neighbors(id, buf[:0])
			buf = nbrs
			if want := freeState(r.base, id, k); self != want {
				r.fail(fmt.Errorf("boid %d reads itself as %+v, but last wrote %+v", id, self, want))
				return
			}
			clear(got)
			for _, b := range nbrs {
				j, kj, ok := r.check(b)
				var err error
				switch {
				case !ok:
					err = fmt.Errorf("boid %d got neighbour %+v, a state no boid wrote", id, b)
				case j == id:
					err = fmt.Errorf("boid %d got itself as a neighbour", id)
				case got[j]:
					err = fmt.Errorf("boid %d got boid %d twice", id, j)
				case kj < seen[j]:
					err = fmt.Errorf("boid %d was shown boid %d's write %d after its write %d: out of order", id, j, kj, seen[j])
				case freeSpace.Delta(self.Pos, b.Pos).Len2() >= r2:
					err = fmt.Errorf("boid %d at %v got boid %d at %v, outside the view radius", id, self.Pos, j, b.Pos)
				}
				if err != nil {
					r.fail(err)
					return
				}
				got[j], seen[j] = true, kj
			}
			for j := 0; j < n; j += 2 {
				if j != id && !got[j] && freeSpace.Delta(self.Pos, r.base[j]).Len2() < near {
					r.fail(fmt.Errorf("boid %d at %v missed boid %d, which never moves from %v", id, self.Pos, j, r.base[j]))
					return
				}
			}
			r.started[id].Store(int64(k + 1))
			r.s.Move(id, freeState(r.base, id, k+1))
		}
	}
}

// read reads the picture, and the counters of a design that keeps them,
// until stop: every boid must be there once, as a state it wrote, never
// older than the last picture showed.
func (r *freeRun) read(stop chan struct{}) {
	n := len(r.base)
	seen := make([]int, n)
	cs, counting := r.s.(boids.Counting)
	var buf []boids.Boid
	for {
		select {
		case <-stop:
			return
		default:
		}
		if r.failed.Load() {
			return
		}
		buf = r.s.Read(buf[:0])
		if len(buf) != n {
			r.fail(fmt.Errorf("Read returned %d boids while they moved, want %d", len(buf), n))
			return
		}
		for id, b := range buf {
			j, k, ok := r.check(b)
			var err error
			switch {
			case !ok:
				err = fmt.Errorf("Read's boid %d is %+v, a state no boid wrote", id, b)
			case j != id:
				err = fmt.Errorf("Read's boid %d is boid %d's state", id, j)
			case k < seen[id]:
				err = fmt.Errorf("Read showed boid %d's write %d after its write %d: out of order", id, k, seen[id])
			}
			if err != nil {
				r.fail(err)
				return
			}
			seen[id] = k
		}
		if counting {
			cs.Counters()
		}
	}
}

// FreeFlock runs a real flock on the design in the free regime and makes
// the changes a user makes while it runs: halting (the picture must be
// whole and the map agree with it), switching to a fresh instance of the
// design with the exact state, switching while free, resizing while free.
// Nothing may be left running after Stop.
func FreeFlock(newStrategy func() boids.Strategy) error {
	leaks := goleak.IgnoreCurrent()
	const n = 300
	p := boids.DefaultParams(480, 320)
	f, err := boids.NewFlock(p, boids.RandomBoids(p, n, rand.New(rand.NewPCG(15, 16))), newStrategy())
	if err != nil {
		return err
	}
	defer f.Stop()
	run := func(what string) error {
		f.RunFree(500)
		u := f.Updates()
		for deadline := time.Now().Add(20 * time.Second); f.Updates() < u+3*uint64(f.Len()); {
			if time.Now().After(deadline) {
				return fmt.Errorf("%s: %d updates in 20s, want %d (stuck?)", what, f.Updates()-u, 3*f.Len())
			}
			runtime.Gosched()
		}
		return nil
	}
	halt := func(what string, want int) ([]boids.Boid, error) {
		f.Halt()
		bs := f.Boids(nil)
		if len(bs) != want {
			return nil, fmt.Errorf("%s: %d boids, want %d", what, len(bs), want)
		}
		for i, b := range bs {
			if !b.Pos.Finite() || b.Pos.X < 0 || b.Pos.X >= p.W || b.Pos.Y < 0 || b.Pos.Y >= p.H {
				return nil, fmt.Errorf("%s: boid %d left the world: %+v", what, i, b)
			}
		}
		return bs, CheckMap(f.Strategy(), p.Space, bs)
	}
	if err := run("free"); err != nil {
		return err
	}
	before, err := halt("halted", n)
	if err != nil {
		return err
	}
	f.SetStrategy(newStrategy())
	if err := CheckMap(f.Strategy(), p.Space, before); err != nil {
		return fmt.Errorf("handed over to a fresh design: %w", err)
	}
	if err := run("free after the hand-over"); err != nil {
		return err
	}
	f.SetStrategy(newStrategy())
	if err := run("switched while free"); err != nil {
		return err
	}
	if _, err := halt("switched while free", n); err != nil {
		return err
	}
	f.RunFree(500)
	if err := f.Resize(n/2, rand.New(rand.NewPCG(17, 18))); err != nil {
		return err
	}
	if err := run("resized while free"); err != nil {
		return err
	}
	if _, err := halt("resized while free", n/2); err != nil {
		return err
	}
	f.Tick()
	f.Stop()
	if err := goleak.Find(leaks); err != nil {
		return fmt.Errorf("after Stop: %w", err)
	}
	return nil
}
