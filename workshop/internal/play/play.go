// Package play runs an exercise's design: it registers the design next to
// the built-in ones and opens the game on it, or, built with -tags
// headless, runs the flock without a window and prints the overlay's
// figures once a second.
package play

import (
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/boids-project/boids/boids"
)

// register adds d to the designs, unless a design already has its name.
func register(d boids.Design) {
	if slices.Contains(boids.DesignNames(), d.Name) {
		fmt.Fprintf(os.Stderr, "workshop: a design is already called %q (designs: %s)\n", d.Name, strings.Join(boids.DesignNames(), ", "))
		os.Exit(2)
	}
	boids.Register(d)
}

// parse parses the command line and exits with a one-line message on a bad
// flag; -h lists the flags.
func parse(fs *flag.FlagSet) {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(os.Args[1:]); err != nil {
		if err == flag.ErrHelp {
			fmt.Fprintln(os.Stderr, "Usage: go run . [flags]")
			fs.SetOutput(os.Stderr)
			fs.PrintDefaults()
			os.Exit(0)
		}
		fmt.Fprintf(os.Stderr, "workshop: %v (see -h)\n", err)
		os.Exit(2)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "workshop: unexpected argument %q: only flags are accepted (see -h)\n", fs.Arg(0))
		os.Exit(2)
	}
}
