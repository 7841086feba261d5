// Command boids opens a window in which a flock flies, every boid its own
// goroutine. See -h for the flags and README.md for the keys.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/boids-project/boids/cmd/boids/game"
)

func main() {
	opts, prof, err := parseFlags(os.Args[1:], os.Stderr, uint64(time.Now().UnixNano()))
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "boids:", err)
		os.Exit(2)
	}
	opts.Log = os.Stderr
	stop, err := prof.start()
	if err == nil {
		err = game.Run(opts)
	}
	if serr := stop(); err == nil {
		err = serr
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "boids:", err)
		os.Exit(1)
	}
}
