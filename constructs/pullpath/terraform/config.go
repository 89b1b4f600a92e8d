package terraform

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/privatepull/privatepull/constructs/pullpath"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	hcljson "github.com/hashicorp/hcl/v2/json"
	"github.com/zclconf/go-cty/cty"
)

// Options are the inputs terraform itself would take besides the
// configuration.
type Options struct {
	// Vars are -var NAME=VALUE arguments, in order.
	Vars []string
	// VarFiles are -var-file paths, in order (relative to the working
	// directory of the caller, as terraform reads them).
	VarFiles []string
	// Env is the environment, os.Environ()-style: TF_VAR_name values are
	// read from it.
	Env []string
}

// Read reads the Terraform root module in dir into a model fragment
// of one Input (Input.Path = dir, with the Terraform dialect).
//
// It needs no terraform binary, no credentials and no network. Values known
// only after apply are symbolic strings naming their resource; data sources
// that look things up, variables without a value and modules that were not
// initialised are unknown, and the nodes they name carry Ext. Parse errors
// give an error naming the file and line.
//
// Symbols in strings (Container.Image, Statement resources, CIDR.Sym):
//   - ${ADDRESS.attr}: an attribute known after apply or looked up
//     (${aws_iam_role.x.arn}, ${data.aws_ssm_parameter.p.value});
//     ${var.name} a root variable with no value, ${module.m.var.name} one
//     of a module, ${module.m.output} an output of a module not read;
//   - ${ACCOUNT}, ${REGION}, ${PARTITION}: the input's own account, region
//     and partition when the aws provider does not fix them; an ECR
//     repository_url is ${ACCOUNT}.dkr.ecr.REGION.amazonaws.com/NAME;
//   - ${?}: a part that could not be evaluated at all;
//   - CIDR symbols drop the ${}: "var.vpc_cidr", "aws_vpc.main.cidr_block",
//     and "cidrsubnet(var.vpc_cidr,8,1)" with In "var.vpc_cidr".
//
// Rule.PrefixList is the address of a prefix-list data source, or
// "aws_vpc_endpoint.x.prefix_list_id", or a literal pl- id; PrefixListName
// is its name when known. Instances of a count or for_each whose value is
// unknown are one node with the key [*] and Node.CountWhy set.
func Read(dir string, opts Options) (*pullpath.Model, error) {
	return readTerraform(dir, opts, osTFFS{})
}

// tfFS is what the reader needs of a file system (a map in the fuzz test).
type tfFS interface {
	ReadFile(name string) ([]byte, error)
	ReadDir(name string) ([]string, error) // file names, not sub-folders
}

type osTFFS struct{}

func (osTFFS) ReadFile(name string) ([]byte, error) { return os.ReadFile(name) }
func (osTFFS) ReadDir(name string) ([]string, error) {
	ents, err := os.ReadDir(name)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if !e.IsDir() {
			out = append(out, e.Name())
		}
	}
	return out, nil
}

// mapTFFS is an in-memory file system: path (slash-separated, cleaned) to
// content.
type mapTFFS map[string][]byte

func (m mapTFFS) ReadFile(name string) ([]byte, error) {
	b, ok := m[filepath.ToSlash(filepath.Clean(name))]
	if !ok {
		return nil, fs.ErrNotExist
	}
	return b, nil
}

