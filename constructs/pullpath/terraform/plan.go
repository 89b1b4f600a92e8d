package terraform

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/privatepull/privatepull/constructs/pullpath"

	"github.com/hashicorp/hcl/v2"
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/zclconf/go-cty/cty"
)

// PlanReader reads what terraform show -json prints: a saved plan
// (terraform plan -out tfplan && terraform show -json tfplan) or a state
// (terraform show -json). It maps the plan's resource instances with the
// static reader's mapping, so Terraform's defaults, addresses and fixes are
// the same; values the plan knows only after apply are followed through
// the configuration's references.
type PlanReader struct{ m *pullpath.Model }

// NewPlanReader returns a reader of plan and state JSON files.
func NewPlanReader() *PlanReader { return &PlanReader{m: &pullpath.Model{}} }

// planSniff is how much of a file Takes looks at.
const planSniff = 64 << 10

// Takes files whose JSON object has format_version beside
// terraform_version, planned_values, resource_changes or values.
func (r *PlanReader) Takes(src *pullpath.Source) bool {
	if src.Dir {
		return false
	}
	head := bytes.TrimLeft(src.Data, " \t\r\n\ufeff")
	if len(head) == 0 || head[0] != '{' {
		return false
	}
	if len(head) > planSniff {
		head = head[:planSniff]
	}
	if !bytes.Contains(head, []byte(`"format_version"`)) || bytes.Contains(head, []byte(`"AWSTemplateFormatVersion"`)) {
		return false
	}
	for _, k := range []string{`"terraform_version"`, `"planned_values"`, `"resource_changes"`, `"values"`} {
		if bytes.Contains(head, []byte(k)) {
			return true
		}
	}
	return false
}

// Read reads one plan or state.
func (r *PlanReader) Read(src *pullpath.Source) error {
	frag, err := ReadPlan(src.Path, src.Data)
	if err != nil {
		return err
	}
	r.m.Merge(frag)
	return nil
}

// Model is every plan read.
func (r *PlanReader) Model() *pullpath.Model { return r.m }

// Folder is "": plans are files.
func (r *PlanReader) Folder() string { return "" }

// ReadPlan reads the JSON of a plan or a state (terraform show -json) into
// a model fragment of one Input named path, with the Terraform dialect.
// Formats 0.x and 1.x are read; any other, or a file that is not whole
// JSON, is an error of one line naming path.
//
// Resources come from planned_values (after) and resource_changes, data
// sources from prior_state. A value that after_unknown marks is followed
// through the configuration's references; a reference that cannot be
// followed is unknown and names it. Sensitive values (after_sensitive,
// sensitive_values, sensitive variables) are never kept: they are unknown
// "(sensitive)". No variable's value is ever written into a message.
func ReadPlan(path string, data []byte) (*pullpath.Model, error) {
	_, m, err := readPlan(path, data)
	return m, err
}

func readPlan(path string, data []byte) (pr *planRead, m *pullpath.Model, err error) {
	defer func() {
		if p := recover(); p != nil {
			pr, m, err = nil, nil, fmt.Errorf("%s: cannot read this Terraform plan (internal error: %v)", path, p)
		}
	}()
	// One decode, of what the reader uses: tfjson's types for the values
	// and the configuration, without the prior values of changes (before),
	// the managed resources of prior_state or the drift, which it never reads.
	var doc planDoc
	err = json.Unmarshal(data, &doc)
	if v := doc.FormatVersion; v != "" && !strings.HasPrefix(v, "0.") && !strings.HasPrefix(v, "1.") {
		return nil, nil, fmt.Errorf("%s: Terraform JSON format %q is not read (pullcheck reads formats 0.x and 1.x)", path, v)
	}
	if err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return nil, nil, fmt.Errorf("%s: not whole JSON (%s)", path, planJSONError(err))
		}
		return nil, nil, fmt.Errorf("%s: not a Terraform plan (%s)", path, planJSONError(err))
	}
	if doc.FormatVersion == "" {
		return nil, nil, fmt.Errorf("%s: not a Terraform plan or state (no format_version)", path)
	}
	pr = newPlanRead(path)
	switch {
	case doc.PlannedValues != nil || doc.ResourceChanges != nil:
		pr.plan(&doc)
	case doc.Values != nil:
		pr.values(doc.Values.RootModule, false)
	default:
		return nil, nil, fmt.Errorf("%s: a Terraform JSON document with neither planned_values, resource_changes nor values", path)
	}
	m, err = pr.finish()
	if err != nil {
		return nil, nil, err
	}
	return pr, m, nil
}

