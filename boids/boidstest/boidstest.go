// Package boidstest is the conformance suite for boids.Strategy designs, in
// its own package (as testing/fstest is) so that the programs built on the
// core never link the testing package. Every built-in design's tests and the
// workshop's checkers run it.
package boidstest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/boids-project/boids/boids"
)

// TestStrategy is the conformance suite every boids.Strategy must pass. Call it
// from a test with a constructor for the design; run it with -race. The
// workshop's checkers run it on the participants' designs.
//
// It checks, on the design alone and inside a real flock: neighbour queries
// equal a brute-force search on frozen states (wrap-around, cell borders,
// tiny and walled worlds), or, where more than boids.MaxNeighbors boids are
// within reach (crowded worlds), return at least that many of them, each
// once (CheckAnswer); Load and Read hand state over exactly; a hammer
// of many goroutines × many ticks at GOMAXPROCS 1, 2 and 4 in which every
// answer is a state some boid really had, nothing within reach is missed,
// and after every tick the map equals what the boids wrote; that a design
// which counts its costs counts one query and one move per boid-tick; and
// that a flock run on the design flocks.
func TestStrategy(t *testing.T, newStrategy func() boids.Strategy) {
	t.Run("BruteForce", func(t *testing.T) { testBruteForce(t, newStrategy) })
	t.Run("Handover", func(t *testing.T) { testHandover(t, newStrategy) })
	t.Run("Hammer", func(t *testing.T) { testHammer(t, newStrategy) })
	t.Run("Flock", func(t *testing.T) { testFlock(t, newStrategy) })
	t.Run("Counters", func(t *testing.T) { testCounters(t, newStrategy) })
	t.Run("Flocks", func(t *testing.T) { testFlocks(t, newStrategy) })
}

// BruteNeighbors returns every boid strictly within the view radius of boid
// id, itself excluded, by checking all of them.
func BruteNeighbors(sp boids.Space, bs []boids.Boid, id int) []boids.Boid {
	var out []boids.Boid
	r2 := sp.Radius * sp.Radius
	for j, b := range bs {
		if j != id && sp.Delta(bs[id].Pos, b.Pos).Len2() < r2 {
			out = append(out, b)
		}
	}
	return out
}

// SameBoids reports whether a and b hold the same boids in any order.
func SameBoids(a, b []boids.Boid) bool {
	if len(a) != len(b) {
		return false
	}
	a, b = slices.Clone(a), slices.Clone(b)
	slices.SortFunc(a, cmpBoid)
	slices.SortFunc(b, cmpBoid)
	return slices.Equal(a, b)
}

func cmpBoid(a, b boids.Boid) int {
	for _, d := range [4]float32{a.Pos.X - b.Pos.X, a.Pos.Y - b.Pos.Y, a.Vel.X - b.Vel.X, a.Vel.Y - b.Vel.Y} {
		if d < 0 {
			return -1
		}
		if d > 0 {
			return 1
		}
	}
	return 0
}

// CheckMap compares every boid's neighbour query with brute force on the
// state s reports (see CheckAnswer), and the state with want when want is
// not nil. It is for use between ticks.
func CheckMap(s boids.Strategy, sp boids.Space, want []boids.Boid) error {
	got := s.Read(nil)
	if want != nil {
		if len(got) != len(want) {
			return fmt.Errorf("Read returned %d boids, want %d", len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				return fmt.Errorf("boid %d is %+v, but %+v was written", i, got[i], want[i])
			}
		}
	}
	var buf []boids.Boid
	for id := range got {
		var self boids.Boid
		self, buf = s.Neighbors(id, buf[:0])
		if self != got[id] {
			return fmt.Errorf("Neighbors(%d) says the boid is %+v, Read says %+v", id, self, got[id])
		}
		if err := CheckAnswer(buf, BruteNeighbors(sp, got, id)); err != nil {
			return fmt.Errorf("boid %d at %v (radius %g, world %gx%g, %s): %v",
				id, got[id].Pos, sp.Radius, sp.W, sp.H, sp.Edges, err)
		}
	}
	return nil
}