func (m mapTFFS) ReadDir(name string) ([]string, error) {
	dir := filepath.ToSlash(filepath.Clean(name))
	var out []string
	for p := range m {
		if d, f := filepath.Split(p); filepath.Clean(d) == dir && f != "" {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		return nil, fs.ErrNotExist
	}
	sort.Strings(out)
	return out, nil
}

func readTerraform(dir string, opts Options, fsys tfFS) (m *pullpath.Model, err error) {
	defer func() {
		if p := recover(); p != nil {
			m, err = nil, fmt.Errorf("%s: cannot read this Terraform configuration (internal error: %v)", dir, p)
		}
	}()
	r := &tfReader{
		dir:     dir,
		fsys:    fsys,
		configs: map[string]*tfConfig{},
		syms:    map[string]*tfSym{},
		in:      &pullpath.Input{Path: dir, Dialect: dialect{}},
		budget:  tfMaxInstances,
	}
	for _, kv := range opts.Env {
		if v, ok := strings.CutPrefix(kv, "AWS_DEFAULT_REGION="); ok && r.envRegion == "" {
			r.envRegion = v
		}
		if v, ok := strings.CutPrefix(kv, "AWS_REGION="); ok && v != "" {
			r.envRegion = v
		}
	}
	r.funcs = tfFunctions(r)
	cfg, err := r.loadConfig(dir, ".")
	if err != nil {
		return nil, err
	}
	if len(cfg.files) == 0 {
		return nil, fmt.Errorf("%s: no Terraform files (*.tf, *.tf.json)", dir)
	}
	if err := r.loadInputs(cfg, opts); err != nil {
		return nil, err
	}
	r.modules = r.loadModulesJSON()
	r.root = &tfMod{cfg: cfg, r: r}
	r.root.init(nil)
	if reg := r.root.providers[""]; reg.region != "" && !strings.Contains(reg.region, "${") {
		r.in.Region = reg.region
	}
	if acct := r.root.providers[""].account; acct != "" && !strings.Contains(acct, "${") {
		r.in.Account = acct
	}
	return r.mapModel()
}

// tfReader reads one root module.
type tfReader struct {
	dir       string
	fsys      tfFS
	in        *pullpath.Input
	configs   map[string]*tfConfig // module folder to its parsed files
	root      *tfMod
	inputs    map[string]tfInput // root variable values
	modules   map[string]string  // .terraform/modules/modules.json: key to folder
	syms      map[string]*tfSym  // symbolic strings to what they name
	funcs     map[string]tfFunc
	hidden    []string
	errs      []error
	budget    int    // instances left before the reader stops expanding
	envRegion string // AWS_REGION or AWS_DEFAULT_REGION of opts.Env
}

// tfInput is a root variable value: a value from a file, or a raw string
// from -var or TF_VAR_ to be read by the variable's type.
type tfInput struct {
	val cty.Value
	raw *string
}

// tfBlock is a block of the configuration, from native or JSON syntax.
type tfBlock struct {
	Type   string
	Labels []string
	Attrs  map[string]*hcl.Attribute
	Blocks []*tfBlock
	File   string
	Line   int
	Acks   map[string]string
}

func (b *tfBlock) label(i int) string {
	if i < len(b.Labels) {
		return b.Labels[i]
	}
	return ""
}

// tfConfig is one module folder, parsed.
type tfConfig struct {
	dir       string // the folder, joined with the root as given
	rel       string // path.module: the folder relative to the root
	files     []string
	vars      map[string]*tfBlock
	locals    map[string]*hcl.Attribute
	outputs   map[string]*tfBlock
	providers []*tfBlock
	resources []*tfRes
	byAddr    map[string]*tfRes // "aws_vpc.main", "data.aws_region.current"
	calls     []*tfCall
	callByNm  map[string]*tfCall
	// conds memoizes conditionVars.
	conds map[string]bool
}

// tfRes is a resource or data block.
type tfRes struct {
	data      bool
	typ, name string
	b         *tfBlock
}

func (r *tfRes) local() string {
	if r.data {
		return "data." + r.typ + "." + r.name
	}
	return r.typ + "." + r.name
}

// tfCall is a module block.
type tfCall struct {
	name   string
	source string
	b      *tfBlock
}

var tfAckRe = regexp.MustCompile(`^\s*(?:#|//)\s*pullcheck:ignore\s+([A-Za-z0-9_.-]+)\s*(.*?)\s*$`)

// loadConfig parses the *.tf and *.tf.json files of a folder.
func (r *tfReader) loadConfig(dir, rel string) (*tfConfig, error) {
	if c, ok := r.configs[dir]; ok {
		return c, nil
	}
	names, err := r.fsys.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	sort.Strings(names)
	c := &tfConfig{
		dir: dir, rel: rel,
		vars: map[string]*tfBlock{}, locals: map[string]*hcl.Attribute{},
		outputs: map[string]*tfBlock{}, byAddr: map[string]*tfRes{}, callByNm: map[string]*tfCall{},
	}
	r.configs[dir] = c
	for _, n := range names {
		isJSON := strings.HasSuffix(n, ".tf.json")
		if !isJSON && !strings.HasSuffix(n, ".tf") {
			continue
		}
		if base := strings.TrimSuffix(strings.TrimSuffix(n, ".json"), ".tf"); base == "override" || strings.HasSuffix(base, "_override") {
			r.hidden = append(r.hidden, filepath.Join(dir, n)+" (override files are not read)")
			continue
		}
		path := filepath.Join(dir, n)
		src, err := r.fsys.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		blocks, err := parseTFFile(path, src, isJSON)
		if err != nil {
			return nil, err
		}
		c.files = append(c.files, path)
		for _, b := range blocks {
			c.add(b)
		}
	}
	return c, nil
}

func (c *tfConfig) add(b *tfBlock) {
	switch b.Type {
	case "variable":
		if n := b.label(0); n != "" && c.vars[n] == nil {
			c.vars[n] = b
		}
	case "locals":
		for n, a := range b.Attrs {
			if c.locals[n] == nil {
				c.locals[n] = a
			}
		}
	case "output":
		if n := b.label(0); n != "" && c.outputs[n] == nil {
			c.outputs[n] = b
		}
	case "provider":
		c.providers = append(c.providers, b)
	case "resource", "data":
		if len(b.Labels) != 2 || b.Labels[0] == "" || b.Labels[1] == "" {
			return
		}
		res := &tfRes{data: b.Type == "data", typ: b.Labels[0], name: b.Labels[1], b: b}
		if c.byAddr[res.local()] != nil {
			return
		}
		c.byAddr[res.local()] = res
		c.resources = append(c.resources, res)
	case "module":
		n := b.label(0)
		if n == "" || c.callByNm[n] != nil {
			return
		}
		call := &tfCall{name: n, b: b}
		if a := b.Attrs["source"]; a != nil {
			if v, d := a.Expr.Value(nil); !d.HasErrors() && v.Type() == cty.String && v.IsKnown() && !v.IsNull() {
				call.source = v.AsString()
			}
		}
		c.calls = append(c.calls, call)
		c.callByNm[n] = call
	}
}

// parseTFFile parses one file into its top-level blocks.
func parseTFFile(path string, src []byte, isJSON bool) ([]*tfBlock, error) {
	if isJSON {
		f, diags := hcljson.Parse(src, path)
		if diags.HasErrors() {
			return nil, tfDiagError(diags)
		}
		return jsonBlocks(f.Body, path)
	}
	f, diags := hclsyntax.ParseConfig(src, path, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, tfDiagError(diags)
	}
	body, ok := f.Body.(*hclsyntax.Body)
	if !ok {
		return nil, fmt.Errorf("%s: not HCL native syntax", path)
	}
	lines := strings.Split(string(src), "\n")
	var out []*tfBlock
	for _, b := range body.Blocks {
		tb := nativeBlock(b, path)
		tb.Acks = tfAcks(lines, tb.Line)
		out = append(out, tb)
	}
	if len(body.Attributes) > 0 {
		for _, a := range body.Attributes {
			return nil, fmt.Errorf("%s:%d: unexpected attribute %q at the top level of a Terraform file", path, a.SrcRange.Start.Line, a.Name)
		}
	}
	return out, nil
}

// tfDiagError turns diagnostics into an error naming the file and line of
// the first error.
func tfDiagError(diags hcl.Diagnostics) error {
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		msg := d.Summary
		if d.Detail != "" {
			msg += ": " + d.Detail
		}
		if d.Subject != nil {
			return fmt.Errorf("%s:%d: %s", d.Subject.Filename, d.Subject.Start.Line, msg)
		}
		return errors.New(msg)
	}
	return errors.New(diags.Error())
}

