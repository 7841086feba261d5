package cli

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
)

// Profiles are the files -cpuprofile, -trace, -mutexprofile and
// -blockprofile name; empty ones are off.
type Profiles struct {
	CPU, Trace, Mutex, Block string
}

// Sampling rates: a mutex profile records one contention event in
// mutexFraction; a block profile one blocking event per blockRate ns
// blocked. Both stay cheap enough to leave the overlay's figures honest.
const (
	mutexFraction = 10
	blockRate     = 10000
)

// Start turns on what p asks for and returns the function that stops it
// and writes the files; call stop even when Start fails, to stop what did
// start.
func (p Profiles) Start() (stop func() error, err error) {
	var stops []func() error
	stop = func() error {
		var errs []error
		for i := len(stops) - 1; i >= 0; i-- {
			errs = append(errs, stops[i]())
		}
		return errors.Join(errs...)
	}
	if p.CPU != "" {
		f, err := create(p.CPU)
		if err != nil {
			return stop, fmt.Errorf("cpuprofile: %w", err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return stop, fmt.Errorf("cpuprofile: %w", err)
		}
		stops = append(stops, func() error {
			pprof.StopCPUProfile()
			return wrap("cpuprofile", f.Close())
		})
	}
	if p.Trace != "" {
		f, err := create(p.Trace)
		if err != nil {
			return stop, fmt.Errorf("trace: %w", err)
		}
		if err := trace.Start(f); err != nil {
			f.Close()
			return stop, fmt.Errorf("trace: %w", err)
		}
		stops = append(stops, func() error {
			trace.Stop()
			return wrap("trace", f.Close())
		})
	}
	if p.Mutex != "" {
		runtime.SetMutexProfileFraction(mutexFraction)
		stops = append(stops, func() error { return writeProfile("mutex", p.Mutex) })
	}
	if p.Block != "" {
		runtime.SetBlockProfileRate(blockRate)
		stops = append(stops, func() error { return writeProfile("block", p.Block) })
	}
	return stop, nil
}

func writeProfile(name, file string) error {
	f, err := create(file)
	if err != nil {
		return fmt.Errorf("%sprofile: %w", name, err)
	}
	if err := pprof.Lookup(name).WriteTo(f, 0); err != nil {
		f.Close()
		return wrap(name+"profile", err)
	}
	return wrap(name+"profile", f.Close())
}

func wrap(what string, err error) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// file is a profile file that remembers its first write error: the
// runtime's profile and trace writers run in goroutines of their own and
// drop the errors of their writes, so a full disk would otherwise leave a
// short file and no word of it.
type file struct {
	f   *os.File
	err error
}

// create creates (or truncates) the profile file name.
func create(name string) (*file, error) {
	f, err := os.Create(name)
	if err != nil {
		return nil, err
	}
	return &file{f: f}, nil
}

func (w *file) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	n, err := w.f.Write(p)
	if err != nil {
		w.err = err
	}
	return n, err
}

// Close closes the file and reports the first error of any write, or of
// the close.
func (w *file) Close() error {
	return errors.Join(w.err, w.f.Close())
}
