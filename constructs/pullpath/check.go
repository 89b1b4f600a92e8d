package pullpath

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// Options tune Check.
type Options struct {
	// Stdin is read for the path "-". Default: os.Stdin.
	Stdin io.Reader
	// Stacks gives the stack name and environment of template paths, as
	// the CDK knows them (the plugin sets it).
	Stacks map[string]Stack
	// Terraform holds variable values for Terraform root modules.
	Terraform TerraformOptions
}

// Stack is what the CDK knows of a template.
type Stack struct {
	Name, Account, Region string
}

// Check reads the inputs (template files, cdk.out folders, Terraform root
// modules, "-" for standard input) as one set per environment, judges every
// ECS service, and reports. The error lists the inputs it could not read,
// one per line; the report covers the others.
func Check(paths []string, opts Options) (report *Report, err error) {
	defer func() {
		// a bug here must not end a pipeline with a stack trace
		if r := recover(); r != nil {
			report, err = &Report{Version: 1}, fmt.Errorf("pullpath: internal error, please report it with the input: %v", r)
		}
	}()
	m := &Model{}
	set := newCfnSet(m)
	var errs []error
	for _, p := range paths {
		if err := load(set, p, opts); err != nil {
			errs = append(errs, err)
		}
	}
	set.build()
	m.finish()
	return m.report(), errors.Join(errs...)
}

// load reads one path into the set.
func load(set *cfnSet, p string, opts Options) error {
	if p == "-" {
		r := opts.Stdin
		if r == nil {
			r = os.Stdin
		}
		raw, err := readLimited(r)
		if err != nil {
			return fmt.Errorf("standard input: %v", err)
		}
		return addTemplate(set, &Input{Path: "-"}, "-", raw, nil, nil)
	}
	info, err := os.Stat(p)
	if err != nil {
		return fmt.Errorf("%s: %v", p, errors.Unwrap(err))
	}
	if !info.IsDir() {
		if info.Size() > MaxFileSize {
			return fmt.Errorf("%s: larger than %d MB, the most pullcheck reads", p, MaxFileSize>>20)
		}
		raw, err := os.ReadFile(p)
		if err != nil {
			return fmt.Errorf("%s: %v", p, err)
		}
		in := &Input{Path: p}
		if st, ok := opts.Stacks[p]; ok {
			in.Stack, in.Account, in.Region = st.Name, st.Account, st.Region
		}
		return addTemplate(set, in, p, raw, nil, nil)
	}
	if _, err := os.Stat(filepath.Join(p, "manifest.json")); err == nil {
		return loadAssembly(set, p, 0)
	}
	tf, _ := filepath.Glob(filepath.Join(p, "*.tf"))
	tfjson, _ := filepath.Glob(filepath.Join(p, "*.tf.json"))
	if len(tf)+len(tfjson) > 0 {
		frag, err := ReadTerraform(p, opts.Terraform)
		if frag != nil {
			set.m.merge(frag)
		}
		return err
	}
	return fmt.Errorf("%s: a folder with neither manifest.json (a cdk.out) nor *.tf files (a Terraform root module)", p)
}

// guessPartition is the partition a template's literal ARNs name, when
// they name one.
func guessPartition(raw []byte) string {
	found := ""
	for _, p := range []string{"aws", "aws-cn", "aws-us-gov"} {
		if bytes.Contains(raw, []byte("arn:"+p+":")) {
			if found != "" {
				return ""
			}
			found = p
		}
	}
	return found
}

// merge adds a model fragment of other inputs.
func (m *Model) merge(f *Model) {
	m.Inputs = append(m.Inputs, f.Inputs...)
	m.VPCs = append(m.VPCs, f.VPCs...)
	m.Subnets = append(m.Subnets, f.Subnets...)
	m.RouteTables = append(m.RouteTables, f.RouteTables...)
	m.Endpoints = append(m.Endpoints, f.Endpoints...)
	m.Groups = append(m.Groups, f.Groups...)
	m.Services = append(m.Services, f.Services...)
	m.Clusters = append(m.Clusters, f.Clusters...)
	m.TaskDefs = append(m.TaskDefs, f.TaskDefs...)
	m.Roles = append(m.Roles, f.Roles...)
	m.Caches = append(m.Caches, f.Caches...)
}

