package cloudformation

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/privatepull/privatepull/constructs/pullpath"
)

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

// addTemplate parses a template into the set; nested stacks of a cloud
// assembly follow.
func addTemplate(set *cfnSet, in *pullpath.Input, file string, raw []byte, parent *cfnCtx, params map[string]any) error {
	tpl, err := parseTemplate(raw)
	if err != nil {
		return fmt.Errorf("%s: %v", file, err)
	}
	in.Dialect = dialect{}
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
	if in.PartitionHint = pullpath.PartitionOf(in.Region); in.Region == "" {
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
			if len(raw) > pullpath.MaxFileSize {
				errs = append(errs, fmt.Errorf("%s: larger than %d MB, the most pullcheck reads", file, pullpath.MaxFileSize>>20))
				continue
			}
			in := &pullpath.Input{Path: file, Stack: cmp.Or(a.Properties.StackName, a.DisplayName, id)}
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
						acks[path][rule] = pullpath.Show(reason)
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
		in := &pullpath.Input{Path: file, Stack: parent.in.Stack + "/" + id, Account: parent.in.Account, Region: parent.in.Region}
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

var regionLit = regexp.MustCompile(`^[a-z]{2}(?:-gov)?-[a-z]+-[0-9][.-]`)

// guessRegion finds a region the input names literally (an endpoint
// service name, an ECR host, the layer bucket), for messages.
func guessRegion(raw []byte) string {
	for _, marker := range []string{"com.amazonaws.", ".dkr.ecr.", "prod-"} {
		rest := raw
		for {
			i := bytes.Index(rest, []byte(marker))
			if i < 0 {
				break
			}
			rest = rest[i+len(marker):]
			end := min(len(rest), 20)
			if m := regionLit.Find(rest[:end]); m != nil {
				return string(m[:len(m)-1])
			}
		}
	}
	return ""
}
