//go:build !headless

package play

import (
	"github.com/boids-project/boids/boids"
	"github.com/boids-project/boids/cmd/boids/game"
)

// Run registers d and opens the game on it; the built-in designs stay
// selectable with the number keys and Tab.
func Run(d boids.Design) {
	if err := game.Run(options(d)); err != nil {
		exit(1, err)
	}
}
