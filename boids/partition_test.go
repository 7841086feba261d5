package boids_test

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/boids-project/boids/boids"
	"github.com/boids-project/boids/boids/boidstest"
)

// partitioned are the designs that split the map, made with n parts.
var partitioned = []struct {
	name string
	new  func(n int) boids.Strategy
}{
	{"sharded", func(n int) boids.Strategy { s := boids.NewSharded(); s.SetShards(n); return s }},
	{"actors", func(n int) boids.Strategy { a := boids.NewActors(); a.SetShards(n); return a }},
}

// TestPartitionCounts runs real flocks at shard counts other than the
// default one the conformance suite uses: one band (no border at all), few
// tall bands, and bands one row high (every query and move at a border),
// checking the map against brute force as the flock runs, with walls and
// with wrap-around (where the first and last bands are neighbours).
func TestPartitionCounts(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	for _, d := range partitioned {
		for _, n := range []int{1, 2, 3, boids.MaxShards} {
			for _, edges := range []boids.Edges{boids.Wrap, boids.Bounce} {
				t.Run(fmt.Sprintf("%s/shards=%d/%s", d.name, n, edges), func(t *testing.T) {
					p := boids.DefaultParams(480, 320)
					p.Edges = edges
					f, err := boids.NewFlock(p, boids.RandomBoids(p, 300, rand.New(rand.NewPCG(uint64(n), 9))), d.new(n))
					require.NoError(t, err)
					defer f.Stop()
					for tick := range 60 {
						f.Tick()
						if tick%10 == 9 {
							require.NoError(t, boidstest.CheckMap(f.Strategy(), p.Space, nil), "tick %d", tick)
						}
					}
				})
			}
		}
	}
}

// TestPartitionSetShards changes the count on a running flock the way the
// game does (SetShards, then a reload) and requires the exact state to be
// handed over and the new layout to be in force.
func TestPartitionSetShards(t *testing.T) {
	for _, d := range partitioned {
		t.Run(d.name, func(t *testing.T) {
			p := boids.DefaultParams(480, 320)
			s := d.new(2)
			f, err := boids.NewFlock(p, boids.RandomBoids(p, 200, rand.New(rand.NewPCG(1, 9))), s)
			require.NoError(t, err)
			defer f.Stop()
			for _, n := range []int{5, 1, 1000, 3} {
				f.Tick()
				before := f.Boids(nil)
				s.(boids.Partitioned).SetShards(n)
				f.SetStrategy(s)
				require.Equal(t, before, f.Boids(nil), "state after changing to %d shards", n)
				rows := 320 / 28
				require.Equal(t, min(boids.ClampShards(n), rows), s.(boids.Partitioned).Shards())
				require.Equal(t, boids.BandsFor(p.Space, n), s.(boids.Partitioned).Shards(), "BandsFor says what runs")
				require.Len(t, s.(boids.Regional).Regions(nil), s.(boids.Partitioned).Shards())
				require.NoError(t, boidstest.CheckMap(s, p.Space, before))
			}
		})
	}
}

// TestSimShards changes the shard setting of a running simulation: the
// partitioned design in use is reloaded with as many bands as the grid
// allows, the next design switched to gets the setting too, and a
// non-partitioned design keeps it for later.
func TestSimShards(t *testing.T) {
	log := &logLines{}
	s, err := boids.NewSim(boids.Config{
		Params: boids.DefaultParams(480, 320), Boids: 300, Seed: 1, TPS: 200, Strategy: "sharded", Shards: 2, Log: log.add,
	})
	require.NoError(t, err)
	defer s.Stop()
	r := s.NewReader()
	eventually(t, r, func(sn *boids.Snapshot) bool { return sn.Shards == 2 && len(sn.Regions) == 2 }, "two bands from the config")
	s.SetShards(5)
	eventually(t, r, func(sn *boids.Snapshot) bool {
		return sn.Shards == 5 && len(sn.Regions) == 5 && boids.BandsFor(sn.Params.Space, sn.Shards) == 5
	}, "five bands")
	require.True(t, log.has("shards: 2 -> 5"))
	s.SetStrategy("mutex")
	eventually(t, r, func(sn *boids.Snapshot) bool { return sn.Strategy == "mutex" && len(sn.Regions) == 1 }, "one region for mutex")
	s.SetShards(1000)
	s.SetStrategy("actors")
	eventually(t, r, func(sn *boids.Snapshot) bool {
		return sn.Strategy == "actors" && sn.Shards == boids.MaxShards && len(sn.Regions) == 320/28 && boids.BandsFor(sn.Params.Space, sn.Shards) == 320/28
	}, "actors with a band per row: the setting clamped to 64, the grid has 11 rows")
	require.True(t, log.has("shards: 5 -> 64"))

	_, err = boids.NewSim(boids.Config{Params: boids.DefaultParams(480, 320), Boids: 10, TPS: 60, Strategy: "sharded", Shards: -1})
	require.ErrorContains(t, err, "-1 shards: allowed 1..64")
}

