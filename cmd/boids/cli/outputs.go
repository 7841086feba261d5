package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// output is a file the command line names, with its flag.
type output struct {
	flag, usage string
	path        *string
}

// outputs lists every file the options name, in the order the help shows
// the flags; empty paths are outputs not asked for.
func (o *Options) outputs() []output {
	return []output{
		{"screenshot", "", &o.Screenshot},
		{"metrics-csv", "write the overlay's figures to `FILE`, one row per second", &o.MetricsCSV},
		{"cpuprofile", "write a CPU profile to `FILE` (go tool pprof)", &o.Profiles.CPU},
		{"trace", "write an execution trace to `FILE` (go tool trace)", &o.Profiles.Trace},
		{"mutexprofile", "write a mutex contention profile to `FILE` at exit", &o.Profiles.Mutex},
		{"blockprofile", "write a blocking profile (mutexes and channels) to `FILE` at exit", &o.Profiles.Block},
	}
}

// Output is a file a flag names; an empty Path is an output not asked for.
type Output struct{ Flag, Path string }

// CheckOutputs checks, before any output is created, that no two name the
// same file and that each can be written, so that a run that cannot write
// one of them fails at once, before any work, and truncates none of the
// others. Its error is one line naming the flags.
func CheckOutputs(outs []Output) error {
	var named []Output
	for _, out := range outs {
		if out.Path != "" {
			named = append(named, out)
		}
	}
	for i, a := range named {
		for _, b := range named[:i] {
			if sameFile(a.Path, b.Path) {
				return fmt.Errorf("-%s and -%s both name %s: each output needs its own file", b.Flag, a.Flag, Quote(a.Path))
			}
		}
	}
	for _, out := range named {
		if err := writable(out.Path); err != nil {
			return fmt.Errorf("-%s %s: %w", out.Flag, Quote(out.Path), err)
		}
	}
	return nil
}

// sameFile says whether two paths name one file: the same path once
// cleaned and made absolute, or, for files that exist, one file under two
// names (a link).
func sameFile(a, b string) bool {
	absA, errA := filepath.Abs(a)
	absB, errB := filepath.Abs(b)
	if errA == nil && errB == nil && absA == absB {
		return true
	}
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(fa, fb)
}

// writable checks that path can be written without changing it: an
// existing regular file is opened for writing but not truncated, a new
// file is created and removed again. Devices and pipes are left to the
// run, which reports their write errors.
func writable(path string) error {
	fi, err := os.Stat(path)
	switch {
	case err == nil && fi.IsDir():
		return errors.New("is a folder, not a file")
	case err == nil && !fi.Mode().IsRegular():
		return nil
	case err == nil:
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return fmt.Errorf("cannot write: %w", PathCause(err))
		}
		return f.Close()
	case errors.Is(err, fs.ErrNotExist):
		if target, lerr := os.Readlink(path); lerr == nil {
			return fmt.Errorf("is a broken symbolic link (to %s)", Quote(target))
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return fmt.Errorf("cannot create: %w", PathCause(err))
		}
		f.Close()
		return os.Remove(path)
	}
	return PathCause(err)
}

// checkFolder checks that the folder a file is to go in exists, and if
// not, says what is there instead: nothing, a file, or a broken link.
func checkFolder(file string) error {
	dir := filepath.Dir(file)
	fi, err := os.Stat(dir)
	if err == nil && fi.IsDir() {
		return nil
	}
	if err := blocker(dir); err != nil {
		return err
	}
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("folder %s does not exist", bound(dir))
	}
	return fmt.Errorf("folder %s: %w", bound(dir), PathCause(err))
}

// blocker finds the deepest part of dir that is there, and says why it is
// no folder, or returns nil if it is one.
func blocker(dir string) error {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil {
			fi, err := os.Stat(d)
			switch {
			case errors.Is(err, fs.ErrNotExist):
				return fmt.Errorf("%s is a broken symbolic link", bound(d))
			case err != nil:
				return fmt.Errorf("%s: %w", bound(d), PathCause(err))
			case !fi.IsDir():
				return fmt.Errorf("%s is not a folder", bound(d))
			}
			return nil
		}
		if d == filepath.Dir(d) {
			return nil
		}
	}
}

// PathCause drops the operation and path a *fs.PathError repeats, for a
// line that names the file already (boidsbench's outputs use it too).
func PathCause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
