package boids_test

import (
	"testing"

	"github.com/boids-project/boids/boids"
)

func TestMutex(t *testing.T) {
	boids.TestStrategy(t, func() boids.Strategy { return boids.NewMutex() })
}
