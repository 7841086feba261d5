//go:build !workshop

// Command 05-lockfree runs the flock on your snapshot design, selectable
// next to the built-in ones: go run .
package main

import (
	"github.com/boids-project/boids/boids"
	"github.com/boids-project/boids/workshop/internal/play"
)

func main() {
	play.Run(boids.Design{Name: "snapshot", New: func() boids.Strategy { return NewSnapshot() }})
}
