package main

import (
	"bytes"
	"flag"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/boids-project/boids/boids"
	"github.com/boids-project/boids/cmd/boids/game"
)

const clockSeed = 4242

func TestParseFlags(t *testing.T) {
	def := game.DefaultOptions()
	def.Seed = clockSeed
	def.Procs = runtime.GOMAXPROCS(0)
	shot := filepath.Join(t.TempDir(), "x.png")
	with := func(edit func(*game.Options)) game.Options {
		o := def
		edit(&o)
		return o
	}
	csv := filepath.Join(t.TempDir(), "m.csv")
	tests := []struct {
		name string
		args []string
		want game.Options
		prof profiles
	}{
		{"defaults", nil, def, profiles{}},
		{"boids", []string{"-boids", "100000"}, with(func(o *game.Options) { o.Boids = 100000 }), profiles{}},
		{"strategy any case", []string{"-strategy", "MUTEX"}, with(func(o *game.Options) { o.Strategy = "mutex" }), profiles{}},
		{"seed", []string{"-seed", "7"}, with(func(o *game.Options) { o.Seed = 7 }), profiles{}},
		{"seed zero", []string{"-seed=0"}, with(func(o *game.Options) { o.Seed = 0 }), profiles{}},
		{"tps", []string{"-tps", "1000"}, with(func(o *game.Options) { o.TPS = 1000 }), profiles{}},
		{"procs", []string{"-procs", "1"}, with(func(o *game.Options) { o.Procs = 1 }), profiles{}},
		{"size", []string{"-size", "640X360"}, with(func(o *game.Options) { o.Width, o.Height = 640, 360 }), profiles{}},
		{"edges", []string{"-edges", "bounce"}, with(func(o *game.Options) { o.Edges = boids.Bounce }), profiles{}},
		{"frames", []string{"-frames", "30"}, with(func(o *game.Options) { o.Frames = 30 }), profiles{}},
		{"screenshot alone", []string{"-screenshot", shot}, with(func(o *game.Options) { o.Screenshot, o.Frames = shot, 120 }), profiles{}},
		{"screenshot with frames", []string{"-screenshot", shot, "-frames", "5"},
			with(func(o *game.Options) { o.Screenshot, o.Frames = shot, 5 }), profiles{}},
		{"no overlay", []string{"-overlay=false"}, with(func(o *game.Options) { o.Overlay = false }), profiles{}},
		{"cycle", []string{"-cycle", "20"}, with(func(o *game.Options) { o.Cycle = 20 * time.Second }), profiles{}},
		{"panel", []string{"-panel"}, with(func(o *game.Options) { o.Panel = true }), profiles{}},
		{"metrics csv", []string{"-metrics-csv", csv}, with(func(o *game.Options) { o.MetricsCSV = csv }), profiles{}},
		{"profiles", []string{"-cpuprofile", csv + ".cpu", "-trace", csv + ".trace", "-mutexprofile", csv + ".mutex",
			"-blockprofile", csv + ".block"}, def,
			profiles{cpu: csv + ".cpu", trace: csv + ".trace", mutex: csv + ".mutex", block: csv + ".block"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			got, prof, err := parseFlags(tt.args, &stderr, clockSeed)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.prof, prof)
			assert.Empty(t, stderr.String())
		})
	}
}

func TestParseFlagsErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string // the flag named and what it allows
	}{
		{[]string{"-boids", "0"}, "-boids: allowed a whole number 1..100000"},
		{[]string{"-boids", "100001"}, "-boids: allowed a whole number 1..100000"},
		{[]string{"-boids", "many"}, "-boids: allowed a whole number 1..100000"},
		{[]string{"-strategy", "spinlock"}, "-strategy: allowed mutex"},
		{[]string{"-seed", "-1"}, "-seed: allowed a whole number 0..18446744073709551615"},
		{[]string{"-tps", "0"}, "-tps: allowed a whole number 1..1000"},
		{[]string{"-tps", "1.5"}, "-tps: allowed a whole number 1..1000"},
		{[]string{"-procs", "257"}, "-procs: allowed a whole number 1..256"},
		{[]string{"-size", "63x720"}, "-size: allowed WxH with each side 64..16384"},
		{[]string{"-size", "1280"}, "-size: allowed WxH with each side 64..16384"},
		{[]string{"-size", "1280x16385"}, "-size: allowed WxH with each side 64..16384"},
		{[]string{"-edges", "torus"}, "-edges: allowed wrap, bounce"},
		{[]string{"-frames", "-1"}, "-frames: allowed a whole number 0..1073741824"},
		{[]string{"-screenshot", "shot.jpg"}, "-screenshot: allowed a file name ending in .png"},
		{[]string{"-screenshot", ".png"}, "-screenshot: allowed a file name ending in .png"},
		{[]string{"-screenshot", "no/such/folder/x.png"}, "-screenshot: folder no/such/folder does not exist"},
		{[]string{"-metrics-csv", "no/such/folder/m.csv"}, "-metrics-csv: folder no/such/folder does not exist"},
		{[]string{"-cpuprofile", ""}, "-cpuprofile: allowed a file name"},
		{[]string{"-trace", "no/such/folder/t.out"}, "-trace: folder no/such/folder does not exist"},
		{[]string{"-mutexprofile", "no/such/m.prof"}, "-mutexprofile: folder no/such does not exist"},
		{[]string{"-blockprofile", "no/such/b.prof"}, "-blockprofile: folder no/such does not exist"},
		{[]string{"-overlay=maybe"}, "-overlay"},
		{[]string{"-cycle", "-1"}, "-cycle: allowed a whole number 0..3600"},
		{[]string{"-speed", "3"}, "flag provided but not defined: -speed (see -h for the flags)"},
		{[]string{"1000"}, `unexpected argument "1000"`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var stderr bytes.Buffer
			_, _, err := parseFlags(tt.args, &stderr, clockSeed)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), "\n")
			assert.Empty(t, stderr.String(), "the caller prints the one line")
		})
	}
}

func TestParseFlagsHelp(t *testing.T) {
	var stderr bytes.Buffer
	_, _, err := parseFlags([]string{"-h"}, &stderr, clockSeed)
	require.ErrorIs(t, err, flag.ErrHelp)
	for _, f := range []string{"-boids N", "-strategy NAME", "-seed N", "-tps N", "-procs N", "-size WxH",
		"-edges wrap|bounce", "-frames N", "-screenshot FILE.png",
		"-metrics-csv FILE", "-cpuprofile FILE", "-trace FILE", "-mutexprofile FILE", "-blockprofile FILE", "-panel", "-overlay", "(default 2000)", "(default 1280x720)"} {
		assert.Contains(t, stderr.String(), f)
	}
}
