package boids_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/boids-project/boids/boids"
)

func TestDesignsIsACopy(t *testing.T) {
	ds := boids.Designs()
	require.NotEmpty(t, ds)
	ds[0].Name = "changed"
	assert.Equal(t, "mutex", boids.Designs()[0].Name, "changing the copy must not change the registry")
}

func TestRegisterAfterAFlockStartedIsAnError(t *testing.T) {
	p := boids.DefaultParams(640, 360)
	f, err := boids.NewFlock(p, nil, boids.NewMutex())
	require.NoError(t, err)
	f.Stop()
	err = boids.Register(boids.Design{Name: "late", New: func() boids.Strategy { return boids.NewMutex() }})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "already started")
	assert.NotContains(t, boids.DesignNames(), "late")
}
