// Package play runs an exercise's design: it registers the design next to
// the built-in ones and opens the game on it, or, built with -tags
// headless, runs the flock without a window and prints the overlay's
// figures once a second. Both take the boids command's flags.
package play

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/boids-project/boids/boids"
	"github.com/boids-project/boids/cmd/boids/cli"
)

// register adds d to the designs, unless a design already has its name.
func register(d boids.Design) {
	if err := boids.Register(d); err != nil {
		exit(2, err)
	}
}

// options registers d and parses the command line, d being the design to
// start with unless -strategy says otherwise. A bad flag exits with status
// 2 and one line; -h lists the flags and exits.
func options(d boids.Design) cli.Options {
	register(d)
	def := cli.Defaults()
	def.Strategy = d.Name
	def.Seed = uint64(time.Now().UnixNano())
	o, err := cli.Parse("go run .", os.Args[1:], os.Stderr, def)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		exit(2, err)
	}
	o.Log = os.Stderr
	return o
}

func exit(code int, err error) {
	fmt.Fprintln(os.Stderr, "workshop:", err)
	os.Exit(code)
}
