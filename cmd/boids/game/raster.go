package game

import (
	"encoding/binary"
	"image/color"
	"math"

	"github.com/boids-project/boids/boids"
)

// rasterFrom is the flock size from which the boids are drawn on the CPU
// into a pixel buffer, uploaded with one WritePixels, rather than as
// triangles. Under Xvfb, Mesa's software GL pays for every triangle, and
// the buffer's upload also replaces the full-screen fill: at 1280x720 on
// this 2-core machine the game spent 28-33 ms of CPU per frame with
// triangles at 500-2,000 boids, 37-40 at 5,000 and 46-48 at 10,000,
// against 20-24, 24-27 and 25-29 with the buffer (README, "Drawing").
// Cost alone would pick the buffer at every size here; below 5,000 the
// triangles are kept because they place a boid to a fraction of a pixel
// and point it exactly, which a sparse flock shows, and because on a
// machine with a hardware GPU the triangles are the GPU's work while the
// buffer always costs the CPU a copy of the whole screen per frame (not
// measured: this machine has only the software renderer).
const rasterFrom = 5000

// stampSteps is how many headings a boid's stamp is drawn for: 5.6
// degrees apart, which moves a 7-pixel boid's nose by under a quarter of a
// pixel. It divides hueSteps, so a boid's hue index gives its stamp.
const stampSteps = 64

// pixel is a premultiplied opaque colour as the screen stores it.
type pixel [4]byte

func toPixel(c rgb) pixel {
	b := func(v float32) byte { return byte(min(max(v, 0), 1)*255 + 0.5) }
	return pixel{b(c.r), b(c.g), b(c.b), 0xff}
}

func pixelOf(c color.Color) pixel {
	r, g, b, a := c.RGBA()
	return pixel{byte(r >> 8), byte(g >> 8), byte(b >> 8), byte(a >> 8)}
}

var (
	hueBytes = func() (t [hueSteps]pixel) {
		for i, c := range hues {
			t[i] = toPixel(c)
		}
		return t
	}()
	rateBytes = func() (t [rateSteps + 1]pixel) {
		for i, c := range rateColours {
			t[i] = toPixel(c)
		}
		return t
	}()
)

// stampPixel is one pixel of a stamp, relative to the boid's own pixel.
type stampPixel struct{ dx, dy int16 }

// stamps are a boid's triangle (the same as the GPU path's, see fill) as
// the pixels whose centres it covers, for each of stampSteps headings,
// with the boid at a pixel's centre. The boid's own pixel is always in.
type stamps struct {
	size float32
	by   [stampSteps][]stampPixel
}

func makeStamps(size float32) *stamps {
	s := &stamps{size: size}
	nose, tail, w := float64(noseLen*size), float64(tailLen*size), float64(halfW*size)
	reach := int(math.Ceil(max(nose, math.Hypot(tail, w))))
	for k := range s.by {
		a := float64(k) / stampSteps * 2 * math.Pi
		dx, dy := math.Cos(a), math.Sin(a)
		p := [3][2]float64{
			{dx * nose, dy * nose},
			{-dx*tail - dy*w, -dy*tail + dx*w},
			{-dx*tail + dy*w, -dy*tail - dx*w},
		}
		px := []stampPixel{{0, 0}}
		for y := -reach; y <= reach; y++ {
			for x := -reach; x <= reach; x++ {
				if (x != 0 || y != 0) && inTriangle(p, float64(x), float64(y)) {
					px = append(px, stampPixel{int16(x), int16(y)})
				}
			}
		}
		s.by[k] = px
	}
	return s
}

// inTriangle says whether (x, y) is inside or on the edge of triangle p,
// whichever way it winds.
func inTriangle(p [3][2]float64, x, y float64) bool {
	var pos, neg bool
	for i := range 3 {
		a, b := p[i], p[(i+1)%3]
		e := (b[0]-a[0])*(y-a[1]) - (b[1]-a[1])*(x-a[0])
		pos = pos || e > 1e-9
		neg = neg || e < -1e-9
	}
	return !(pos && neg)
}

