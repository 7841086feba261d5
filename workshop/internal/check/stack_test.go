package check

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// dump is a runtime.Stack(buf, true) text as Go 1.26 writes it: a boid
// parked on its wake channel, two writers on one RWMutex (the runtime files
// the second under sync.Mutex.Lock, the mutex RWMutex.Lock takes first), a
// Stop waiting on a WaitGroup, inlined calls without an offset, an elided
// tail and a header with the goroutine's address.
const dump = `goroutine 1 [running]:
main.main()
	/tmp/x/main.go:26 +0x170

goroutine 21 [chan receive, 3 minutes]:
github.com/boids-project/boids/workshop/06-leak.(*Swarm).boid(0xc0000a4000, 0x3, 0xc0000a2060)
	/work/workshop/06-leak/swarm.go:81 +0x85
created by github.com/boids-project/boids/workshop/06-leak.(*Swarm).grow in goroutine 1
	/work/workshop/06-leak/swarm.go:70 +0x8f

goroutine 22 [chan receive, 3 minutes]:
github.com/boids-project/boids/workshop/06-leak.(*Swarm).boid(0xc0000a4000, 0x4, 0xc0000a2070)
	/work/workshop/06-leak/swarm.go:81 +0x85
created by github.com/boids-project/boids/workshop/06-leak.(*Swarm).grow in goroutine 1
	/work/workshop/06-leak/swarm.go:70 +0x8f

goroutine 3 [sync.RWMutex.Lock]:
sync.runtime_SemacquireRWMutex(0x0?, 0x0?, 0x0?)
	/usr/local/go/src/runtime/sema.go:105 +0x25
sync.(*RWMutex).Lock(0x0?)
	/usr/local/go/src/sync/rwmutex.go:155 +0x6b
github.com/boids-project/boids/workshop/03-stripes.(*Stripes).Move(...)
	/work/workshop/03-stripes/stripes.go:170
created by main.main in goroutine 1
	/tmp/x/main.go:20 +0xa5

goroutine 4 gp=0xc000003a40 m=nil [sync.Mutex.Lock]:
internal/sync.runtime_SemacquireMutex(0x0?, 0x0?, 0x0?)
	/usr/local/go/src/runtime/sema.go:95 +0x25
internal/sync.(*Mutex).lockSlow(0x2786f17a6000)
	/usr/local/go/src/internal/sync/mutex.go:149 +0x15d
internal/sync.(*Mutex).Lock(...)
	/usr/local/go/src/internal/sync/mutex.go:70
sync.(*Mutex).Lock(...)
	/usr/local/go/src/sync/mutex.go:46
sync.(*RWMutex).Lock(0x0?)
	/usr/local/go/src/sync/rwmutex.go:150 +0x32
github.com/boids-project/boids/workshop/03-stripes.(*Stripes).Move(...)
	/work/workshop/03-stripes/stripes.go:170
created by main.main in goroutine 1
	/tmp/x/main.go:21 +0xe5

goroutine 9 [sync.WaitGroup.Wait]:
sync.runtime_SemacquireWaitGroup(0xc0000b4010?, 0x0?)
	/usr/local/go/src/runtime/sema.go:114 +0x2e
sync.(*WaitGroup).Wait(0xc0000b4008)
	/usr/local/go/src/sync/waitgroup.go:206 +0x85
github.com/boids-project/boids/workshop/06-leak.(*Swarm).Stop(0xc0000b4000)
	/work/workshop/06-leak/swarm.go:141 +0x1c5
github.com/boids-project/boids/workshop/06-leak.stopWithin.func1()
	/work/workshop/06-leak/check_test.go:81 +0x1d
...additional frames elided...
created by github.com/boids-project/boids/workshop/06-leak.stopWithin in goroutine 7
	/work/workshop/06-leak/check_test.go:81 +0x85
`

func TestParseStacks(t *testing.T) {
	gs := parseStacks(dump)
	require.Len(t, gs, 6)
	assert.Equal(t, 21, gs[1].id)
	assert.Equal(t, "chan receive", gs[1].state, "the wait time is cut off")
	assert.Equal(t, []frame{{"github.com/boids-project/boids/workshop/06-leak.(*Swarm).boid", "/work/workshop/06-leak/swarm.go", 81}}, gs[1].frames,
		`"created by" is not a frame of the goroutine`)
	assert.Equal(t, 4, gs[4].id, "a header with the goroutine's address")
	assert.Equal(t, "sync.Mutex.Lock", gs[4].state)
	require.Len(t, gs[4].frames, 6)
	assert.Equal(t, frame{"github.com/boids-project/boids/workshop/03-stripes.(*Stripes).Move", "/work/workshop/03-stripes/stripes.go", 170}, gs[4].frames[5],
		"an inlined call has no offset")
	require.Len(t, gs[5].frames, 4)
	assert.Equal(t, "github.com/boids-project/boids/workshop/06-leak.stopWithin.func1", gs[5].frames[3].fn)
}

func TestWaitingIn(t *testing.T) {
	gs := parseStacks(dump)
	for i, want := range []string{"running", "chan receive", "chan receive", "sync.RWMutex.Lock", "sync.RWMutex.Lock", "sync.WaitGroup.Wait"} {
		assert.Equal(t, want, gs[i].waitingIn(), "goroutine %d", gs[i].id)
	}
	assert.Equal(t, "03-stripes.(*Stripes).Move", gs[3].where())
	assert.Equal(t, "main.main", gs[0].where(), "a command's main is not the standard library")
}

