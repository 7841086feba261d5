package boids_test

import (
	"runtime"
	"strings"
	"testing"

	"github.com/boids-project/boids/boids"
	"github.com/boids-project/boids/boids/boidstest"
)

func TestActors(t *testing.T) {
	boidstest.TestStrategy(t, func() boids.Strategy { return boids.NewActors() })
}

// Without the wait, a goroutine shown a boid by one owner can be shown an
// older state of it by the next: the free suite must say so. A race shows
// it, so the broken design gets a few runs at GOMAXPROCS 4 to lose one.
func TestActorsFreeOrderNeedsTheWait(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	for try := range 20 {
		err := boidstest.FreeHammer(func() boids.Strategy { return boids.NewActorsUnordered() }, 160, 40)
		if err == nil {
			continue
		}
		if !strings.Contains(err.Error(), "out of order") {
			t.Fatalf("the unordered design failed, but not on the order check: %v", err)
		}
		t.Logf("run %d: %v", try+1, err)
		return
	}
	t.Fatal("20 free runs of actors without the wait passed the order check")
}