// raster is the flock drawn on the CPU: the screen's pixels, and the
// background they start from each frame (the world and its letterbox
// bars). Both are remade only when the screen or the view changes, and
// the stamps' byte offsets only when the width or the size does, so a
// frame allocates nothing.
type raster struct {
	w, h   int
	v      view
	pix    []byte
	back   []byte
	stamps *stamps
	// offs are the stamps' pixels as byte offsets in a row of w pixels,
	// for the boids whose whole stamp is on the screen: those further
	// than reach pixels from every edge.
	offs      [stampSteps][]int
	offsWidth int
	reach     int
}

// rasterize draws bs into r.pix, a w x h screen, last boid on top as the
// triangles are, coloured as t says.
func (r *raster) rasterize(bs []boids.Boid, v view, w, h int, size float32, t tint) {
	if r.w != w || r.h != h || r.v != v {
		r.background(v, w, h)
	}
	if r.stamps == nil || r.stamps.size != size || r.offsWidth != w {
		if r.stamps == nil || r.stamps.size != size {
			r.stamps = makeStamps(size)
		}
		r.offsets(w)
	}
	copy(r.pix, r.back)
	pix := r.pix
	for i, b := range bs {
		x := int(math.Floor(float64(v.offX + b.Pos.X*v.scale)))
		y := int(math.Floor(float64(v.offY + b.Pos.Y*v.scale)))
		hue := hueIndex(b.Vel)
		c := hueBytes[hue]
		if t.rates != nil {
			c = rateBytes[t.rateStep(i)]
		}
		// Round the hue's heading to the nearest stamp's.
		k := (hue + hueSteps/stampSteps/2) * stampSteps / hueSteps % stampSteps
		if x >= r.reach && x < w-r.reach && y >= r.reach && y < h-r.reach {
			cu := binary.NativeEndian.Uint32(c[:])
			base := 4 * (y*w + x)
			for _, o := range r.offs[k] {
				binary.NativeEndian.PutUint32(pix[base+o:], cu)
			}
			continue
		}
		for _, p := range r.stamps.by[k] {
			px, py := x+int(p.dx), y+int(p.dy)
			if uint(px) < uint(w) && uint(py) < uint(h) {
				o := 4 * (py*w + px)
				copy(pix[o:o+4:o+4], c[:])
			}
		}
	}
}

// offsets turns the stamps into byte offsets for a screen w pixels wide.
func (r *raster) offsets(w int) {
	r.offsWidth, r.reach = w, 0
	for k, px := range r.stamps.by {
		r.offs[k] = r.offs[k][:0]
		for _, p := range px {
			r.offs[k] = append(r.offs[k], 4*(int(p.dy)*w+int(p.dx)))
			r.reach = max(r.reach, abs(int(p.dx)), abs(int(p.dy)))
		}
	}
}

func abs(x int) int { return max(x, -x) }

// background sizes the buffers for a w x h screen and paints the world's
// rectangle on the letterbox's colour, as the triangle path's fills do.
func (r *raster) background(v view, w, h int) {
	r.w, r.h, r.v = w, h, v
	if n := 4 * w * h; cap(r.pix) < n {
		r.pix, r.back = make([]byte, n), make([]byte, n)
	}
	r.pix, r.back = r.pix[:4*w*h], r.back[:4*w*h]
	x0, x1 := int(math.Round(float64(v.offX))), int(math.Round(float64(v.offX+v.worldW*v.scale)))
	y0, y1 := int(math.Round(float64(v.offY))), int(math.Round(float64(v.offY+v.worldH*v.scale)))
	world, bar := pixelOf(worldColor), pixelOf(backColor)
	for y := range h {
		for x := range w {
			c := bar
			if x >= x0 && x < x1 && y >= y0 && y < y1 {
				c = world
			}
			copy(r.back[4*(y*w+x):], c[:])
		}
	}
}