// bandBlind is a broken sharded design: its queries keep only the
// neighbours in the asker's own band, as a design that locked and scanned
// one band would. The checks above must reject it.
type bandBlind struct {
	*boids.Sharded
	sp boids.Space
	n  int
}

func (b *bandBlind) Load(sp boids.Space, bs []boids.Boid) { b.sp = sp; b.Sharded.Load(sp, bs) }

func (b *bandBlind) band(p boids.Vec) int {
	_, rows := b.sp.Cells()
	row := min(max(int(p.Y/(b.sp.H/float32(rows))), 0), rows-1)
	n := min(b.n, rows)
	for k := n - 1; k > 0; k-- {
		if row >= k*rows/n {
			return k
		}
	}
	return 0
}

func (b *bandBlind) Neighbors(id int, buf []boids.Boid) (boids.Boid, []boids.Boid) {
	self, nbrs := b.Sharded.Neighbors(id, buf)
	own := nbrs[:0]
	for _, o := range nbrs {
		if b.band(o.Pos) == b.band(self.Pos) {
			own = append(own, o)
		}
	}
	return self, own
}

// TestPartitionChecksFail shows that the checks the partitioned designs
// pass can fail: a design blind across band borders is caught by the
// brute-force comparison on the first state it is given.
func TestPartitionChecksFail(t *testing.T) {
	p := boids.DefaultParams(480, 320)
	s := boids.NewSharded()
	s.SetShards(4)
	blind := &bandBlind{Sharded: s, n: 4}
	bs := boids.RandomBoids(p, 300, rand.New(rand.NewPCG(4, 4)))
	blind.Load(p.Space, bs)
	require.NoError(t, boidstest.CheckMap(s, p.Space, bs), "the design itself, on the same boids")
	err := boidstest.CheckMap(blind, p.Space, bs)
	require.Error(t, err)
	require.Contains(t, err.Error(), "brute force")
}

// TestPartitionFree runs the partitioned designs with no tick barrier, as
// the free-running regime does (told so, if they ask to be): every boid's goroutine loops query, rules,
// move, while another goroutine reads the picture, the counters and the
// regions all the time, under the race detector. Every picture must hold
// every boid, inside the world; once the boids stop, the map must hold
// exactly the states they last wrote and agree with brute force, and every
// move must have been counted once.
func TestPartitionFree(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	const n, updates = 200, 60
	for _, d := range partitioned {
		for _, shards := range []int{1, 3, boids.MaxShards} {
			t.Run(fmt.Sprintf("%s/shards=%d", d.name, shards), func(t *testing.T) {
				p := boids.DefaultParams(480, 320)
				s := d.new(shards)
				defer s.Close()
				start := boids.RandomBoids(p, n, rand.New(rand.NewPCG(uint64(shards), 5)))
				s.Load(p.Space, start)
				if fr, ok := s.(boids.FreeRunning); ok {
					fr.SetFree(true)
				}
				last := make([]boids.Boid, n)
				var boidsDone sync.WaitGroup
				for id := range n {
					boidsDone.Go(func() {
						var buf []boids.Boid
						for range updates {
							self, nbrs := s.Neighbors(id, buf[:0])
							buf = nbrs
							s.Move(id, boids.Step(&p, self, nbrs))
						}
						last[id], _ = s.Neighbors(id, nil)
					})
				}
				stop := make(chan struct{})
				readerDone := make(chan error, 1)
				go func() {
					var pic []boids.Boid
					for {
						pic = s.Read(pic[:0])
						if len(pic) != n {
							readerDone <- fmt.Errorf("a picture of %d boids, want %d", len(pic), n)
							return
						}
						for i, b := range pic {
							if !b.Pos.Finite() || b.Pos.X < 0 || b.Pos.X >= p.W || b.Pos.Y < 0 || b.Pos.Y >= p.H {
								readerDone <- fmt.Errorf("boid %d pictured at %+v, which no boid writes", i, b)
								return
							}
						}
						s.(boids.Counting).Counters()
						s.(boids.Regional).Regions(nil)
						select {
						case <-stop:
							readerDone <- nil
							return
						default:
						}
					}
				}()
				boidsDone.Wait()
				close(stop)
				require.NoError(t, <-readerDone)
				require.NoError(t, boidstest.CheckMap(s, p.Space, last))
				c := s.(boids.Counting).Counters()
				require.Equal(t, uint64(n*updates), c.Writes, "every move counted once")
			})
		}
	}
}
