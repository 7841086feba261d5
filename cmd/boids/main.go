// Command boids opens a window in which a flock flies, every boid its own
// goroutine. See -h for the flags and README.md for the keys.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/boids-project/boids/cmd/boids/cli"
	"github.com/boids-project/boids/cmd/boids/game"
)

func main() {
	opts, code, done := cli.Command(os.Args[1:], os.Stderr)
	if done {
		os.Exit(code)
	}
	opts.Log = os.Stderr
	err := game.Run(opts)
	var intr cli.Interrupted
	switch {
	case errors.As(err, &intr):
		os.Exit(intr.ExitCode())
	case err != nil:
		fmt.Fprintln(os.Stderr, "boids:", err)
		os.Exit(1)
	}
}