// CheckAnswer checks a query's answer against brute force's (want). When
// at most boids.MaxNeighbors boids are within reach, the answer must hold
// exactly them. When more are, a design may stop at the cap, so the answer
// must hold at least boids.MaxNeighbors boids, every one of them a boid
// within reach, none of them twice (a multiset included in want). A design
// without a cap, returning them all, passes too; the cap is what keeps a
// crowded world's queries bounded, and boids' own tests hold the built-in
// designs to it.
func CheckAnswer(got, want []boids.Boid) error {
	if len(want) <= boids.MaxNeighbors {
		if !SameBoids(got, want) {
			return fmt.Errorf("Neighbors found %d boids, brute force %d", len(got), len(want))
		}
		return nil
	}
	if len(got) < boids.MaxNeighbors {
		return fmt.Errorf("Neighbors found %d boids of the %d within reach, fewer than MaxNeighbors (%d)", len(got), len(want), boids.MaxNeighbors)
	}
	g, w := slices.Clone(got), slices.Clone(want)
	slices.SortFunc(g, cmpBoid)
	slices.SortFunc(w, cmpBoid)
	j := 0
	for _, b := range g {
		for j < len(w) && cmpBoid(w[j], b) < 0 {
			j++
		}
		if j == len(w) || w[j] != b {
			return fmt.Errorf("Neighbors returned %+v, which is not within reach, or more often than boids with that state are", b)
		}
		j++
	}
	return nil
}

