package boidstest_test

import (
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/boids-project/boids/boids"
	"github.com/boids-project/boids/boids/boidstest"
)

// The free suite can fail: each broken design here breaks one promise, and
// FreeHammer must say so. They are race-free on purpose (atomics and a
// mutex), so the checks themselves, not the race detector, must catch them.
func TestFreeHammerRejectsBrokenDesigns(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	for _, c := range []struct {
		name string
		new  func() boids.Strategy
		want string
	}{
		{"torn", func() boids.Strategy { return &torn{} }, "a state no boid wrote"},
		{"backwards", func() boids.Strategy { return &backwards{} }, "out of order"},
		{"stale-self", func() boids.Strategy { return &staleSelf{Mutex: boids.NewMutex()} }, "reads itself as"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := boidstest.FreeHammer(c.new, 120, 25)
			require.Error(t, err, "the suite must reject %s", c.name)
			assert.ErrorContains(t, err, c.want)
		})
	}
}

// The designs that pass are not rejected by accident: mutex passes here
// under the same settings.
func TestFreeHammerPassesMutex(t *testing.T) {
	require.NoError(t, boidstest.FreeHammer(func() boids.Strategy { return boids.NewMutex() }, 120, 25))
}

// torn reads without a lock: a boid's position and velocity are two
// atomics stored one after the other, with a yield between, so a reader
// can see a new position with an old velocity.
type torn struct {
	sp       boids.Space
	pos, vel []atomic.Uint64
}

func pack(v boids.Vec) uint64 {
	return uint64(math.Float32bits(v.X)) | uint64(math.Float32bits(v.Y))<<32
}

func unpack(u uint64) boids.Vec {
	return boids.Vec{X: math.Float32frombits(uint32(u)), Y: math.Float32frombits(uint32(u >> 32))}
}

func (s *torn) Name() string { return "torn" }
func (s *torn) Load(sp boids.Space, bs []boids.Boid) {
	s.sp = sp
	s.pos, s.vel = make([]atomic.Uint64, len(bs)), make([]atomic.Uint64, len(bs))
	for i, b := range bs {
		s.store(i, b, false)
	}
}
func (s *torn) store(id int, b boids.Boid, yield bool) {
	s.pos[id].Store(pack(b.Pos))
	if yield {
		runtime.Gosched()
	}
	s.vel[id].Store(pack(b.Vel))
}
func (s *torn) get(id int) boids.Boid {
	return boids.Boid{Pos: unpack(s.pos[id].Load()), Vel: unpack(s.vel[id].Load())}
}
func (s *torn) Neighbors(id int, buf []boids.Boid) (boids.Boid, []boids.Boid) {
	self := s.get(id)
	for j := range s.pos {
		if b := s.get(j); j != id && s.sp.Delta(self.Pos, b.Pos).Len2() < s.sp.Radius*s.sp.Radius {
			buf = append(buf, b)
		}
	}
	return self, buf
}
func (s *torn) Move(id int, b boids.Boid) { s.store(id, b, true) }
func (s *torn) EndTick()                  {}
func (s *torn) Read(dst []boids.Boid) []boids.Boid {
	for j := range s.pos {
		dst = append(dst, s.get(j))
	}
	return dst
}
func (s *torn) Close() {}

// backwards keeps every boid's last two states under a mutex and, every
// other query, answers with the older one of a neighbour.
type backwards struct {
	mu      sync.Mutex
	sp      boids.Space
	cur     []boids.Boid
	old     []boids.Boid
	queries int
}

func (s *backwards) Name() string { return "backwards" }
func (s *backwards) Load(sp boids.Space, bs []boids.Boid) {
	s.sp, s.cur, s.old = sp, append([]boids.Boid(nil), bs...), append([]boids.Boid(nil), bs...)
}
func (s *backwards) Neighbors(id int, buf []boids.Boid) (boids.Boid, []boids.Boid) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queries++
	self := s.cur[id]
	for j, b := range s.cur {
		if s.queries%2 == 0 {
			b = s.old[j]
		}
		if j != id && s.sp.Delta(self.Pos, b.Pos).Len2() < s.sp.Radius*s.sp.Radius {
			buf = append(buf, b)
		}
	}
	return self, buf
}
func (s *backwards) Move(id int, b boids.Boid) {
	s.mu.Lock()
	s.old[id], s.cur[id] = s.cur[id], b
	s.mu.Unlock()
}
func (s *backwards) EndTick() {}
func (s *backwards) Read(dst []boids.Boid) []boids.Boid {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append(dst, s.cur...)
}
func (s *backwards) Close() {}

// staleSelf answers a boid's query with itself as it was at the start of
// the free run, as a frame-based design without per-boid records would.
type staleSelf struct {
	*boids.Mutex
	start []boids.Boid
}

func (s *staleSelf) SetFree(on bool) {
	if on {
		s.start = s.Mutex.Read(nil)
	}
}
func (s *staleSelf) Neighbors(id int, buf []boids.Boid) (boids.Boid, []boids.Boid) {
	_, buf = s.Mutex.Neighbors(id, buf)
	return s.start[id], buf
}
