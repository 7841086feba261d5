// Package display makes a missing display a one-line message instead of a
// panic. Ebiten v2.8 initializes GLFW in an init function and panics when
// there is no X display. Go initializes the ready packages in import-path
// order, and this one (github.com/boids-project/...) sorts before Ebiten's
// (github.com/hajimehoshi/...) and imports only packages Ebiten's also
// needs, so its init runs first. Import it for its side effect.
package display
