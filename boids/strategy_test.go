package boids_test

import (
	"reflect"
	"testing"
	"time"

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

// fill sets every field of c to n units, or only field only when it is not
// negative, and fails on a field kind it does not know, so that a new kind
// of counter needs this test (and Add and Sub) looked at.
func fill(t *testing.T, c *boids.Counters, n uint64, only int) {
	t.Helper()
	v := reflect.ValueOf(c).Elem()
	for i := range v.NumField() {
		if only >= 0 && i != only {
			continue
		}
		f := v.Field(i)
		switch {
		case f.Kind() == reflect.Uint64:
			f.SetUint(n)
		case f.Type() == reflect.TypeFor[time.Duration]():
			f.SetInt(int64(n))
		case f.Type() == reflect.TypeFor[boids.Hist]():
			h := f.Addr().Interface().(*boids.Hist)
			h.Counts[3] += n
			h.Counts[40] += 2 * n
		default:
			t.Fatalf("Counters.%s has a kind this test does not fill: %s", v.Type().Field(i).Name, f.Type())
		}
	}
}

// Add and Sub cover every field: one field at a time, added to zero it
// must arrive, and added twice then subtracted once it must be back to one
// copy. A field Add forgets stays zero; one Sub forgets stays doubled.
func TestCountersAddSub(t *testing.T) {
	typ := reflect.TypeFor[boids.Counters]()
	for i := range typ.NumField() {
		var x boids.Counters
		fill(t, &x, 1, i)
		var got boids.Counters
		got.Add(x)
		require.Equal(t, x, got, "Add must cover Counters.%s", typ.Field(i).Name)
		got.Add(x)
		got.Sub(x)
		require.Equal(t, x, got, "Sub must cover Counters.%s", typ.Field(i).Name)
	}
	var a, b boids.Counters
	fill(t, &a, 2, -1)
	fill(t, &b, 1, -1)
	want := a
	a.Add(b)
	a.Sub(b)
	assert.Equal(t, want, a, "Sub undoes Add when every field is set")
}
