package game

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/boids-project/boids/boids"
)

// at is the colour of pixel (x, y) of a w-wide screen.
func at(pix []byte, w, x, y int) pixel {
	o := 4 * (y*w + x)
	return pixel(pix[o : o+4])
}

// screenPoint is where world point p falls on the screen, d pixels along
// heading vel.
func screenPoint(v view, p, vel boids.Vec, d float32) (int, int) {
	dir := vel.WithLen(1)
	x := v.offX + p.X*v.scale + dir.X*d
	y := v.offY + p.Y*v.scale + dir.Y*d
	return int(math.Floor(float64(x))), int(math.Floor(float64(y)))
}

// checkPicture says what is wrong with pix as the picture of bs, boids
// drawn at size 1 and far enough apart that none covers another: each
// boid's own pixel has its heading's colour, the pixels of that colour
// around it reach at least 2 pixels ahead of it and at most 3 behind (the
// nose is 4.5 long, the tail 2.5, and a thin nose tip may cover no pixel's
// centre), and every pixel more than 8 pixels from every boid is
// background: the world's colour inside it, the bars' outside.
func checkPicture(pix []byte, w, h int, bs []boids.Boid, v view) error {
	world, bar := pixelOf(worldColor), pixelOf(backColor)
	var errs []error
	for i, b := range bs {
		want := hueBytes[hueIndex(b.Vel)]
		bx, by := screenPoint(v, b.Pos, b.Vel, 0)
		if got := at(pix, w, bx, by); got != want {
			errs = append(errs, fmt.Errorf("boid %d: its pixel (%d,%d) is %v; its colour is %v", i, bx, by, got, want))
			continue
		}
		dir := b.Vel.WithLen(1)
		var ahead, behind float32
		for y := max(0, by-6); y <= min(h-1, by+6); y++ {
			for x := max(0, bx-6); x <= min(w-1, bx+6); x++ {
				if at(pix, w, x, y) == want {
					d := float32(x-bx)*dir.X + float32(y-by)*dir.Y
					ahead, behind = max(ahead, d), max(behind, -d)
				}
			}
		}
		if ahead < 2 || behind > 3 {
			errs = append(errs, fmt.Errorf("boid %d: drawn %.1f pixels ahead and %.1f behind, not along its heading", i, ahead, behind))
		}
	}
	for y := range h {
		for x := range w {
			near := false
			for _, b := range bs {
				bx, by := screenPoint(v, b.Pos, b.Vel, 0)
				near = near || max(abs(x-bx), abs(y-by)) <= 8
			}
			if near {
				continue
			}
			want := bar
			if float32(x) >= v.offX && float32(x) < v.offX+v.worldW*v.scale && float32(y) >= v.offY && float32(y) < v.offY+v.worldH*v.scale {
				want = world
			}
			if got := at(pix, w, x, y); got != want {
				errs = append(errs, fmt.Errorf("pixel (%d,%d), away from every boid, is %v, not the background %v", x, y, got, want))
			}
		}
	}
	return errors.Join(errs...)
}

// sparseFlock is boids 24 world units apart, each heading its own way, in
// a 240x120 world.
func sparseFlock() []boids.Boid {
	var bs []boids.Boid
	for y := float32(12); y < 120; y += 24 {
		for x := float32(12); x < 240; x += 24 {
			a := float64(len(bs)) * 0.7
			bs = append(bs, boids.Boid{Pos: boids.Vec{X: x + 0.3, Y: y + 0.6}, Vel: boids.Vec{X: float32(math.Cos(a)), Y: float32(math.Sin(a))}})
		}
	}
	return bs
}

func TestRasterDrawsBoidsWhereTheyAre(t *testing.T) {
	bs := sparseFlock()
	// A screen taller than the world: bars above and below it.
	const w, h = 240, 160
	v := fit(240, 120, w, h)
	var r raster
	r.rasterize(bs, v, w, h, 1, tint{})
	require.Len(t, r.pix, 4*w*h)
	assert.NoError(t, checkPicture(r.pix, w, h, bs, v))

	// The check rejects deliberately wrong renderers.
	wrong := map[string]func() []byte{
		"nothing drawn": func() []byte { return r.back },
		"upside down": func() []byte {
			flipped := make([]boids.Boid, len(bs))
			for i, b := range bs {
				flipped[i] = boids.Boid{Pos: boids.Vec{X: b.Pos.X, Y: 120 - b.Pos.Y}, Vel: b.Vel}
			}
			var bad raster
			bad.rasterize(flipped, v, w, h, 1, tint{})
			return bad.pix
		},
		"pointing backwards": func() []byte {
			back := make([]boids.Boid, len(bs))
			for i, b := range bs {
				back[i] = boids.Boid{Pos: b.Pos, Vel: b.Vel.Scale(-1)}
			}
			var bad raster
			bad.rasterize(back, v, w, h, 1, tint{})
			return bad.pix
		},
		"no letterbox": func() []byte {
			var bad raster
			bad.rasterize(bs, view{scale: v.scale, offY: v.offY, worldW: 240, worldH: 160}, w, h, 1, tint{})
			return bad.pix
		},
	}
	for name, draw := range wrong {
		assert.Error(t, checkPicture(draw(), w, h, bs, v), name)
	}
}