// tfAcks reads the pullcheck:ignore comments on the lines just above line
// (1-based).
func tfAcks(lines []string, line int) map[string]string {
	var acks map[string]string
	for i := line - 2; i >= 0 && i < len(lines); i-- {
		l := strings.TrimSpace(lines[i])
		if !strings.HasPrefix(l, "#") && !strings.HasPrefix(l, "//") {
			break
		}
		if m := tfAckRe.FindStringSubmatch(l); m != nil {
			if acks == nil {
				acks = map[string]string{}
			}
			acks[m[1]] = m[2]
		}
	}
	return acks
}

func nativeBlock(b *hclsyntax.Block, path string) *tfBlock {
	tb := &tfBlock{Type: b.Type, Labels: b.Labels, Attrs: map[string]*hcl.Attribute{}, File: path, Line: b.TypeRange.Start.Line}
	for n, a := range b.Body.Attributes {
		tb.Attrs[n] = a.AsHCLAttribute()
	}
	for _, c := range b.Body.Blocks {
		tb.Blocks = append(tb.Blocks, nativeBlock(c, path))
	}
	return tb
}

// tfNestedBlocks are the nested block types the reader looks into; JSON
// syntax needs them named to tell blocks from attributes.
var tfNestedBlocks = []string{
	"route", "ingress", "egress", "network_configuration", "capacity_provider_strategy",
	"default_capacity_provider_strategy", "inline_policy", "statement", "principals",
	"not_principals", "condition", "content", "filter", "assume_role", "lifecycle",
}

