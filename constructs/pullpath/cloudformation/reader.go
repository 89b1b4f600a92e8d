package cloudformation

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

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

// Model links the templates read. Its Choices are the conditions the set
// cannot decide, "the condition NAME".
func (r *Reader) Model() *pullpath.Model {
	r.set.build()
	m := r.set.m
	for _, c := range r.set.ctxs {
		names := make([]string, 0, len(c.conds))
		for name, t := range c.conds {
			if t == pullpath.Unknown {
				names = append(names, conditionChoice+name)
			}
		}
		slices.Sort(names)
		for _, n := range names {
			if !slices.Contains(m.Choices, n) {
				m.Choices = append(m.Choices, n)
			}
		}
	}
	return m
}

// conditionChoice starts the name of a condition as a choice: the words the
// unknowns that wait on it use ("Fn::If on the condition X", "it exists
// only if the condition X holds").
const conditionChoice = "the condition "

// Assume returns a reader like r that takes each condition of assume
// ("the condition NAME") the set cannot decide as true or false, in every
// template of the set that has it.
func (r *Reader) Assume(assume map[string]bool) pullpath.Reader {
	n := NewReader(r.stacks)
	n.set.assume = map[string]bool{}
	for k, v := range assume {
		if name, ok := strings.CutPrefix(k, conditionChoice); ok {
			n.set.assume[name] = v
		}
	}
	return n
}

// Folder is what a cdk.out holds.
func (r *Reader) Folder() string { return "manifest.json (a cdk.out)" }
