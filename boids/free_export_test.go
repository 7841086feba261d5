package boids

// FreeRoom is how many free boids may be inside their update at once.
const FreeRoom = freeRoom
