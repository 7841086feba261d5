package play

import (
	"bytes"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHeadless builds an exercise as a participant runs it without a
// window (-tags headless, no cgo) and runs it with the game's flags.
func TestHeadless(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "exercise")
	build := exec.Command("go", "build", "-tags", "headless", "-o", bin, "github.com/boids-project/boids/workshop/04-channel")
	build.Env = append(build.Environ(), "CGO_ENABLED=0")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "go build: %s", out)

	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string // a line of stderr; when code is 2, all of it
	}{
		{"flies", []string{"-strategy", "mutex", "-boids", "200", "-seed", "1", "-frames", "30"}, 0,
			"mutex: 200 boids", "seed 1: 200 boids, strategy mutex, world 1280x720 (wrap), 60 ticks/s"},
		{"bad value", []string{"-boids", "0"}, 2,
			"", "workshop: invalid value \"0\" for flag -boids: allowed a whole number 1..100000\n"},
		{"window only", []string{"-screenshot", filepath.Join(t.TempDir(), "x.png")}, 2,
			"", "workshop: -screenshot needs the window: build without -tags headless (xvfb-run -a go run . gives one without a display)\n"},
		{"help", []string{"-h"}, 0, "", "-strategy NAME\n    \tsynchronization design NAME: mutex, channel, lockfree, sharded, actors, mychannel (default mychannel)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(bin, tt.args...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			code := 0
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				code = exit.ExitCode()
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, tt.code, code, "stderr: %s", stderr.String())
			assert.Contains(t, stdout.String(), tt.stdout)
			if tt.code == 2 {
				assert.Equal(t, tt.stderr, stderr.String())
				assert.Equal(t, 1, strings.Count(stderr.String(), "\n"))
			} else {
				assert.Contains(t, stderr.String(), tt.stderr)
			}
		})
	}
}
