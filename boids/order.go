package boids

import "math"

// Polarization is the flock's order parameter: the length of the mean unit
// heading, 1 when all boids fly the same way, near 0 when headings are random.
func Polarization(boids []Boid) float64 {
	var sx, sy float64
	n := 0
	for _, b := range boids {
		l := float64(b.Vel.Len())
		if l == 0 {
			continue
		}
		sx += float64(b.Vel.X) / l
		sy += float64(b.Vel.Y) / l
		n++
	}
	if n == 0 {
		return 0
	}
	return math.Hypot(sx, sy) / float64(n)
}
