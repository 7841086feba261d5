package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProfilesStart(t *testing.T) {
	dir := t.TempDir()
	p := Profiles{
		CPU:   filepath.Join(dir, "cpu.prof"),
		Trace: filepath.Join(dir, "trace.out"),
		Mutex: filepath.Join(dir, "mutex.prof"),
		Block: filepath.Join(dir, "block.prof"),
	}
	stop, err := p.Start()
	require.NoError(t, err)
	require.NoError(t, stop())
	for _, f := range []string{p.CPU, p.Trace, p.Mutex, p.Block} {
		st, err := os.Stat(f)
		require.NoError(t, err)
		assert.Positive(t, st.Size(), f)
	}
}

// A file that cannot be created fails Start with the flag's name, and stop
// still ends what had started.
func TestProfilesStartError(t *testing.T) {
	dir := t.TempDir()
	p := Profiles{CPU: filepath.Join(dir, "cpu.prof"), Trace: filepath.Join(dir, "no", "trace.out")}
	stop, err := p.Start()
	require.ErrorContains(t, err, "trace: ")
	require.NoError(t, stop())
	again, err := Profiles{CPU: p.CPU}.Start()
	require.NoError(t, err, "the CPU profile of the failed start was stopped")
	require.NoError(t, again())
}

// A profile the runtime writes in the background still reports the write
// that failed: a full disk is an error at stop, for every profile.
func TestProfilesReportWriteErrors(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full on this system")
	}
	p := Profiles{CPU: "/dev/full", Trace: "/dev/full", Mutex: "/dev/full", Block: "/dev/full"}
	stop, err := p.Start()
	require.NoError(t, err)
	err = stop()
	require.Error(t, err)
	for _, name := range []string{"cpuprofile: ", "trace: ", "mutexprofile: ", "blockprofile: "} {
		assert.Contains(t, err.Error(), name+"write /dev/full: no space left on device")
	}
}