// addTemplate parses a template into the set; nested stacks of a cloud
// assembly follow.
func addTemplate(set *cfnSet, in *Input, file string, raw []byte, parent *cfnCtx, params map[string]any) error {
	tpl, err := parseTemplate(raw)
	if err != nil {
		return fmt.Errorf("%s: %v", file, err)
	}
	in.Dialect = cfnDialect{}
	if in.RegionHint = in.Region; in.RegionHint == "" {
		in.RegionHint = guessRegion(raw)
	}
	if parent == nil {
		set.m.Inputs = append(set.m.Inputs, in)
	}
	set.add(in, file, tpl, parent, params)
	for _, id := range tpl.forEach {
		in.Hidden = append(in.Hidden, "what "+id+" of "+file+" generates")
	}
	ids := make([]string, 0, len(tpl.Resources))
	for id := range tpl.Resources {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		r := tpl.Resources[id]
		switch {
		case r.Type == "AWS::CloudFormation::Stack" || r.Type == "AWS::Serverless::Application":
			in.Hidden = append(in.Hidden, nestedHidden(id, file))
		case r.Properties["Fn::Transform"] != nil:
			in.Hidden = append(in.Hidden, "what a Fn::Transform inserts into "+id+" of "+file)
		}
	}
	if in.PartitionHint = partition(in.Region); in.Region == "" {
		in.PartitionHint = guessPartition(raw)
	}
	return nil
}

// nestedHidden is what an unread nested stack hides.
func nestedHidden(id, file string) string {
	return "what the nested stack " + id + " of " + file + " creates (its template is not in the set)"
}

// the cloud assembly's manifest, as far as it matters here
type manifest struct {
	Artifacts map[string]struct {
		Type                   string
		Environment            string
		DisplayName            string
		AdditionalMetadataFile string
		Properties             struct {
			TemplateFile  string
			StackName     string
			DirectoryName string
		}
		Metadata metadata
	}
}

// metadata is a stack's construct metadata: construct path to entries.
type metadata map[string][]struct {
	Type string
	Data any
}

// loadAssembly reads a cdk.out: every stack's template, nested stacks and
// nested assemblies (Stages).
func loadAssembly(set *cfnSet, dir string, depth int) error {
	if depth > 8 {
		return fmt.Errorf("%s: assemblies nested too deeply", dir)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return fmt.Errorf("%s: %v", dir, err)
	}
	var man manifest
	if err := json.Unmarshal(raw, &man); err != nil {
		return fmt.Errorf("%s: manifest.json: %v", dir, err)
	}
	ids := make([]string, 0, len(man.Artifacts))
	for id := range man.Artifacts {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var errs []error
	for _, id := range ids {
		a := man.Artifacts[id]
		switch a.Type {
		case "cdk:cloud-assembly":
			if err := loadAssembly(set, filepath.Join(dir, a.Properties.DirectoryName), depth+1); err != nil {
				errs = append(errs, err)
			}
		case "aws:cloudformation:stack":
			file := filepath.Join(dir, a.Properties.TemplateFile)
			raw, err := os.ReadFile(file)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %v", file, err))
				continue
			}
			if len(raw) > MaxFileSize {
				errs = append(errs, fmt.Errorf("%s: larger than %d MB, the most pullcheck reads", file, MaxFileSize>>20))
				continue
			}
			in := &Input{Path: file, Stack: firstNonEmpty(a.Properties.StackName, a.DisplayName, id)}
			if env, ok := strings.CutPrefix(a.Environment, "aws://"); ok {
				account, region, _ := strings.Cut(env, "/")
				if account != "unknown-account" {
					in.Account = account
				}
				if region != "unknown-region" {
					in.Region = region
				}
			}
			if err := addTemplate(set, in, file, raw, nil, nil); err != nil {
				errs = append(errs, err)
				continue
			}
			c := set.ctxs[len(set.ctxs)-1]
			md := a.Metadata
			if a.AdditionalMetadataFile != "" {
				// newer assemblies keep the metadata beside the manifest
				if raw, err := os.ReadFile(filepath.Join(dir, a.AdditionalMetadataFile)); err == nil {
					var more metadata
					if json.Unmarshal(raw, &more) == nil {
						if md == nil {
							md = metadata{}
						}
						for k, v := range more {
							md[k] = append(md[k], v...)
						}
					}
				}
			}
			c.assemblyAcks(md)
			errs = append(errs, loadNested(set, dir, c, depth)...)
		}
	}
	return errors.Join(errs...)
}

