package boids

import "math"

// Delta is the shortest vector from a to b: across the border when the
// world wraps, so that boids on opposite edges of a torus are neighbours.
func (s *Space) Delta(a, b Vec) Vec {
	d := b.Sub(a)
	if s.Edges == Wrap {
		d.X = wrapAxis(d.X, s.W, s.W/2)
		d.Y = wrapAxis(d.Y, s.H, s.H/2)
	}
	return d
}

// wrapAxis folds a difference along one axis of a torus of the given size
// into [-half, half], half being size/2. Delta is too big for the compiler to inline, so
// the per-candidate loops (Step, Query.Append) call this instead.
func wrapAxis(d, size, half float32) float32 {
	if d > half {
		return d - size
	}
	if d < -half {
		return d + size
	}
	return d
}

// Step applies Reynolds' three rules to one boid and returns its next
// state. nbrs are the boids within the view radius, self excluded (Step
// relies on it: it wraps differences only near the border); Step only reads
// them, so it is safe to call on a strategy's reply buffer.
func Step(p *Params, self Boid, nbrs []Boid) Boid {
	v := self.Vel
	if n := len(nbrs); n > 0 {
		// A neighbour is within the radius, so one can lie across the
		// border only when the boid is within the radius of an edge;
		// elsewhere Delta's wrap is the identity and is skipped (with a
		// margin of one unit for the rounding of the differences).
		m := p.Radius + 1
		var ali, coh, sep Vec
		if p.Edges == Wrap && !(self.Pos.X >= m && self.Pos.X <= p.W-m && self.Pos.Y >= m && self.Pos.Y <= p.H-m) {
			ali, coh, sep = sumsWrapped(nbrs, self.Pos, p)
		} else {
			ali, coh, sep = sums(nbrs, self.Pos, p.SepDist)
		}
		inv := 1 / float32(n)
		v = v.Add(ali.Scale(inv).Sub(v).Scale(p.Alignment))
		v = v.Add(coh.Scale(inv * p.Cohesion))
		v = v.Add(sep.Scale(p.Separation))
	}
	if p.Pull != 0 {
		v = v.Add(pointerPush(self.Pos, p))
	}
	if p.Edges == Bounce {
		v = v.Add(wallPush(self.Pos, p))
	}
	v = clampSpeed(v, p.MinSpeed, p.MaxSpeed)
	if !v.Finite() {
		v = Vec{p.MinSpeed, 0}
	}
	pos := self.Pos.Add(v)
	if p.Edges == Wrap {
		pos.X = wrap(pos.X, p.W)
		pos.Y = wrap(pos.Y, p.H)
	} else {
		pos.X, v.X = bounce(pos.X, v.X, p.W)
		pos.Y, v.Y = bounce(pos.Y, v.Y, p.H)
	}
	if !pos.Finite() {
		pos = Vec{p.W / 2, p.H / 2}
	}
	return Boid{Pos: pos, Vel: v}
}

// sums adds up over nbrs what the three rules need: their velocities
// (alignment), their offsets from pos (cohesion) and the separation push of
// those closer than sd. The sums are scalars rather than Vecs, and the
// wrapping case is a loop of its own (sumsWrapped): either way fewer values
// are live in the loop, which the compiler otherwise kept on the stack, on
// every neighbour. The arithmetic and its order are Vec's.
//
// Whether a neighbour is closer than sd is too random for the branch
// predictor (about a fifth are, in a gathered flock), and the test was the
// loop's costliest line, so the loop takes nbrs in chunks: a first pass
// adds alignment and cohesion and notes the close ones without a branch, a
// second pushes from those alone (those at distance 0 excepted, rare
// enough for a branch). The pushes are added in nbrs' order, as
// before, so the sums are the same to the last bit.
func sums(nbrs []Boid, pos Vec, sd float32) (ali, coh, sep Vec) {
	var ax, ay, cx, cy, sx, sy float32
	sd2 := sd * sd
	var near closeList
	for len(nbrs) > 0 {
		chunk := nbrs[:min(len(nbrs), len(near))]
		nbrs = nbrs[len(chunk):]
		m := uint(0)
		for i := range chunk {
			o := &chunk[i]
			dx, dy := o.Pos.X-pos.X, o.Pos.Y-pos.Y
			ax, ay = ax+o.Vel.X, ay+o.Vel.Y
			cx, cy = cx+dx, cy+dy
			near[m%uint(len(near))] = uint8(i)
			m += below(dx*dx+dy*dy, sd2)
		}
		for _, i := range near[:m] {
			o := &chunk[i]
			dx, dy := o.Pos.X-pos.X, o.Pos.Y-pos.Y
			if d2 := dx*dx + dy*dy; d2 > 0 {
				k := push(d2, sd)
				sx, sy = sx-dx*k, sy-dy*k
			}
		}
	}
	return Vec{ax, ay}, Vec{cx, cy}, Vec{sx, sy}
}