// planInst is one resource or data instance of the plan.
type planInst struct {
	in       *tfInst
	mod      string // module address, "" for the root
	typ      string
	base     string // address without the instance key
	data     bool
	deferred bool           // a data source read only during apply
	after    map[string]any // known values
	unknown  any            // after_unknown
	sens     any            // after_sensitive or sensitive_values
	exprs    map[string]*tfjson.Expression
	config   bool // the configuration has its block
	attrs    map[string]cty.Value
	busy     map[string]bool
}

// planRead is one plan being read.
type planRead struct {
	r         *tfReader
	path      string
	insts     []*planInst
	byAddr    map[string]*planInst
	byBase    map[string][]*planInst
	changes   map[string]*planChange
	mods      map[string]*tfjson.ConfigModule // module address without keys to its configuration
	calls     map[string]*tfjson.ModuleCall   // module address without keys to the call
	vars      map[string]*tfjson.PlanVariable
	modByAddr map[string]*tfMod
	scopes    map[*tfMod]*tfScope
	sensVar   map[string]bool
}

func newPlanRead(path string) *planRead {
	r := &tfReader{
		dir:     path,
		configs: map[string]*tfConfig{},
		syms:    map[string]*tfSym{},
		in:      &pullpath.Input{Path: path, Dialect: dialect{}},
	}
	cfg := &tfConfig{dir: path, rel: ".", vars: map[string]*tfBlock{}, outputs: map[string]*tfBlock{},
		byAddr: map[string]*tfRes{}, callByNm: map[string]*tfCall{}}
	root := &tfMod{r: r, cfg: cfg, providers: map[string]tfProvider{"": {}}, vars: map[string]cty.Value{},
		locals: map[string]cty.Value{}, outputs: map[string]cty.Value{}, busy: map[string]bool{},
		insts: map[*tfRes]*tfInsts{}, children: map[*tfCall]*tfChildren{}}
	r.root = root
	return &planRead{r: r, path: path, byAddr: map[string]*planInst{}, byBase: map[string][]*planInst{},
		changes: map[string]*planChange{},
		mods:    map[string]*tfjson.ConfigModule{}, modByAddr: map[string]*tfMod{}, scopes: map[*tfMod]*tfScope{}, calls: map[string]*tfjson.ModuleCall{}, sensVar: map[string]bool{}}
}

// plan reads a plan: the configuration first, then the planned values
// with their changes, then the data sources of the prior state.
func (pr *planRead) plan(p *planDoc) {
	pr.vars = p.Variables
	switch {
	case p.Errored:
		pr.r.hidden = append(pr.r.hidden, "the plan failed part way (errored): what it did not plan may exist")
	case p.Complete != nil && !*p.Complete:
		pr.r.hidden = append(pr.r.hidden, "the plan is not complete (-target, or changes deferred): what it leaves out may exist")
	}
	if p.Config != nil {
		pr.config(p.Config.RootModule, "")
		if pc := p.Config.ProviderConfigs["aws"]; pc != nil {
			if e := pc.Expressions["region"]; e != nil && e.ExpressionData != nil {
				pr.region(e)
			}
		}
	}
	for _, rc := range p.ResourceChanges {
		if rc == nil || rc.Change == nil {
			continue
		}
		pr.changes[rc.Address] = rc
	}
	if p.PlannedValues != nil {
		pr.values(p.PlannedValues.RootModule, false)
	}
	if p.PriorState != nil && p.PriorState.Values != nil {
		pr.prior(p.PriorState.Values.RootModule)
	}
	// What resource_changes alone holds: data sources deferred to apply.
	// (A managed instance is in planned_values unless it is deleted; one
	// that is not stays out, and a reference to it is unknown.)
	for _, rc := range p.ResourceChanges {
		if rc == nil || rc.Change == nil || pr.byAddr[rc.Address] != nil || rc.Mode != tfjson.DataResourceMode || !rc.Change.Actions.Read() {
			continue
		}
		pr.add(rc.Address, rc.Type, rc.Name, true, nil, rc.Change.AfterUnknown, planMarks(rc.Change.AfterSensitive))
	}
}

// prior reads the data sources of prior_state.
func (pr *planRead) prior(m *planPriorModule) {
	if m == nil {
		return
	}
	for _, r := range m.Resources {
		if r != nil && r.Mode == tfjson.DataResourceMode {
			pr.resource(&r.StateResource, true)
		}
	}
	for _, c := range m.ChildModules {
		pr.prior(c)
	}
}

// region takes the aws provider's region when the configuration fixes it.
func (pr *planRead) region(e *tfjson.Expression) {
	if s, ok := e.ConstantValue.(string); ok && s != "" {
		pr.r.root.providers[""] = tfProvider{region: s, account: pr.r.root.providers[""].account}
		return
	}
	if len(e.References) > 0 && strings.HasPrefix(e.References[0], "var.") {
		name := strings.TrimPrefix(e.References[0], "var.")
		if v := pr.vars[name]; v != nil && !pr.sensVar["var."+name] {
			if s, ok := v.Value.(string); ok && s != "" {
				pr.r.root.providers[""] = tfProvider{region: s, account: pr.r.root.providers[""].account}
			}
		}
	}
}

