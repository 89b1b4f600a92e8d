package terraform

import (
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/privatepull/privatepull/constructs/pullpath"
)

// Reader reads Terraform root modules.
type Reader struct {
	opts Options
	m    *pullpath.Model
}

// NewReader returns a reader with the variable values terraform itself
// would take.
func NewReader(opts Options) *Reader { return &Reader{opts: opts, m: &pullpath.Model{}} }

// Takes folders that hold *.tf or *.tf.json files.
func (r *Reader) Takes(src *pullpath.Source) bool {
	if !src.Dir {
		return false
	}
	tf, _ := filepath.Glob(filepath.Join(src.Path, "*.tf"))
	tfjson, _ := filepath.Glob(filepath.Join(src.Path, "*.tf.json"))
	return len(tf)+len(tfjson) > 0
}

// Read reads a root module.
func (r *Reader) Read(src *pullpath.Source) error {
	frag, err := Read(src.Path, r.opts)
	if frag != nil {
		r.m.Merge(frag)
	}
	return err
}

// Assume returns a reader like r that takes each root bool variable of
// assume ("the variable NAME") that has no value as true or false, as
// -var NAME=true would.
func (r *Reader) Assume(assume map[string]bool) pullpath.Reader {
	opts := r.opts
	opts.Vars = slices.Clone(opts.Vars)
	names := make([]string, 0, len(assume))
	for k := range assume {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		if name, ok := strings.CutPrefix(k, varChoice); ok {
			opts.Vars = append(opts.Vars, name+"="+strconv.FormatBool(assume[k]))
		}
	}
	return NewReader(opts)
}

// Model is every root module read.
func (r *Reader) Model() *pullpath.Model { return r.m }

// Folder is what a root module holds.
func (r *Reader) Folder() string { return "*.tf files (a Terraform root module)" }