func testBruteForce(t *testing.T, newStrategy func() boids.Strategy) {
	cases := []struct {
		name string
		sp   boids.Space
		bs   func(sp boids.Space, rng *rand.Rand) []boids.Boid
	}{
		{"random", boids.Space{W: 640, H: 360, Radius: 28, Edges: boids.Wrap}, scatter(400)},
		{"dense", boids.Space{W: 200, H: 120, Radius: 28, Edges: boids.Wrap}, scatter(500)},
		{"walls", boids.Space{W: 640, H: 360, Radius: 28, Edges: boids.Bounce}, scatter(400)},
		{"wrap-edges", boids.Space{W: 640, H: 360, Radius: 28, Edges: boids.Wrap}, nearEdges(300)},
		{"wall-edges", boids.Space{W: 640, H: 360, Radius: 28, Edges: boids.Bounce}, nearEdges(300)},
		{"cell-borders", boids.Space{W: 560, H: 280, Radius: 28, Edges: boids.Wrap}, onBorders(300)},
		{"tiny-world", boids.Space{W: 64, H: 64, Radius: 40, Edges: boids.Wrap}, scatter(60)},
		{"two-cells", boids.Space{W: 100, H: 64, Radius: 40, Edges: boids.Wrap}, scatter(60)},
		{"same-point", boids.Space{W: 640, H: 360, Radius: 28, Edges: boids.Wrap}, samePoint(20)},
		// More boids within reach than a query returns (MaxNeighbors): in a
		// world a few cells across, in a clump inside a big one, on one point.
		{"crowded-tiny", boids.Space{W: 64, H: 64, Radius: 28, Edges: boids.Wrap}, scatter(2 * boids.MaxNeighbors)},
		{"crowded-clump", boids.Space{W: 640, H: 360, Radius: 28, Edges: boids.Bounce}, clump(2 * boids.MaxNeighbors)},
		{"crowded-point", boids.Space{W: 640, H: 360, Radius: 28, Edges: boids.Wrap}, samePoint(boids.MaxNeighbors + 40)},
		{"lone", boids.Space{W: 640, H: 360, Radius: 28, Edges: boids.Wrap}, scatter(1)},
		{"empty", boids.Space{W: 640, H: 360, Radius: 28, Edges: boids.Wrap}, scatter(0)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bs := c.bs(c.sp, rand.New(rand.NewPCG(1, 2)))
			s := newStrategy()
			defer s.Close()
			s.Load(c.sp, bs)
			s.EndTick()
			if err := CheckMap(s, c.sp, bs); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func scatter(n int) func(boids.Space, *rand.Rand) []boids.Boid {
	return func(sp boids.Space, rng *rand.Rand) []boids.Boid {
		out := make([]boids.Boid, n)
		for i := range out {
			out[i] = boids.Boid{Pos: boids.Vec{X: rng.Float32() * sp.W, Y: rng.Float32() * sp.H}, Vel: boids.Vec{X: rng.Float32() - .5, Y: rng.Float32() - .5}}
		}
		return out
	}
}

func nearEdges(n int) func(boids.Space, *rand.Rand) []boids.Boid {
	return func(sp boids.Space, rng *rand.Rand) []boids.Boid {
		out := scatter(n)(sp, rng)
		for i := range out {
			e := rng.Float32() * sp.Radius
			switch i % 4 {
			case 0:
				out[i].Pos.X = e
			case 1:
				out[i].Pos.X = sp.W - e - 1e-3
			case 2:
				out[i].Pos.Y = e
			case 3:
				out[i].Pos.Y = sp.H - e - 1e-3
			}
		}
		return out
	}
}

func onBorders(n int) func(boids.Space, *rand.Rand) []boids.Boid {
	return func(sp boids.Space, rng *rand.Rand) []boids.Boid {
		out := scatter(n)(sp, rng)
		cols, rows := sp.Cells()
		cw, ch := sp.W/float32(cols), sp.H/float32(rows)
		for i := range out {
			out[i].Pos.X = float32(rng.IntN(cols)) * cw
			if i%2 == 0 {
				out[i].Pos.Y = float32(rng.IntN(rows)) * ch
			}
		}
		return out
	}
}

// clump puts n boids within a few units of the world's centre.
func clump(n int) func(boids.Space, *rand.Rand) []boids.Boid {
	return func(sp boids.Space, rng *rand.Rand) []boids.Boid {
		out := scatter(n)(sp, rng)
		for i := range out {
			out[i].Pos = boids.Vec{X: sp.W/2 + (rng.Float32()-.5)*sp.Radius, Y: sp.H/2 + (rng.Float32()-.5)*sp.Radius}
		}
		return out
	}
}

func samePoint(n int) func(boids.Space, *rand.Rand) []boids.Boid {
	return func(sp boids.Space, rng *rand.Rand) []boids.Boid {
		out := make([]boids.Boid, n)
		for i := range out {
			out[i] = boids.Boid{Pos: boids.Vec{X: sp.W / 2, Y: sp.H / 2}, Vel: boids.Vec{X: float32(i), Y: 0}}
		}
		return out
	}
}

func testHandover(t *testing.T, newStrategy func() boids.Strategy) {
	sp := boids.Space{W: 640, H: 360, Radius: 28, Edges: boids.Wrap}
	rng := rand.New(rand.NewPCG(3, 4))
	s := newStrategy()
	defer s.Close()
	for _, n := range []int{300, 0, 50, 300} {
		bs := scatter(n)(sp, rng)
		s.Load(sp, bs)
		s.EndTick()
		if got := s.Read(nil); !slices.Equal(got, bs) && (len(got) > 0 || len(bs) > 0) {
			t.Fatalf("after Load of %d boids, Read returned %d boids that differ from them", n, len(got))
		}
	}
	prefix := []boids.Boid{{Pos: boids.Vec{X: 1, Y: 2}}}
	if got := s.Read(prefix); len(got) != 301 || got[0] != prefix[0] {
		t.Fatalf("Read must append to dst: got %d boids, first %+v", len(got), got[0])
	}
}

func testHammer(t *testing.T, newStrategy func() boids.Strategy) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(-1))
	sp := boids.Space{W: 420, H: 280, Radius: 28, Edges: boids.Wrap}
	n, rounds := 250, 40
	if testing.Short() {
		n, rounds = 120, 15
	}
	for _, procs := range []int{1, 2, 4} {
		for _, workers := range []int{4, 32} {
			t.Run(fmt.Sprintf("procs=%d/goroutines=%d", procs, workers), func(t *testing.T) {
				runtime.GOMAXPROCS(procs)
				hammer(t, newStrategy(), sp, n, rounds, workers)
			})
		}
	}
}

// hammerStates is where every boid is after round r of the hammer: each
// moves in a straight line, far enough per round to change cells often. A
// boid's velocity carries its id and round, so every answer can be traced
// to the write it came from.
func hammerStates(sp boids.Space, base []boids.Vec, r int) []boids.Boid {
	out := make([]boids.Boid, len(base))
	for id := range out {
		step := boids.Vec{X: float32(id%7) * 3.1, Y: float32(id%5) * 4.3}
		p := base[id].Add(step.Scale(float32(r)))
		p.X = float32(math.Mod(float64(p.X), float64(sp.W)))
		p.Y = float32(math.Mod(float64(p.Y), float64(sp.H)))
		out[id] = boids.Boid{Pos: p, Vel: boids.Vec{X: float32(id), Y: float32(r)}}
	}
	return out
}

func hammer(t *testing.T, s boids.Strategy, sp boids.Space, n, rounds, workers int) {
	defer s.Close()
	rng := rand.New(rand.NewPCG(5, 6))
	base := make([]boids.Vec, n)
	for i := range base {
		base[i] = boids.Vec{X: rng.Float32() * sp.W, Y: rng.Float32() * sp.H}
	}
	states := [][]boids.Boid{hammerStates(sp, base, 0)}
	s.Load(sp, states[0])
	s.EndTick()
	errs := make(chan error, workers)
	for r := range rounds {
		states = append(states, hammerStates(sp, base, r+1))
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				var buf []boids.Boid
				for id := w; id < n; id += workers {
					if err := hammerOne(s, sp, states, id, r, &buf); err != nil {
						errs <- err
						return
					}
				}
			})
		}
		if !waitFor(&wg, 20*time.Second) {
			t.Fatalf("round %d did not finish in 20s: a boid is stuck in Neighbors or Move (deadlock?)", r)
		}
		select {
		case err := <-errs:
			t.Fatalf("round %d: %v", r, err)
		default:
		}
		s.EndTick()
		if err := CheckMap(s, sp, states[r+1]); err != nil {
			t.Fatalf("after round %d: %v", r, err)
		}
	}
}

