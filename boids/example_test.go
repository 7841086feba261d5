package boids_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/boids-project/boids/boids"
)

// A flock of 500 goroutine-boids on the RWMutex design, stepped by hand.
func Example() {
	p := boids.DefaultParams(640, 360)
	start := boids.RandomBoids(p, 500, rand.New(rand.NewPCG(1, 1)))
	f, err := boids.NewFlock(p, start, boids.NewMutex())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Stop()
	for range 300 {
		f.Tick()
	}
	fmt.Println(f.Len(), "boids after", f.Ticks(), "ticks, ordered:", boids.Polarization(f.Boids(nil)) > 0.5)
	// Output: 500 boids after 300 ticks, ordered: true
}
