package boids_test

import (
	"testing"

	"go.uber.org/goleak"
)

// Every test in the package must leave no goroutine behind: boids, owners
// and clocks all end when their flock, strategy or sim is stopped.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