// assemblyAcks applies the acknowledgements the CDK recorded
// (Validations.of(scope).acknowledge) to the resources under their path.
func (c *cfnCtx) assemblyAcks(md metadata) {
	acks := map[string]map[string]string{} // path -> rule -> reason
	logical := map[string]string{}         // logical id -> path
	for path, entries := range md {
		for _, e := range entries {
			switch e.Type {
			case "aws:cdk:logicalId":
				if id, ok := e.Data.(string); ok {
					logical[id] = path
				}
			case "aws:cdk:acknowledged-rules":
				m, _ := e.Data.(map[string]any)
				for id, reason := range m {
					if rule, ok := strings.CutPrefix(id, "privatepull::"); ok {
						if acks[path] == nil {
							acks[path] = map[string]string{}
						}
						acks[path][rule] = show(reason)
					}
				}
			}
		}
	}
	if len(acks) == 0 {
		return
	}
	c.acks = map[string]map[string]string{}
	for id, path := range logical {
		for p, rules := range acks {
			if path == p || strings.HasPrefix(path, p+"/") {
				if c.acks[id] == nil {
					c.acks[id] = map[string]string{}
				}
				for r, why := range rules {
					c.acks[id][r] = why
				}
			}
		}
	}
}

// loadNested reads the templates of a stack's nested stacks.
func loadNested(set *cfnSet, dir string, parent *cfnCtx, depth int) []error {
	var errs []error
	ids := make([]string, 0)
	for id, r := range parent.tpl.Resources {
		if r.Type == "AWS::CloudFormation::Stack" {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	for _, id := range ids {
		r := parent.tpl.Resources[id]
		asset, _ := r.Metadata["aws:asset:path"].(string)
		if asset == "" || depth > 8 {
			continue
		}
		file := filepath.Join(dir, asset)
		raw, err := os.ReadFile(file)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %v", file, err))
			continue
		}
		params, _ := r.Properties["Parameters"].(map[string]any)
		in := &Input{Path: file, Stack: parent.in.Stack + "/" + id, Account: parent.in.Account, Region: parent.in.Region}
		if err := addTemplate(set, in, file, raw, parent, params); err != nil {
			errs = append(errs, err)
			continue
		}
		parent.in.Hidden = slices.DeleteFunc(parent.in.Hidden, func(h string) bool { return h == nestedHidden(id, parent.file) })
		set.m.Inputs = append(set.m.Inputs, in)
		errs = append(errs, loadNested(set, dir, set.ctxs[len(set.ctxs)-1], depth+1)...)
	}
	return errs
}

// report judges every service and gathers findings per input.
func (m *Model) report() *Report {
	r := &Report{Version: 1, model: m}
	byInput := map[*Input]*TemplateReport{}
	for _, in := range m.Inputs {
		t := &TemplateReport{Path: in.Path, Stack: in.Stack, Services: []*ServiceReport{}, Findings: []*Finding{}, Hidden: in.Hidden, in: in}
		r.Templates = append(r.Templates, t)
		byInput[in] = t
	}
	seen := map[string]*Finding{}
	for _, s := range m.Services {
		sr := m.judge(s)
		for i, f := range sr.Findings {
			f.Template = f.node.In.Path
			if f.node.File != "" {
				f.File, f.Line = f.node.File, f.node.Line
			}
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
			}
		}
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