func jsonBlocks(body hcl.Body, path string) ([]*tfBlock, error) {
	schema := &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
		{Type: "resource", LabelNames: []string{"type", "name"}},
		{Type: "data", LabelNames: []string{"type", "name"}},
		{Type: "module", LabelNames: []string{"name"}},
		{Type: "variable", LabelNames: []string{"name"}},
		{Type: "output", LabelNames: []string{"name"}},
		{Type: "provider", LabelNames: []string{"name"}},
		{Type: "locals"},
		{Type: "terraform"},
	}}
	content, _, diags := body.PartialContent(schema)
	if diags.HasErrors() {
		return nil, tfDiagError(diags)
	}
	var out []*tfBlock
	for _, b := range content.Blocks {
		if b.Type == "terraform" {
			continue
		}
		tb, err := jsonBlock(b, path, b.Type == "locals" || b.Type == "variable" || b.Type == "output", 0)
		if err != nil {
			return nil, err
		}
		out = append(out, tb)
	}
	return out, nil
}

func jsonBlock(b *hcl.Block, path string, flat bool, depth int) (*tfBlock, error) {
	tb := &tfBlock{Type: b.Type, Labels: b.Labels, Attrs: map[string]*hcl.Attribute{}, File: path, Line: b.DefRange.Start.Line}
	body := b.Body
	if !flat && depth < 8 {
		var hs []hcl.BlockHeaderSchema
		for _, n := range tfNestedBlocks {
			hs = append(hs, hcl.BlockHeaderSchema{Type: n})
		}
		hs = append(hs, hcl.BlockHeaderSchema{Type: "dynamic", LabelNames: []string{"type"}})
		content, remain, diags := body.PartialContent(&hcl.BodySchema{Blocks: hs})
		if diags.HasErrors() {
			return nil, tfDiagError(diags)
		}
		for _, c := range content.Blocks {
			cb, err := jsonBlock(c, path, false, depth+1)
			if err != nil {
				return nil, err
			}
			tb.Blocks = append(tb.Blocks, cb)
		}
		body = remain
	}
	attrs, diags := body.JustAttributes()
	if diags.HasErrors() {
		return nil, tfDiagError(diags)
	}
	for n, a := range attrs {
		tb.Attrs[n] = a
	}
	return tb, nil
}

