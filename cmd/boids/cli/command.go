package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"time"
)

// Command parses the boids command's line, with its defaults and the seed
// from the clock. When the program should end at once it reports done and
// the exit status, having written what there is to say on stderr: 0 after
// -h (the flags), 2 after a bad flag (one line).
func Command(args []string, stderr io.Writer) (o Options, code int, done bool) {
	def := Defaults()
	def.Seed = uint64(time.Now().UnixNano())
	o, err := Parse("boids", args, stderr, def)
	if errors.Is(err, flag.ErrHelp) {
		return o, 0, true
	}
	if err != nil {
		fmt.Fprintln(stderr, "boids:", err)
		return o, 2, true
	}
	return o, 0, false
}
