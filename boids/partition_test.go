package boids_test

import (
	"fmt"
	"math/rand/v2"
	"runtime"
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
				require.Len(t, s.(boids.Regional).Regions(nil), s.(boids.Partitioned).Shards())
				require.NoError(t, boidstest.CheckMap(s, p.Space, before))
			}
		})
	}
}
