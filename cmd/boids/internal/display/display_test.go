package display

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fake is an environment with a missing display, recording what it does.
type fake struct {
	env            map[string]string
	stdout, stderr bytes.Buffer
	xvfb           string
	execed         []string
}

func (f *fake) environment(mainPath string, args ...string) environment {
	return environment{
		args:     args,
		getenv:   func(k string) string { return f.env[k] },
		stdout:   &f.stdout,
		stderr:   &f.stderr,
		lookPath: func(string) string { return f.xvfb },
		exec: func(argv0 string, argv []string, _ []string) error {
			f.execed = argv
			return errors.New("exec refused by the test")
		},
		mainPath: mainPath,
	}
}

var noDisplay = errors.New("DISPLAY is not set")

func TestBoidsCommandWithoutDisplay(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string // the start of stderr
	}{
		{[]string{"-h"}, 0, "Usage: boids [flags]\n"},
		{[]string{"-boids", "0"}, 2, "boids: invalid value \"0\" for flag -boids: allowed a whole number 1..100000\n"},
		{[]string{"-nosuchflag"}, 2, "boids: flag provided but not defined: -nosuchflag (see -h for the flags)\n"},
		{nil, 1, "boids: no display: DISPLAY is not set (on a headless machine, run under xvfb-run -a)\n"},
		{[]string{"-boids", "10"}, 1, "boids: no display: DISPLAY is not set"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			f := &fake{}
			code := f.environment(boidsCmd, append([]string{"/bin/boids"}, tt.args...)...).missing(noDisplay)
			assert.Equal(t, tt.code, code)
			assert.True(t, strings.HasPrefix(f.stderr.String(), tt.want), "stderr: %s", f.stderr.String())
			if tt.code != 0 {
				assert.Equal(t, 1, strings.Count(f.stderr.String(), "\n"), "one line")
			}
			assert.Empty(t, f.stdout.String())
		})
	}
}

// Another program's flags are its own business: it only learns that there
// is no display.
func TestOtherProgramWithoutDisplay(t *testing.T) {
	f := &fake{}
	code := f.environment("github.com/boids-project/boids/workshop/03-stripes", "/tmp/x/03-stripes", "-h").missing(noDisplay)
	assert.Equal(t, 1, code)
	assert.Equal(t, "boids: no display: DISPLAY is not set (on a headless machine, run under xvfb-run -a)\n", f.stderr.String())
}

func TestTestBinaryRestartsUnderXvfb(t *testing.T) {
	f := &fake{xvfb: "/usr/bin/xvfb-run", env: map[string]string{}}
	e := f.environment("", "/tmp/game.test", "-test.run", "X")
	e.pid = 4242
	code := e.missing(noDisplay)
	assert.Equal(t, []string{"/usr/bin/xvfb-run", "-a", "-n", "342", "/tmp/game.test", "-test.run", "X"}, f.execed,
		"test binaries side by side start looking for a free display at numbers of their own")
	assert.Equal(t, 1, code, "an exec that returns has failed")
	assert.Contains(t, f.stderr.String(), "exec refused by the test")
}

// A test binary that cannot run its tests says so: "[no tests to run]" in
// go test's summary, and a failure under CI.
func TestTestBinaryWithoutDisplayDoesNotPass(t *testing.T) {
	for _, tt := range []struct {
		name string
		env  map[string]string
		xvfb string
		code int
		out  string
	}{
		{"no xvfb", map[string]string{}, "", 0,
			"--- SKIP: no display (DISPLAY is not set) and no xvfb-run to make one; install xvfb (make deps-test)\n" +
				"testing: warning: no tests to run\nPASS\n"},
		{"no xvfb under CI", map[string]string{"CI": "true"}, "", 1,
			"--- FAIL: no display (DISPLAY is not set) and no xvfb-run to make one; install xvfb (make deps-test): " +
				"no test of this package ran, and CI is set\nFAIL\n"},
		{"xvfb failed", map[string]string{reexec: "1"}, "/usr/bin/xvfb-run", 0,
			"--- SKIP: no display under xvfb-run: DISPLAY is not set\ntesting: warning: no tests to run\nPASS\n"},
		{"xvfb failed under CI", map[string]string{reexec: "1", "CI": "1"}, "/usr/bin/xvfb-run", 1,
			"--- FAIL: no display under xvfb-run: DISPLAY is not set: no test of this package ran, and CI is set\nFAIL\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := &fake{env: tt.env, xvfb: tt.xvfb}
			code := f.environment(boidsCmd, "/tmp/game.test").missing(noDisplay)
			require.Nil(t, f.execed, "no second restart")
			assert.Equal(t, tt.code, code)
			assert.Equal(t, tt.out, f.stdout.String())
		})
	}
}

func TestAuthNoiseDropsOnlyTheAuthorityLines(t *testing.T) {
	var out bytes.Buffer
	w := authNoise{&out}
	for _, l := range []string{
		"XGB: conn.go:47: Could not get authority info: open /x: no such file or directory\n",
		"XGB: conn.go:48: Trying connection without authority info...\n",
		"XGB: xgb.go:419: A write error is unrecoverable: EOF\n",
	} {
		n, err := w.Write([]byte(l))
		require.NoError(t, err)
		assert.Equal(t, len(l), n)
	}
	assert.Equal(t, "XGB: xgb.go:419: A write error is unrecoverable: EOF\n", out.String())
}
