package main

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// buildBoids compiles this command into a temporary folder.
func buildBoids(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "boids")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

// displayed runs bin on the display there is, or under xvfb-run.
func displayed(t *testing.T, ctx context.Context, bin string, args ...string) *exec.Cmd {
	t.Helper()
	if os.Getenv("DISPLAY") != "" {
		return exec.CommandContext(ctx, bin, args...)
	}
	xvfb, err := exec.LookPath("xvfb-run")
	if err != nil {
		t.Skip("no display: DISPLAY is not set and xvfb-run is not installed (make deps-test installs it)")
	}
	return exec.CommandContext(ctx, xvfb, append([]string{"-a", "-s", "-screen 0 1920x1080x24", bin}, args...)...)
}

func TestSmokeScreenshot(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the game for a few seconds")
	}
	bin := buildBoids(t)
	shot := filepath.Join(t.TempDir(), "frame.png")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// A slow clock keeps the flock spread out over the screen (flocks merge
	// over thousands of ticks) however slowly frames come on a busy machine.
	cmd := displayed(t, ctx, bin, "-boids", "2000", "-frames", "120", "-screenshot", shot, "-seed", "1", "-tps", "10")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Run(), "stderr: %s", stderr.String())
	assert.Contains(t, stderr.String(), "seed 1: 2000 boids")
	assert.Contains(t, stderr.String(), "frames: 120")

	f, err := os.Open(shot)
	require.NoError(t, err)
	defer f.Close()
	img, err := png.Decode(f)
	require.NoError(t, err)
	require.Equal(t, image.Rect(0, 0, 1280, 720), img.Bounds())

	// Boids are saturated colours; the background and the status text are
	// grey. 2000 triangles of about 15 pixels each, minus overlaps.
	const cells = 4
	var total int
	var perCell [cells][cells]int
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if saturated(img, x, y) {
				total++
				perCell[y*cells/b.Dy()][x*cells/b.Dx()]++
			}
		}
	}
	assert.Greater(t, total, 6000, "boid-coloured pixels")
	var filled int
	for _, row := range perCell {
		for _, n := range row {
			if n >= 50 {
				filled++
			}
		}
	}
	assert.GreaterOrEqual(t, filled, 12, "cells of a 4x4 partition holding boids: %v", perCell)
}

func saturated(img image.Image, x, y int) bool {
	r, g, b, _ := img.At(x, y).RGBA()
	hi, lo := max(r, g, b)>>8, min(r, g, b)>>8
	return hi >= 128 && hi-lo >= 64
}

func TestBadFlagExits2WithOneLine(t *testing.T) {
	bin := buildBoids(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := displayed(t, ctx, bin, "-boids", "0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	require.True(t, errors.As(err, &exit), "want an exit status, got %v", err)
	assert.Equal(t, 2, exit.ExitCode())
	assert.Equal(t, "boids: invalid value \"0\" for flag -boids: allowed a whole number 1..100000\n", stderr.String())
	assert.Equal(t, 1, strings.Count(stderr.String(), "\n"))
}