func TestStuck(t *testing.T) {
	got := stuckIn(dump, "swarm.go")
	assert.Equal(t, strings.Join([]string{
		"   2 × (*Swarm).boid at swarm.go:81 (chan receive)",
		"   1 × (*Swarm).Stop at swarm.go:141 (sync.WaitGroup.Wait)",
	}, "\n"), got)
	assert.Equal(t, "   2 × (*Stripes).Move at stripes.go:170 (sync.RWMutex.Lock)", stuckIn(dump, "stripes.go"))
	assert.Empty(t, stuckIn(dump, "channel.go"))
	assert.Empty(t, stuckIn(dump, "warm.go"), "a file is matched by its whole name")
}

// leakErr builds an error the way goleak.Find writes it: its own line per
// goroutine, then the stack without the runtime's header, the goroutines
// printed as a slice.
func leakErr(stacks ...string) error {
	return errors.New("found unexpected goroutines:\n[" + strings.Join(stacks, " ") + "]")
}

const (
	leakedBoid = `Goroutine 21 in state chan receive, with github.com/boids-project/boids/workshop/06-leak.(*Swarm).boid on top of the stack:
github.com/boids-project/boids/workshop/06-leak.(*Swarm).boid(0xc0000a4000, 0x3, 0xc0000a2060)
	/work/workshop/06-leak/swarm.go:81 +0x85
created by github.com/boids-project/boids/workshop/06-leak.(*Swarm).grow in goroutine 1
	/work/workshop/06-leak/swarm.go:70 +0x8f
`
	leakedClock = `Goroutine 8 in state chan receive, 2 minutes, with github.com/boids-project/boids/workshop/06-leak.(*Swarm).clock on top of the stack:
github.com/boids-project/boids/workshop/06-leak.(*Swarm).clock(0xc0000a4000, 0x989680)
	/work/workshop/06-leak/swarm.go:42 +0x5a
created by github.com/boids-project/boids/workshop/06-leak.New in goroutine 7
	/work/workshop/06-leak/swarm.go:38 +0x1f2
`
	leakedWriter = `Goroutine 4 in state sync.Mutex.Lock, with internal/sync.runtime_SemacquireMutex on top of the stack:
internal/sync.runtime_SemacquireMutex(0x0?, 0x0?, 0x0?)
	/usr/local/go/src/runtime/sema.go:95 +0x25
sync.(*Mutex).Lock(...)
	/usr/local/go/src/sync/mutex.go:46
sync.(*RWMutex).Lock(0x0?)
	/usr/local/go/src/sync/rwmutex.go:150 +0x32
github.com/boids-project/boids/workshop/04-channel.(*Channel).serve(...)
	/work/workshop/04-channel/channel.go:90
created by github.com/boids-project/boids/workshop/04-channel.NewChannel in goroutine 7
	/work/workshop/04-channel/channel.go:60 +0x1f2
`
)

func TestLeaks(t *testing.T) {
	boid2 := strings.Replace(leakedBoid, "Goroutine 21", "Goroutine 22", 1)
	err := leakErr(leakedBoid, leakedClock, boid2)
	assert.Equal(t, "3 goroutines left: 2 in 06-leak.(*Swarm).boid (chan receive), 1 in 06-leak.(*Swarm).clock (chan receive)", Leaks(err))
	assert.Equal(t, "1 goroutine left: 1 in 06-leak.(*Swarm).clock (chan receive)", Leaks(leakErr(leakedClock)),
		"one goroutine, one wait time cut off")
	assert.Equal(t, "1 goroutine left: 1 in 04-channel.(*Channel).serve (sync.RWMutex.Lock)", Leaks(leakErr(leakedWriter)),
		"an RWMutex.Lock is not shown as the Mutex.Lock it waits in")
}

func TestLeakStacks(t *testing.T) {
	boid2 := strings.Replace(leakedBoid, "Goroutine 21", "Goroutine 22", 1)
	boid3 := strings.Replace(leakedBoid, "Goroutine 21", "Goroutine 23", 1)
	got := LeakStacks(leakErr(leakedBoid, boid2, leakedClock, boid3))
	assert.Equal(t, 1, strings.Count(got, "(*Swarm).boid(0xc0000a4000"), "one stack per kind:\n%s", got)
	assert.Contains(t, got, "(and 2 more goroutines like this one)")
	assert.Contains(t, got, "Goroutine 8 in state chan receive, 2 minutes, with")
	assert.Contains(t, got, "swarm.go:42 +0x5a")
	assert.NotContains(t, got, "more goroutine like", "the clock is alone")
	assert.NotContains(t, got, "]", "goleak's slice brackets are gone")
	one := LeakStacks(leakErr(leakedClock, boid2, boid3))
	assert.Contains(t, one, "(and 1 more goroutine like this one)")
}

// parked starts a goroutine that waits on a channel until the test ends.
func parked(t *testing.T) {
	ch := make(chan struct{})
	ready := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		close(ready)
		<-ch
	}()
	<-ready
	t.Cleanup(func() { close(ch); <-done })
}

// The parsers read what this runtime and this goleak write, too.
func TestLive(t *testing.T) {
	before := goleak.IgnoreCurrent()
	parked(t)
	assert.Regexp(t, `^   1 × parked\.func1 at stack_test\.go:\d+ \(chan receive\)$`, Stuck("stack_test.go"))
	err := goleak.Find(before)
	require.Error(t, err)
	assert.Equal(t, "1 goroutine left: 1 in check.parked.func1 (chan receive)", Leaks(err))
	assert.Contains(t, LeakStacks(err), "stack_test.go")
}