// hammerOne plays boid id's part of round r: every neighbour it is told
// about must be a state that boid had before or after this round, within
// reach, and every boid within reach both before and after must be there.
func hammerOne(s boids.Strategy, sp boids.Space, states [][]boids.Boid, id, r int, buf *[]boids.Boid) error {
	before, after := states[r], states[r+1]
	self, nbrs := s.Neighbors(id, (*buf)[:0])
	*buf = nbrs
	if self != before[id] {
		return fmt.Errorf("boid %d reads itself as %+v, but wrote %+v", id, self, before[id])
	}
	r2 := sp.Radius * sp.Radius
	seen := make([]bool, len(before))
	for _, b := range nbrs {
		j, jr := int(b.Vel.X), int(b.Vel.Y)
		if j < 0 || j >= len(before) || j == id || (jr != r && jr != r+1) || b != states[jr][j] {
			return fmt.Errorf("boid %d got neighbour %+v, which no boid wrote in round %d or %d", id, b, r, r+1)
		}
		if seen[j] {
			return fmt.Errorf("boid %d got boid %d twice", id, j)
		}
		seen[j] = true
		if sp.Delta(self.Pos, b.Pos).Len2() >= r2 {
			return fmt.Errorf("boid %d at %v got boid %d at %v, outside the view radius %g", id, self.Pos, j, b.Pos, sp.Radius)
		}
	}
	if len(nbrs) >= boids.MaxNeighbors {
		// The query may have stopped at the cap: what it left out is not
		// missed.
		s.Move(id, after[id])
		return nil
	}
	near := (sp.Radius - 0.01) * (sp.Radius - 0.01)
	for j := range before {
		if j != id && !seen[j] && sp.Delta(self.Pos, before[j].Pos).Len2() < near && sp.Delta(self.Pos, after[j].Pos).Len2() < near {
			return fmt.Errorf("boid %d at %v missed boid %d, within reach before and after its move", id, self.Pos, j)
		}
	}
	s.Move(id, after[id])
	return nil
}

func waitFor(wg *sync.WaitGroup, d time.Duration) bool {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(d):
		return false
	}
}

