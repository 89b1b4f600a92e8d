package load

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/privatepull/privatepull/constructs/pullpath"
)

// Options tune Check.
type Options struct {
	// Readers read the inputs; each source goes to the first that takes it.
	Readers []pullpath.Reader
	// Stdin is read for the path "-". Default: os.Stdin.
	Stdin io.Reader
	// S3PrefixLists are ids (pl-...) of prefix lists the caller names as
	// S3's managed list, com.amazonaws.REGION.s3: a rule to a literal id the
	// set does not define is otherwise unknown. Default: none.
	S3PrefixLists []string
}

// Check reads the inputs (files, folders, "-" for standard input) with the
// readers, merges what they read into one model, judges every ECS service,
// and reports. The error lists the inputs it could not read, one per line;
// the report covers the others. Templates are reported in the order of the
// paths.
func Check(paths []string, opts Options) (report *pullpath.Report, err error) {
	defer func() {
		// a bug here must not end a pipeline with a stack trace
		if r := recover(); r != nil {
			report, err = &pullpath.Report{Version: 1}, fmt.Errorf("pullpath: internal error, please report it with the input: %v", r)
		}
	}()
	var errs []error
	var used []pullpath.Reader
	srcs := map[pullpath.Reader][]*pullpath.Source{}
	for _, p := range paths {
		r, src, err := read(p, opts)
		if err != nil {
			errs = append(errs, err)
		}
		if r != nil && !slices.Contains(used, r) {
			used = append(used, r)
		}
		if r != nil && err == nil {
			srcs[r] = append(srcs[r], src)
		}
	}
	m := model(paths, used, opts)
	if len(m.Choices) > 0 && len(errs) == 0 {
		m.Assume = func(assume map[string]bool) *pullpath.Model { return again(paths, used, srcs, assume, opts) }
	}
	return pullpath.Judge(m), errors.Join(errs...)
}

// model merges what the readers read into one model.
func model(paths []string, used []pullpath.Reader, opts Options) *pullpath.Model {
	m := &pullpath.Model{}
	for _, r := range used {
		m.Merge(r.Model())
	}
	m.S3PrefixLists = append(m.S3PrefixLists, opts.S3PrefixLists...)
	slices.SortStableFunc(m.Inputs, func(a, b *pullpath.Input) int { return source(paths, a) - source(paths, b) })
	return m
}

// again reads the same sources into new readers that take the choices of
// assume as given (pullpath.Brancher), or returns nil when a reader cannot.
func again(paths []string, used []pullpath.Reader, srcs map[pullpath.Reader][]*pullpath.Source, assume map[string]bool, opts Options) *pullpath.Model {
	fresh := make([]pullpath.Reader, 0, len(used))
	for _, r := range used {
		b, ok := r.(pullpath.Brancher)
		if !ok {
			return nil
		}
		n := b.Assume(assume)
		for _, src := range srcs[r] {
			if n.Read(src) != nil {
				return nil
			}
		}
		fresh = append(fresh, n)
	}
	return model(paths, fresh, opts)
}

// source is the index of the path an input came from: the path itself, or
// the folder that holds it.
func source(paths []string, in *pullpath.Input) int {
	for i, p := range paths {
		if in.Path == p || strings.HasPrefix(in.Path, strings.TrimSuffix(p, "/")+"/") {
			return i
		}
	}
	return len(paths)
}

// read hands one path to the first reader that takes it, and returns the
// source it read.
func read(p string, opts Options) (pullpath.Reader, *pullpath.Source, error) {
	src := &pullpath.Source{Path: p}
	if p == "-" {
		r := opts.Stdin
		if r == nil {
			r = os.Stdin
		}
		raw, err := readLimited(r)
		if err != nil {
			return nil, src, fmt.Errorf("standard input: %v", err)
		}
		src.Data = raw
	} else {
		info, err := os.Stat(p)
		if err != nil {
			return nil, src, fmt.Errorf("%s: %v", p, errors.Unwrap(err))
		}
		src.Dir = info.IsDir()
		if !src.Dir {
			if info.Size() > pullpath.MaxFileSize {
				return nil, src, fmt.Errorf("%s: larger than %d MB, the most pullcheck reads", p, pullpath.MaxFileSize>>20)
			}
			if src.Data, err = os.ReadFile(p); err != nil {
				return nil, src, fmt.Errorf("%s: %v", p, err)
			}
		}
	}
	var folders []string
	for _, r := range opts.Readers {
		if r.Takes(src) {
			return r, src, r.Read(src)
		}
		if f := r.Folder(); f != "" {
			folders = append(folders, f)
		}
	}
	switch {
	case !src.Dir:
		return nil, src, fmt.Errorf("%s: no reader takes this file", p)
	case len(folders) == 0:
		return nil, src, fmt.Errorf("%s: a folder, and no reader takes folders", p)
	case len(folders) == 1:
		return nil, src, fmt.Errorf("%s: a folder without %s", p, folders[0])
	}
	return nil, src, fmt.Errorf("%s: a folder with neither %s", p, strings.Join(folders, " nor "))
}

// readLimited reads r up to MaxFileSize and refuses more.
func readLimited(r io.Reader) ([]byte, error) {
	raw, err := io.ReadAll(io.LimitReader(r, pullpath.MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(raw) > pullpath.MaxFileSize {
		return nil, fmt.Errorf("larger than %d MB, the most pullcheck reads", pullpath.MaxFileSize>>20)
	}
	return raw, nil
}
