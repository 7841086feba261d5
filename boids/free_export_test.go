package boids

import "time"

// FreeRoom is how many free boids may be inside their update at once.
const FreeRoom = freeRoom

// PacerSlots is how many slots pace n free boids at rate updates a second.
func PacerSlots(rate float64, n int) int {
	return slotCount(time.Duration(float64(time.Second)/rate), n)
}
