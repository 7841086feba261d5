package boids_test

import (
	"testing"

	"github.com/boids-project/boids/boids"
	"github.com/boids-project/boids/boids/boidstest"
)

func TestActors(t *testing.T) {
	boidstest.TestStrategy(t, func() boids.Strategy { return boids.NewActors() })
}