// testFlock runs the real goroutine-per-boid flock on the design and checks
// the map against the flock's state between ticks.
func testFlock(t *testing.T, newStrategy func() boids.Strategy) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(-1))
	n, ticks := 400, 200
	if testing.Short() {
		n, ticks = 200, 60
	}
	for _, procs := range []int{1, 2} {
		for _, edges := range []boids.Edges{boids.Wrap, boids.Bounce} {
			t.Run(fmt.Sprintf("procs=%d/%s", procs, edges), func(t *testing.T) {
				runtime.GOMAXPROCS(procs)
				p := boids.DefaultParams(480, 320)
				p.Edges = edges
				f, err := boids.NewFlock(p, boids.RandomBoids(p, n, rand.New(rand.NewPCG(7, 8))), newStrategy())
				if err != nil {
					t.Fatal(err)
				}
				defer f.Stop()
				for tick := range ticks {
					if !tickWithin(f, 20*time.Second) {
						t.Fatalf("tick %d did not finish in 20s (deadlock?)", tick)
					}
					if tick%20 != 19 {
						continue
					}
					bs := f.Boids(nil)
					for i, b := range bs {
						if !b.Pos.Finite() || !b.Vel.Finite() || b.Pos.X < 0 || b.Pos.X >= p.W || b.Pos.Y < 0 || b.Pos.Y >= p.H {
							t.Fatalf("tick %d: boid %d left the world or is not finite: %+v", tick, i, b)
						}
					}
					if err := CheckMap(f.Strategy(), p.Space, nil); err != nil {
						t.Fatalf("tick %d: %v", tick, err)
					}
				}
			})
		}
	}
}

// testCounters checks the figures the overlay and the bench read: one query
// and one move per boid-tick, since the last Load.
func testCounters(t *testing.T, newStrategy func() boids.Strategy) {
	s := newStrategy()
	cs, ok := s.(boids.Counting)
	if !ok {
		s.Close()
		t.Skip("the design does not implement boids.Counting")
	}
	const n, ticks = 200, 10
	p := boids.DefaultParams(480, 320)
	f, err := boids.NewFlock(p, boids.RandomBoids(p, n, rand.New(rand.NewPCG(11, 12))), s)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Stop()
	for range ticks {
		f.Tick()
	}
	if c := cs.Counters(); c.Reads != n*ticks || c.Writes != n*ticks {
		t.Fatalf("after %d ticks of %d boids Counters says %d queries and %d moves, want %d each", ticks, n, c.Reads, c.Writes, n*ticks)
	}
}

func tickWithin(f *boids.Flock, d time.Duration) bool {
	done := make(chan struct{})
	go func() { f.Tick(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(d):
		return false
	}
}

// testFlocks checks that the design's flock orders itself from a random
// start. Two flocks that meet head-on can stay apart for a while, and
// designs in which every boid sees the previous tick's states (lockfree)
// order more slowly than those that see some of this tick's moves, so the
// figure is the mean over a few starts.
func testFlocks(t *testing.T, newStrategy func() boids.Strategy) {
	const seeds, ticks = 3, 500
	start, end := MeanPolarization(boids.DefaultParams(480, 320), 300, ticks, seeds, newStrategy)
	if end < 0.5 || end < start+0.35 {
		t.Fatalf("the flock did not order itself: mean polarization over %d starts %.2f at the start, %.2f after %d ticks (want at least 0.5)", seeds, start, end, ticks)
	}
}

// MeanPolarization runs flocks of n boids from seeds random starts for
// ticks ticks each, and returns their mean polarization before and after.
func MeanPolarization(p boids.Params, n, ticks, seeds int, newStrategy func() boids.Strategy) (start, end float64) {
	for seed := range seeds {
		f, err := boids.NewFlock(p, boids.RandomBoids(p, n, rand.New(rand.NewPCG(uint64(seed), 10))), newStrategy())
		if err != nil {
			panic(err)
		}
		start += boids.Polarization(f.Boids(nil)) / float64(seeds)
		for range ticks {
			f.Tick()
		}
		end += boids.Polarization(f.Boids(nil)) / float64(seeds)
		f.Stop()
	}
	return start, end
}
