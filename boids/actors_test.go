package boids_test

import (
	"fmt"
	"testing"

	"github.com/boids-project/boids/boids"
	"github.com/boids-project/boids/boids/boidstest"
)

func TestActors(t *testing.T) {
	for _, n := range []int{1, 3, boids.DefaultShards, boids.MaxShards} {
		t.Run(shardsName(n), func(t *testing.T) {
			boidstest.TestStrategy(t, func() boids.Strategy {
				a := boids.NewActors()
				a.SetShards(n)
				return a
			})
		})
	}
}

func shardsName(n int) string { return fmt.Sprintf("shards=%d", n) }
