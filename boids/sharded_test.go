package boids_test

import (
	"testing"

	"github.com/boids-project/boids/boids"
	"github.com/boids-project/boids/boids/boidstest"
)

func TestSharded(t *testing.T) {
	for _, n := range []int{1, 3, boids.DefaultShards, boids.MaxShards} {
		t.Run(shardsName(n), func(t *testing.T) {
			boidstest.TestStrategy(t, func() boids.Strategy {
				s := boids.NewSharded()
				s.SetShards(n)
				return s
			})
		})
	}
}