// config indexes the configuration of a module and its calls.
func (pr *planRead) config(m *tfjson.ConfigModule, addr string) {
	if m == nil {
		return
	}
	pr.mods[addr] = m
	for name, v := range m.Variables {
		if v != nil && v.Sensitive {
			pr.sensVar[planJoin(addr, "var."+name)] = true
		}
	}
	for name, call := range m.ModuleCalls {
		if call == nil {
			continue
		}
		child := planJoin(addr, "module."+name)
		pr.calls[child] = call
		pr.config(call.Module, child)
	}
}

func planJoin(mod, rest string) string {
	if mod == "" {
		return rest
	}
	return mod + "." + rest
}

// values reads the resources of a module of planned_values or of a state.
func (pr *planRead) values(m *tfjson.StateModule, prior bool) {
	if m == nil {
		return
	}
	for _, res := range m.Resources {
		if res != nil {
			pr.resource(res, prior)
		}
	}
	for _, c := range m.ChildModules {
		pr.values(c, prior)
	}
}

// resource reads one instance of planned_values, a state or prior_state.
func (pr *planRead) resource(res *tfjson.StateResource, prior bool) {
	if res.Address == "" || pr.byAddr[res.Address] != nil {
		return
	}
	data := res.Mode == tfjson.DataResourceMode
	if prior && !data {
		return
	}
	sens := planMarks(res.SensitiveValues)
	var unknown any
	if rc := pr.changes[res.Address]; rc != nil {
		ch := rc.Change
		if ch.Actions.Delete() && !ch.Actions.Replace() {
			return
		}
		if data && ch.Actions.Read() && !prior {
			return // deferred: read from resource_changes
		}
		unknown = ch.AfterUnknown
		if m := planMarks(ch.AfterSensitive); m != nil {
			sens = planOr(sens, m)
		}
	}
	pr.add(res.Address, res.Type, res.Name, data, res.AttributeValues, unknown, sens)
}

// planModOf is the module part of an instance address.
func planModOf(addr string) string {
	parts := planSplit(addr)
	mod := ""
	for i := 0; i+1 < len(parts) && parts[i] == "module"; i += 2 {
		mod = planJoin(mod, "module."+parts[i+1])
	}
	return mod
}

// planSplit splits an address at its dots, keeping brackets whole
// (module.a["x.y"].aws_vpc.b is module, a["x.y"], aws_vpc, b).
func planSplit(addr string) []string {
	var out []string
	depth, quoted, start := 0, false, 0
	for i := 0; i < len(addr); i++ {
		c := addr[i]
		switch {
		case quoted && c == '\\':
			i++
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '[':
			depth++
		case c == ']':
			depth--
		case c == '.' && depth == 0:
			out = append(out, addr[start:i])
			start = i + 1
		}
	}
	return append(out, addr[start:])
}

// planStripKeys drops the instance keys of an address.
func planStripKeys(addr string) string {
	parts := planSplit(addr)
	for i, p := range parts {
		if j := strings.IndexByte(p, '['); j >= 0 {
			parts[i] = p[:j]
		}
	}
	return strings.Join(parts, ".")
}

// add makes the instance of a resource or data source.
func (pr *planRead) add(addr, typ, name string, data bool, after map[string]any, unknown, sens any) {
	if typ == "" || name == "" {
		return
	}
	mod := planModOf(addr)
	res := &tfRes{data: data, typ: typ, name: name, b: &tfBlock{Type: "resource", Labels: []string{typ, name}, Attrs: map[string]*hcl.Attribute{}, File: pr.path}}
	if data {
		res.b.Type = "data"
	}
	local := typ + "." + name
	if data {
		local = "data." + local
	}
	m := pr.module(mod)
	in := &tfInst{res: res, mod: m, addr: addr, sc: pr.scope(m), memo: map[string]cty.Value{}, busy: map[string]bool{}}
	// References of the module's expressions name its instances by their
	// local address (for the mapping's unknowns).
	grp := m.cfg.byAddr[local]
	if grp == nil {
		grp = &tfRes{data: data, typ: typ, name: name, b: res.b}
		m.cfg.byAddr[local] = grp
		m.insts[grp] = &tfInsts{mode: 'c'}
	}
	m.insts[grp].list = append(m.insts[grp].list, in)
	pi := &planInst{in: in, mod: mod, typ: typ, base: planJoin(planStripKeys(mod), local), data: data,
		after: after, unknown: unknown, sens: sens, attrs: map[string]cty.Value{}}
	if pi.after == nil {
		pi.after = map[string]any{}
	}
	if data {
		if rc := pr.changes[addr]; rc != nil && rc.Change.Actions.Read() {
			pi.deferred = true
		}
	}
	if cm := pr.mods[planStripKeys(mod)]; cm != nil {
		for _, cr := range cm.Resources {
			if cr != nil && cr.Address == local {
				pi.exprs, pi.config = cr.Expressions, true
			}
		}
	}
	pr.insts = append(pr.insts, pi)
	pr.byAddr[addr] = pi
	pr.byBase[pi.base] = append(pr.byBase[pi.base], pi)
}

