package boids

import "math"

// Vec is a 2-D vector in world units (pixels). float32 keeps a boid's state
// in 16 bytes, so a grid cell's boids share cache lines.
type Vec struct{ X, Y float32 }

func (a Vec) Add(b Vec) Vec         { return Vec{a.X + b.X, a.Y + b.Y} }
func (a Vec) Sub(b Vec) Vec         { return Vec{a.X - b.X, a.Y - b.Y} }
func (a Vec) Scale(k float32) Vec   { return Vec{a.X * k, a.Y * k} }
func (a Vec) Dot(b Vec) float32     { return a.X*b.X + a.Y*b.Y }
func (a Vec) Len2() float32         { return a.X*a.X + a.Y*a.Y }
func (a Vec) Len() float32          { return float32(math.Sqrt(float64(a.Len2()))) }
func (a Vec) Finite() bool          { return finite(a.X) && finite(a.Y) }
func finite(f float32) bool         { return !math.IsNaN(float64(f)) && !math.IsInf(float64(f), 0) }
func (a Vec) Angle() float64        { return math.Atan2(float64(a.Y), float64(a.X)) }
func (a Vec) WithLen(l float32) Vec { return a.Scale(l / a.Len()) }

// Boid is one boid's whole state: where it is and where it is going (world
// units per tick).
type Boid struct {
	Pos, Vel Vec
}
