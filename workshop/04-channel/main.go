//go:build !workshop

// Command 04-channel runs the flock on your channel design, selectable next
// to the built-in ones: go run .
package main

import (
	"github.com/boids-project/boids/boids"
	"github.com/boids-project/boids/workshop/internal/play"
)

func main() {
	play.Run(boids.Design{Name: "mychannel", New: func() boids.Strategy { return NewChannel() }})
}
