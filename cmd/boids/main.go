// Command boids opens a window in which a flock flies, every boid its own
// goroutine. See -h for the flags and README.md for the keys.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/boids-project/boids/cmd/boids/cli"
	"github.com/boids-project/boids/cmd/boids/game"
)

func main() {
	def := cli.Defaults()
	def.Seed = uint64(time.Now().UnixNano())
	opts, err := cli.Parse("boids", os.Args[1:], os.Stderr, def)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "boids:", err)
		os.Exit(2)
	}
	opts.Log = os.Stderr
	if err := game.Run(opts); err != nil {
		fmt.Fprintln(os.Stderr, "boids:", err)
		os.Exit(1)
	}
}