// scope is the one scope of a module's instances.
func (pr *planRead) scope(m *tfMod) *tfScope {
	sc := pr.scopes[m]
	if sc == nil {
		sc = &tfScope{mod: m}
		pr.scopes[m] = sc
	}
	return sc
}

// module is the module instance of address mod (keys kept).
func (pr *planRead) module(mod string) *tfMod {
	if mod == "" {
		return pr.r.root
	}
	if m := pr.modByAddr[mod]; m != nil {
		return m
	}
	cfg := &tfConfig{dir: pr.path, rel: ".", vars: map[string]*tfBlock{}, outputs: map[string]*tfBlock{},
		byAddr: map[string]*tfRes{}, callByNm: map[string]*tfCall{}}
	m := &tfMod{r: pr.r, cfg: cfg, addr: mod, providers: pr.r.root.providers, vars: map[string]cty.Value{},
		locals: map[string]cty.Value{}, outputs: map[string]cty.Value{}, busy: map[string]bool{},
		insts: map[*tfRes]*tfInsts{}, children: map[*tfCall]*tfChildren{}}
	pr.modByAddr[mod] = m
	return m
}

// finish converts every instance's values, indexes known ids and maps the
// instances into the model.
func (pr *planRead) finish() (*pullpath.Model, error) {
	r := pr.r
	for _, pi := range pr.insts {
		if pi.data && pi.typ == "aws_region" && !pi.deferred {
			for _, k := range []string{"region", "name"} {
				if s, ok := pi.after[k].(string); ok && s != "" && r.root.providers[""].region == "" {
					r.root.providers[""] = tfProvider{region: s, account: r.root.providers[""].account}
				}
			}
		}
		if pi.data && pi.typ == "aws_caller_identity" && !pi.deferred {
			if s, ok := pi.after["account_id"].(string); ok && s != "" && !pr.sensitive(pi, "account_id") {
				r.root.providers[""] = tfProvider{region: r.root.providers[""].region, account: s}
			}
		}
	}
	if p := r.root.providers[""]; p.region != "" {
		r.in.Region = p.region
	}
	if p := r.root.providers[""]; p.account != "" {
		r.in.Account = p.account
	}
	pr.indexIDs()
	for _, pi := range pr.insts {
		attrs := pi.in.res.b.Attrs
		add := func(k string) {
			if _, ok := attrs[k]; ok || pr.absent(pi, k) {
				return
			}
			attrs[k] = &hcl.Attribute{Name: k, Expr: planLazy{pr: pr, pi: pi, name: k}}
		}
		for k := range pi.after {
			add(k)
		}
		if um, ok := pi.unknown.(map[string]any); ok {
			for k := range um {
				add(k)
			}
		}
		r.root.cfg.resources = append(r.root.cfg.resources, pi.in.res)
		r.root.insts[pi.in.res] = &tfInsts{list: []*tfInst{pi.in}}
	}
	m, err := r.mapModel()
	if err != nil {
		return nil, err
	}
	pr.unknownAssociations(m)
	return m, nil
}

// unknownAssociations: a route table that an association whose subnet is
// unknown names may serve subnets, though none is known to use it.
func (pr *planRead) unknownAssociations(m *pullpath.Model) {
	tables := map[string]*pullpath.RouteTable{}
	for _, t := range m.RouteTables {
		tables[t.ID] = t
	}
	for _, pi := range pr.insts {
		if pi.typ != "aws_route_table_association" || pi.data {
			continue
		}
		sv := pr.attr(pi, "subnet_id")
		if sv == cty.NilVal || tfWhyOf(sv) == "" {
			continue
		}
		s, why := tfStr(pr.attr(pi, "route_table_id"))
		if why != "" {
			continue
		}
		if sym := pr.r.syms[s]; sym != nil && sym.inst != nil {
			if t := tables[sym.inst.addr]; t != nil {
				t.Exported = true
			}
		}
	}
}

// sensitive says whether an attribute of an instance is marked sensitive
// as a whole.
func (pr *planRead) sensitive(pi *planInst, name string) bool {
	if pi.sens == true {
		return true
	}
	m, _ := pi.sens.(map[string]any)
	return m[name] == true
}
