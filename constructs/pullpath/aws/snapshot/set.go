package snapshot

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/privatepull/privatepull/constructs/pullpath"
)

// SetVersion is the version of a set of snapshots: many accounts and
// regions in one document, {"pullcheckSnapshot": 2, "snapshots": [...],
// "failed": [...]}, each snapshot of the set a version 1 snapshot.
const SetVersion = 2

// Set is what one read of many accounts and regions saw: a snapshot each,
// and the accounts and regions it could not read, with their reasons.
type Set struct {
	// PullcheckSnapshot is SetVersion.
	PullcheckSnapshot int         `json:"pullcheckSnapshot"`
	Snapshots         []*Snapshot `json:"snapshots"`
	Failed            []Failure   `json:"failed,omitempty"`
}

// Failure is an account, or an account's region, that could not be read.
type Failure struct {
	// Account is "" for the caller's own account; Region "" for every
	// region of the account (its role could not be assumed, its regions
	// not listed).
	Account string `json:"account,omitempty"`
	Region  string `json:"region,omitempty"`
	// Reason says why, in one line.
	Reason string `json:"reason"`
}

// Path is how reports name the failure: aws://ACCOUNT/REGION, or
// aws://ACCOUNT for a whole account.
func (f Failure) Path() string {
	account := f.Account
	if account == "" {
		account = "caller"
	}
	if f.Region == "" {
		return "aws://" + account
	}
	return Path(account, f.Region)
}

// Why is the failure as the report's hidden line says it.
func (f Failure) Why() string { return "not read: " + f.Reason }

// EncodeSet writes a set as indented JSON, versions set.
func EncodeSet(set *Set) ([]byte, error) {
	set.PullcheckSnapshot = SetVersion
	for _, s := range set.Snapshots {
		s.PullcheckSnapshot = Version
	}
	out, err := json.MarshalIndent(set, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// DecodeAll reads a snapshot (version 1) or a set (version 2).
func DecodeAll(data []byte) (*Set, error) {
	var probe struct {
		PullcheckSnapshot int `json:"pullcheckSnapshot"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("not a pullcheck snapshot: %v", err)
	}
	if probe.PullcheckSnapshot != Version && probe.PullcheckSnapshot != SetVersion {
		return nil, fmt.Errorf("snapshot version %d: this pullcheck reads versions %d (an account and region) and %d (a set)", probe.PullcheckSnapshot, Version, SetVersion)
	}
	if probe.PullcheckSnapshot == Version {
		s, err := Decode(data)
		if err != nil {
			return nil, err
		}
		return &Set{PullcheckSnapshot: SetVersion, Snapshots: []*Snapshot{s}}, nil
	}
	var set Set
	if err := json.Unmarshal(data, &set); err != nil {
		return nil, fmt.Errorf("not a pullcheck snapshot: %v", err)
	}
	for i, s := range set.Snapshots {
		switch {
		case s == nil:
			return nil, fmt.Errorf("snapshot %d is null", i+1)
		case s.PullcheckSnapshot != Version:
			return nil, fmt.Errorf("snapshot %d: version %d: this pullcheck reads version %d", i+1, s.PullcheckSnapshot, Version)
		case s.Account == "" || s.Region == "":
			return nil, fmt.Errorf("snapshot %d: without an account or a region", i+1)
		}
	}
	for i, f := range set.Failed {
		if f.Reason == "" {
			return nil, fmt.Errorf("failure %d: without a reason", i+1)
		}
	}
	if len(set.Snapshots) == 0 && len(set.Failed) == 0 {
		return nil, errors.New("a set of no snapshot")
	}
	return &set, nil
}

// SetModel maps every snapshot of the set into one model, an input each,
// and each failure into an input that hides its services, saying why.
func SetModel(set *Set) *pullpath.Model {
	m := &pullpath.Model{}
	for _, s := range set.Snapshots {
		m.Merge(Model(s))
	}
	for _, f := range set.Failed {
		fm := Model(&Snapshot{Account: f.Account, Region: f.Region})
		in := fm.Inputs[0]
		in.Path = f.Path()
		in.Hidden = append(in.Hidden, f.Why())
		m.Merge(fm)
	}
	return m
}
