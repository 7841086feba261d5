package boids

// NewActorsUnordered is the actors design without the free regime's wait
// for moves on their way, for the test that shows the order check fails it.
func NewActorsUnordered() *Actors {
	a := NewActors()
	a.unordered = true
	return a
}