// closeList holds the indices, within a chunk of neighbours, of those that
// push: 64 bytes, small enough for a boid goroutine's stack.
type closeList [64]uint8

// below is 1 when d2 < sd2 and 0 otherwise, without a branch: the sign
// bit of d2-sd2 is set exactly then (a float subtraction of finite unequal
// numbers never rounds to zero).
func below(d2, sd2 float32) uint {
	return uint(math.Float32bits(d2-sd2) >> 31)
}

// sumsWrapped is sums with the offsets taken across a wrapping world's
// border (Delta's arithmetic).
func sumsWrapped(nbrs []Boid, pos Vec, p *Params) (ali, coh, sep Vec) {
	var ax, ay, cx, cy, sx, sy float32
	sd := p.SepDist
	sd2 := sd * sd
	hw, hh := p.W/2, p.H/2
	var near closeList
	for len(nbrs) > 0 {
		chunk := nbrs[:min(len(nbrs), len(near))]
		nbrs = nbrs[len(chunk):]
		m := uint(0)
		for i := range chunk {
			o := &chunk[i]
			dx, dy := wrapAxis(o.Pos.X-pos.X, p.W, hw), wrapAxis(o.Pos.Y-pos.Y, p.H, hh)
			ax, ay = ax+o.Vel.X, ay+o.Vel.Y
			cx, cy = cx+dx, cy+dy
			near[m%uint(len(near))] = uint8(i)
			m += below(dx*dx+dy*dy, sd2)
		}
		for _, i := range near[:m] {
			o := &chunk[i]
			dx, dy := wrapAxis(o.Pos.X-pos.X, p.W, hw), wrapAxis(o.Pos.Y-pos.Y, p.H, hh)
			if d2 := dx*dx + dy*dy; d2 > 0 {
				k := push(d2, sd)
				sx, sy = sx-dx*k, sy-dy*k
			}
		}
	}
	return Vec{ax, ay}, Vec{cx, cy}, Vec{sx, sy}
}

// push is the separation factor of a neighbour at squared distance d2
// (0 < d2 < sd²): the offset scaled by it is pushed away from, harder the
// closer the neighbour is. Boids at exactly the same point (d2 = 0) have no
// direction to push along and are separated by their differing velocities
// instead.
func push(d2, sd float32) float32 {
	dist := float32(math.Sqrt(float64(d2)))
	return (sd - dist) / (sd * dist)
}

// pointerPush steers a boid towards the user's pointer, or away from it:
// attraction is even over the reach, so the flock gathers round it; the
// predator's push grows as it gets closer, so the flock bursts apart.
func pointerPush(pos Vec, p *Params) Vec {
	d := p.Delta(pos, p.Pointer)
	d2 := d.Len2()
	if d2 >= p.Reach*p.Reach || d2 == 0 {
		return Vec{}
	}
	dist := d.Len()
	a := p.Pull * p.MaxSpeed
	if a < 0 {
		a *= 1 - dist/p.Reach
	}
	return d.Scale(a / dist)
}

// wallPush steers a boid away from the soft walls, more strongly the deeper
// it is inside the margin.
func wallPush(pos Vec, p *Params) Vec {
	m := p.Radius * 2
	turn := p.MaxSpeed * 0.05
	var a Vec
	if pos.X < m {
		a.X += turn * (1 - pos.X/m)
	} else if pos.X > p.W-m {
		a.X -= turn * (1 - (p.W-pos.X)/m)
	}
	if pos.Y < m {
		a.Y += turn * (1 - pos.Y/m)
	} else if pos.Y > p.H-m {
		a.Y -= turn * (1 - (p.H-pos.Y)/m)
	}
	return a
}

func clampSpeed(v Vec, lo, hi float32) Vec {
	s2 := v.Len2()
	switch {
	case s2 < 1e-12:
		// A boid at rest has no heading; give it one rather than divide by zero.
		if lo > 0 {
			return Vec{lo, 0}
		}
		return v
	case s2 > hi*hi:
		return v.WithLen(hi)
	case s2 < lo*lo:
		return v.WithLen(lo)
	}
	return v
}

// wrap maps x into [0, size). Speeds are capped below the world size, so one
// correction is enough; the final check catches float32 rounding to size.
func wrap(x, size float32) float32 {
	if x < 0 {
		x += size
	} else if x >= size {
		x -= size
	}
	if x >= size || x < 0 {
		return 0
	}
	return x
}

func bounce(x, v, size float32) (float32, float32) {
	if x < 0 {
		return -x, -v
	}
	if x >= size {
		x = 2*size - x
		if x >= size {
			x = size - 1e-3
		}
		return x, -v
	}
	return x, v
}
