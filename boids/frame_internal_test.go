package boids

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bruteCount is how many boids lie strictly within the view radius of boid
// i, by Delta's arithmetic.
func bruteCount(sp Space, flock []Boid, i int) int {
	n := 0
	for j := range flock {
		if j != i && sp.Delta(flock[i].Pos, flock[j].Pos).Len2() < sp.Radius*sp.Radius {
			n++
		}
	}
	return n
}

// A frame's queries find exactly brute force's neighbours, in both kinds of
// world, borders included, and KernelWork counts them.
func TestFrameQueriesEqualBruteForce(t *testing.T) {
	for _, edges := range []Edges{Wrap, Bounce} {
		t.Run(edges.String(), func(t *testing.T) {
			p := DefaultParams(400, 300)
			p.Edges = edges
			flock := RandomBoids(p, 600, newRand(5))
			l := p.Space.Layout()
			var f frame
			f.sort(&l, flock, nil, make([]int32, len(flock)))
			require.NoError(t, f.check(&l))
			var buf []Boid
			total := 0
			for id := range flock {
				k := int(f.slot[id])
				require.Equal(t, flock[id], f.cells[k])
				buf = f.near(&l, f.cells[k], k, buf[:0])
				want := bruteCount(p.Space, flock, id)
				require.Len(t, buf, want, "boid %d", id)
				for _, b := range buf {
					require.Less(t, p.Delta(flock[id].Pos, b.Pos).Len2(), p.Radius*p.Radius)
				}
				total += want
			}
			cand, nbrs := KernelWork(p.Space, flock)
			assert.InDelta(t, float64(total)/float64(len(flock)), nbrs, 1e-9)
			assert.GreaterOrEqual(t, cand, nbrs)
		})
	}
}

// The frame's check rejects a boid in the wrong cell and a slot that
// disagrees with ids.
func TestFrameCheckRejectsBrokenFrames(t *testing.T) {
	p := DefaultParams(400, 300)
	flock := RandomBoids(p, 200, newRand(6))
	l := p.Space.Layout()
	fresh := func() *frame {
		var f frame
		f.sort(&l, flock, nil, make([]int32, len(flock)))
		return &f
	}
	f := fresh()
	f.cells[0].Pos.X += p.W / 2
	assert.ErrorContains(t, f.check(&l), "belongs in")
	f = fresh()
	f.ids[0], f.ids[1] = f.ids[1], f.ids[0]
	assert.ErrorContains(t, f.check(&l), "slot disagrees")
	f = fresh()
	f.start[len(f.start)-1]--
	assert.Error(t, f.check(&l))
}
