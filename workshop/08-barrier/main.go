//go:build !workshop

// Command 08-barrier runs your lock-step flock on the mutex design for a
// few seconds, then makes one boid's step fail: go run .
package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"time"

	"github.com/boids-project/boids/boids"
)

func main() {
	p := boids.DefaultParams(1280, 720)
	bs := boids.RandomBoids(p, 2000, rand.New(rand.NewPCG(1, 2)))
	f := Start(context.Background(), p, bs, boids.NewMutex(), Rules(p))
	start, ticks := time.Now(), 0
	for time.Since(start) < 3*time.Second {
		if err := f.Tick(); err != nil {
			fmt.Println("tick:", err)
			os.Exit(1)
		}
		ticks++
	}
	fmt.Printf("%d boids: %d ticks in 3 s (%.0f ticks/s, as fast as it goes)\n", len(bs), ticks, float64(ticks)/time.Since(start).Seconds())
	if err := f.Stop(); err != nil {
		fmt.Println("stop:", err)
	}

	boom := errors.New("boid 7 hit a wall")
	rules := Rules(p)
	f = Start(context.Background(), p, bs, boids.NewMutex(), func(ctx context.Context, id int, self boids.Boid, nbrs []boids.Boid) (boids.Boid, error) {
		if id == 7 {
			return self, boom
		}
		return rules(ctx, id, self, nbrs)
	})
	fmt.Println("with a failing boid, Tick says:", f.Tick())
	fmt.Println("and Stop says:", f.Stop())
}
