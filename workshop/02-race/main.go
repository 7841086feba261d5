//go:build !workshop

// Command 02-race runs the flock on the racy design. Run it with the race
// detector:
//
//	go run -race .
//
// This is the only program that offers the racy design.
package main

import (
	"github.com/boids-project/boids/boids"
	"github.com/boids-project/boids/workshop/internal/play"
)

func main() {
	play.Run(boids.Design{Name: "racy", New: func() boids.Strategy { return NewRacy() }})
}
