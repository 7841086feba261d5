//go:build !workshop

// Command 03-stripes runs the flock on your striped design, selectable next
// to the built-in ones: go run .
package main

import (
	"github.com/boids-project/boids/boids"
	"github.com/boids-project/boids/workshop/internal/play"
)

func main() {
	play.Run(boids.Design{Name: "stripes", New: func() boids.Strategy { return NewStripes() }})
}