// Drawn as triangles below rasterFrom boids, on the CPU from there on; the
// crowded picture still has every boid's pixel lit and the empty half of
// the world dark.
func TestCrowdedFlockIsDrawnOnTheCPU(t *testing.T) {
	const side = 64
	v := fit(side, side, side, side)
	rng := rand.New(rand.NewPCG(1, 2))
	bs := make([]boids.Boid, rasterFrom)
	for i := range bs {
		// The left half, far enough from the middle for the noses.
		bs[i] = boids.Boid{
			Pos: boids.Vec{X: 4 + rng.Float32()*(side/2-12), Y: rng.Float32() * side},
			Vel: boids.Vec{X: rng.Float32() - 0.5, Y: rng.Float32() - 0.5},
		}
	}
	screen := ebiten.NewImage(side, side)
	defer screen.Deallocate()
	r := newFlockRenderer()
	r.draw(screen, bs[:rasterFrom-1], v, 1, tint{})
	assert.Nil(t, r.raster.pix, "a flock under rasterFrom is drawn as triangles")
	r.draw(screen, bs, v, 1, tint{})
	require.Len(t, r.raster.pix, 4*side*side, "a flock of rasterFrom is drawn on the CPU")
	assert.NoError(t, checkCrowded(r.raster.pix, side, bs, v))

	var shifted raster
	shifted.rasterize(bs, view{scale: 1, offX: side / 2, worldW: side, worldH: side}, side, side, 1, tint{})
	assert.Error(t, checkCrowded(shifted.pix, side, bs, v), "a picture drawn half a screen to the right")
}

// checkCrowded checks a side x side picture of bs, all in the left half:
// each boid's own pixel is not the world's colour, and the right half is.
func checkCrowded(pix []byte, side int, bs []boids.Boid, v view) error {
	world := pixelOf(worldColor)
	for i, b := range bs {
		if x, y := screenPoint(v, b.Pos, b.Vel, 0); at(pix, side, x, y) == world {
			return fmt.Errorf("boid %d at (%d,%d) is not drawn", i, x, y)
		}
	}
	for y := range side {
		for x := side / 2; x < side; x++ {
			if got := at(pix, side, x, y); got != world {
				return fmt.Errorf("pixel (%d,%d) in the empty half is %v", x, y, got)
			}
		}
	}
	return nil
}

func TestRasterColoursByRate(t *testing.T) {
	bs := sparseFlock()[:3]
	rates := []float32{0, 10, 40} // starved, at the median, fast
	const w, h = 240, 120
	v := fit(240, 120, w, h)
	var r raster
	r.rasterize(bs, v, w, h, 1, tint{rates: rates, median: 10})
	for i, want := range []pixel{rateBytes[0], rateBytes[rateSteps/2], rateBytes[rateSteps]} {
		x, y := screenPoint(v, bs[i].Pos, bs[i].Vel, 0)
		assert.Equal(t, want, at(r.pix, w, x, y), "boid %d", i)
	}
}

func TestRasterAllocatesNothingOnceSized(t *testing.T) {
	big := boids.RandomBoids(boids.DefaultParams(1280, 720), 20000, rand.New(rand.NewPCG(1, 2)))
	v := fit(1280, 720, 1280, 720)
	var r raster
	r.rasterize(big, v, 1280, 720, 1, tint{})
	allocs := testing.AllocsPerRun(10, func() { r.rasterize(big[:5000], v, 1280, 720, 1, tint{}); r.rasterize(big, v, 1280, 720, 1, tint{}) })
	assert.Zero(t, allocs)
}

// Every heading's stamp holds the boid's own pixel and covers about the
// triangle's area (7 x 5 / 2 pixels at size 1, four times that at 2).
func TestStamps(t *testing.T) {
	for _, size := range []float32{1, 2} {
		s := makeStamps(size)
		area := float64(size*size) * (noseLen + tailLen) * halfW
		for k, px := range s.by {
			assert.Contains(t, px, stampPixel{0, 0}, "size %g heading %d", size, k)
			assert.InDelta(t, area, float64(len(px)), area*0.5, "size %g heading %d", size, k)
		}
	}
}

// BenchmarkRaster is the CPU side of a frame drawn on the CPU: the
// background copied, then every boid stamped.
func BenchmarkRaster(b *testing.B) {
	for _, c := range []struct {
		boids, w, h int
	}{{20000, 64, 64}, {100000, 64, 64}, {20000, 1280, 720}, {100000, 1280, 720}} {
		b.Run(fmt.Sprintf("%d-boids-%dx%d", c.boids, c.w, c.h), func(b *testing.B) {
			bs := boids.RandomBoids(boids.DefaultParams(float32(c.w), float32(c.h)), c.boids, rand.New(rand.NewPCG(1, 2)))
			v := fit(float32(c.w), float32(c.h), c.w, c.h)
			var r raster
			b.ReportAllocs()
			for b.Loop() {
				r.rasterize(bs, v, c.w, c.h, 1, tint{})
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(c.boids), "ns/boid")
		})
	}
}

// A boid at a screen's edge is drawn as the same boid in the middle of a
// larger screen, cut at the edge: the clipped path agrees with the fast
// one, and neither writes outside its screen.
func TestRasterClipsAtTheEdges(t *testing.T) {
	const small, big, shift = 12, 40, 14
	var edge, middle raster
	for y := -6; y < small+6; y++ {
		for x := -6; x < small+6; x++ {
			for _, vel := range []boids.Vec{{X: 1}, {X: -1, Y: 1}, {Y: -1}} {
				p := boids.Vec{X: float32(x) + 0.5, Y: float32(y) + 0.5}
				edge.rasterize([]boids.Boid{{Pos: p, Vel: vel}}, fit(small, small, small, small), small, small, 1, tint{})
				middle.rasterize([]boids.Boid{{Pos: p.Add(boids.Vec{X: shift, Y: shift}), Vel: vel}}, fit(big, big, big, big), big, big, 1, tint{})
				for py := range small {
					for px := range small {
						require.Equal(t, at(middle.pix, big, px+shift, py+shift), at(edge.pix, small, px, py),
							"boid at (%d,%d) heading %v, pixel (%d,%d)", x, y, vel, px, py)
					}
				}
			}
		}
	}
}
