package snapshot

import (
	"encoding/json"
	"fmt"

	"github.com/privatepull/privatepull/constructs/pullpath"
)

// Reader reads snapshots (files, or standard input) into the model. It
// tells a snapshot apart by its content, so it goes before a reader that
// takes every file.
type Reader struct {
	m pullpath.Model
}

// NewReader returns a reader of snapshots.
func NewReader() *Reader { return &Reader{} }

// Takes says whether src is a snapshot.
func (r *Reader) Takes(src *pullpath.Source) bool { return !src.Dir && Is(src.Data) }

// Read reads one snapshot, or a set of them.
func (r *Reader) Read(src *pullpath.Source) error {
	name := src.Path
	if name == "-" {
		name = "standard input"
	}
	set, err := DecodeAll(src.Data)
	if err != nil {
		return fmt.Errorf("%s: %v", name, err)
	}
	r.m.Merge(SetModel(set))
	return nil
}

// Model is the model of every snapshot read.
func (r *Reader) Model() *pullpath.Model { return &r.m }

// Folder says the reader takes no folder.
func (r *Reader) Folder() string { return "" }

// Decode reads a snapshot and checks its version.
func Decode(data []byte) (*Snapshot, error) {
	var s Snapshot
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("not a pullcheck snapshot: %v", err)
	}
	if s.PullcheckSnapshot != Version {
		return nil, fmt.Errorf("snapshot version %d: this pullcheck reads version %d", s.PullcheckSnapshot, Version)
	}
	if s.Account == "" || s.Region == "" {
		return nil, fmt.Errorf("snapshot without an account or a region")
	}
	return &s, nil
}

// Path is how reports name a snapshot's account and region.
func Path(account, region string) string { return "aws://" + account + "/" + region }