// loadModulesJSON reads .terraform/modules/modules.json, written by
// terraform init: module key ("vpc", "ecs.vpc") to folder.
func (r *tfReader) loadModulesJSON() map[string]string {
	src, err := r.fsys.ReadFile(filepath.Join(r.dir, ".terraform", "modules", "modules.json"))
	if err != nil {
		return nil
	}
	var doc struct {
		Modules []struct{ Key, Source, Dir string }
	}
	if json.Unmarshal(src, &doc) != nil {
		return nil
	}
	out := map[string]string{}
	for _, m := range doc.Modules {
		if m.Key != "" && m.Dir != "" {
			out[m.Key] = filepath.FromSlash(m.Dir)
		}
	}
	return out
}

// loadInputs reads root variable values in terraform's order: TF_VAR_,
// terraform.tfvars, terraform.tfvars.json, *.auto.tfvars(.json), -var-file,
// -var (later wins).
func (r *tfReader) loadInputs(cfg *tfConfig, opts Options) error {
	r.inputs = map[string]tfInput{}
	for _, kv := range opts.Env {
		if !strings.HasPrefix(kv, "TF_VAR_") {
			continue
		}
		name, val, ok := strings.Cut(strings.TrimPrefix(kv, "TF_VAR_"), "=")
		if ok && name != "" {
			v := val
			r.inputs[name] = tfInput{raw: &v}
		}
	}
	var files []string
	names, _ := r.fsys.ReadDir(r.dir)
	sort.Strings(names)
	for _, n := range []string{"terraform.tfvars", "terraform.tfvars.json"} {
		for _, have := range names {
			if have == n {
				files = append(files, filepath.Join(r.dir, n))
			}
		}
	}
	for _, n := range names {
		if strings.HasSuffix(n, ".auto.tfvars") || strings.HasSuffix(n, ".auto.tfvars.json") {
			files = append(files, filepath.Join(r.dir, n))
		}
	}
	for _, f := range files {
		if err := r.readVarFile(f, r.fsys); err != nil {
			return err
		}
	}
	for _, f := range opts.VarFiles {
		if err := r.readVarFile(f, osTFFS{}); err != nil {
			return err
		}
	}
	for _, kv := range opts.Vars {
		name, val, ok := strings.Cut(kv, "=")
		if !ok || strings.TrimSpace(name) == "" {
			return fmt.Errorf("-var %q: want NAME=VALUE", kv)
		}
		v := val
		r.inputs[strings.TrimSpace(name)] = tfInput{raw: &v}
	}
	return nil
}

func (r *tfReader) readVarFile(path string, fsys tfFS) error {
	src, err := fsys.ReadFile(path)
	if err != nil {
		return fmt.Errorf("-var-file %s: %w", path, err)
	}
	var f *hcl.File
	var diags hcl.Diagnostics
	if strings.HasSuffix(path, ".json") {
		f, diags = hcljson.Parse(src, path)
	} else {
		f, diags = hclsyntax.ParseConfig(src, path, hcl.InitialPos)
	}
	if diags.HasErrors() {
		return tfDiagError(diags)
	}
	attrs, diags := f.Body.JustAttributes()
	if diags.HasErrors() {
		return tfDiagError(diags)
	}
	for n, a := range attrs {
		v, d := a.Expr.Value(nil)
		if d.HasErrors() {
			return tfDiagError(d)
		}
		r.inputs[n] = tfInput{val: v}
	}
	return nil
}
