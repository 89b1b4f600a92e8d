package pullpath

import (
	"slices"
	"sort"
)

// Merge adds the nodes of f, a model of other inputs, to m.
func (m *Model) Merge(f *Model) {
	m.Inputs = append(m.Inputs, f.Inputs...)
	m.VPCs = append(m.VPCs, f.VPCs...)
	m.Subnets = append(m.Subnets, f.Subnets...)
	m.RouteTables = append(m.RouteTables, f.RouteTables...)
	m.NetworkACLs = append(m.NetworkACLs, f.NetworkACLs...)
	m.Endpoints = append(m.Endpoints, f.Endpoints...)
	m.Groups = append(m.Groups, f.Groups...)
	m.Services = append(m.Services, f.Services...)
	m.Clusters = append(m.Clusters, f.Clusters...)
	m.TaskDefs = append(m.TaskDefs, f.TaskDefs...)
	m.Roles = append(m.Roles, f.Roles...)
	m.Caches = append(m.Caches, f.Caches...)
	m.S3PrefixLists = append(m.S3PrefixLists, f.S3PrefixLists...)
	for _, c := range f.Choices {
		if !slices.Contains(m.Choices, c) {
			m.Choices = append(m.Choices, c)
		}
	}
}

// Judge links what the readers left for the whole set, judges every
// service of m and gathers the findings per input.
func Judge(m *Model) *Report {
	m.finish()
	m.unlaunched()
	r := &Report{Version: 1, model: m}
	byInput := map[*Input]*TemplateReport{}
	for _, in := range m.Inputs {
		t := &TemplateReport{Path: in.Path, Stack: in.Stack, Services: []*ServiceReport{}, Findings: []*Finding{}, Hidden: in.Hidden, in: in}
		r.Templates = append(r.Templates, t)
		byInput[in] = t
	}
	// a finding of a model judged under a combination of choices is on a
	// node of its own inputs: find the template by path
	byPath := map[string]*TemplateReport{}
	for in, t := range byInput {
		byPath[in.Path+"\x00"+in.Stack] = t
	}
	reports := make([]*ServiceReport, len(m.Services))
	for i, s := range m.Services {
		reports[i] = m.judgeImages(s)
	}
	m.branches(reports)
	seen := map[string]*Finding{}
	for k, s := range m.Services {
		sr := reports[k]
		for i, f := range sr.Findings {
			f.Template = f.node.In.Path
			if f.node.File != "" {
				f.File, f.Line = f.node.File, f.node.Line
			}
			f.ARN = f.node.ARN
			if why, ok := f.node.Acks[f.Rule]; ok {
				f.Acknowledged, f.Reason = true, why
			}
			key := f.Rule + "\x00" + f.Template + "\x00" + f.Resource + "\x00" + f.Message
			if prev, ok := seen[key]; ok {
				sr.Findings[i] = prev
				continue
			}
			seen[key] = f
			if t := byInput[f.node.In]; t != nil {
				t.Findings = append(t.Findings, f)
			} else if t := byPath[f.node.In.Path+"\x00"+f.node.In.Stack]; t != nil {
				t.Findings = append(t.Findings, f)
			}
		}
		sr.StoppedTasks, sr.StoppedTasksWhy = tieStopped(s, sr.Findings), s.StoppedWhy
		if t := byInput[s.In]; t != nil {
			t.Services = append(t.Services, sr)
		}
	}
	for _, t := range r.Templates {
		for _, s := range t.Services {
			sort.SliceStable(s.Findings, func(i, j int) bool {
				a, b := s.Findings[i], s.Findings[j]
				return a.Rule+a.Resource+a.Message < b.Rule+b.Resource+b.Message
			})
		}
		sort.SliceStable(t.Services, func(i, j int) bool { return t.Services[i].ID < t.Services[j].ID })
		sort.SliceStable(t.Findings, func(i, j int) bool {
			a, b := t.Findings[i], t.Findings[j]
			if a.Resource != b.Resource {
				return a.Resource < b.Resource
			}
			if a.Rule != b.Rule {
				return a.Rule < b.Rule
			}
			return a.Message < b.Message
		})
	}
	return r
}
