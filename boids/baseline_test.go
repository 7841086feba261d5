package boids

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// bruteStep is one double-buffered tick by definition: every boid sees
// every other boid's old state within the view radius.
func bruteStep(p Params, old []Boid) []Boid {
	next := make([]Boid, len(old))
	r2 := p.Radius * p.Radius
	for i, self := range old {
		var nbrs []Boid
		for j, o := range old {
			if j != i && p.Delta(self.Pos, o.Pos).Len2() < r2 {
				nbrs = append(nbrs, o)
			}
		}
		next[i] = Step(&p, self, nbrs)
	}
	return next
}

func TestBaselinesStepLikeTheDefinition(t *testing.T) {
	defer goleak.VerifyNone(t)
	const n, ticks = 300, 5
	p := BenchParams(n)
	start := RandomBoids(p, n, newRand(7))
	want := start
	for range ticks {
		want = bruteStep(p, want)
	}
	for _, tc := range []struct {
		name    string
		workers int
	}{
		{Sequential, 1},
		{Workers, 1},
		{Workers, 3},
		{Workers, 7},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := NewBaseline(tc.name, p, start, tc.workers)
			require.NoError(t, err)
			defer b.Stop()
			for range ticks {
				b.Tick()
			}
			require.NoError(t, b.CheckCells())
			got := b.Boids(nil)
			require.Len(t, got, n)
			for i := range got {
				// Neighbour order differs from the brute force's, so float
				// sums may differ in their last bits.
				assert.InDelta(t, want[i].Pos.X, got[i].Pos.X, 1e-2, "boid %d", i)
				assert.InDelta(t, want[i].Pos.Y, got[i].Pos.Y, 1e-2, "boid %d", i)
				assert.InDelta(t, want[i].Vel.X, got[i].Vel.X, 1e-2, "boid %d", i)
				assert.InDelta(t, want[i].Vel.Y, got[i].Vel.Y, 1e-2, "boid %d", i)
			}
		})
	}
}

func TestBaselineRejectsBadInput(t *testing.T) {
	defer goleak.VerifyNone(t)
	p := BenchParams(10)
	boids := RandomBoids(p, 10, newRand(1))
	for _, tc := range []struct {
		name    string
		p       Params
		workers int
		want    string
	}{
		{"mutex", p, 2, `unknown baseline "mutex"`},
		{Workers, p, 0, "0 workers"},
		{Sequential, Params{}, 1, "world"},
	} {
		_, err := NewBaseline(tc.name, tc.p, boids, tc.workers)
		assert.ErrorContains(t, err, tc.want)
	}
}

func TestBaselinesAreNotDesigns(t *testing.T) {
	for _, name := range BaselineNames() {
		_, err := NewStrategy(name)
		assert.Error(t, err, name)
	}
}
