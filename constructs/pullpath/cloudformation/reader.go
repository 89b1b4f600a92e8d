package cloudformation

import (
	"os"
	"path/filepath"

	"github.com/privatepull/privatepull/constructs/pullpath"
)

// Stack is what the CDK knows of a template.
type Stack struct {
	Name, Account, Region string
}

// Reader reads CloudFormation templates (JSON or YAML) and cdk.out cloud
// assemblies as one set.
type Reader struct {
	set    *cfnSet
	stacks map[string]Stack
}

// NewReader returns a reader; stacks gives the stack name and environment
// of template paths, as the CDK knows them (the plugin sets it).
func NewReader(stacks map[string]Stack) *Reader {
	return &Reader{set: newCfnSet(&pullpath.Model{}), stacks: stacks}
}

// Takes every file, and folders that hold manifest.json.
func (r *Reader) Takes(src *pullpath.Source) bool {
	if !src.Dir {
		return true
	}
	_, err := os.Stat(filepath.Join(src.Path, "manifest.json"))
	return err == nil
}

// Read reads a template or a cloud assembly.
func (r *Reader) Read(src *pullpath.Source) error {
	if src.Dir {
		return loadAssembly(r.set, src.Path, 0)
	}
	in := &pullpath.Input{Path: src.Path}
	if st, ok := r.stacks[src.Path]; ok {
		in.Stack, in.Account, in.Region = st.Name, st.Account, st.Region
	}
	return addTemplate(r.set, in, src.Path, src.Data, nil, nil)
}

// Model links the templates read.
func (r *Reader) Model() *pullpath.Model {
	r.set.build()
	return r.set.m
}

// Folder is what a cdk.out holds.
func (r *Reader) Folder() string { return "manifest.json (a cdk.out)" }
