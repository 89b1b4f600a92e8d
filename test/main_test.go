// Package test holds privatepull's assertion, snapshot and rule tests. They
// share one jsii kernel: TestMain closes it at the end, and no test runs in
// parallel (jsii is not thread-safe).
package test

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/privatepull/privatepull/constructs/privatepull"
)

var update = flag.Bool("update", false, "rewrite the golden templates in testdata/")

// outRoot holds every App's cloud assembly; TestMain removes it.
var outRoot string

func TestMain(m *testing.M) {
	flag.Parse()
	var err error
	if outRoot, err = os.MkdirTemp("", "privatepull-test-"); err != nil {
		panic(err)
	}
	code := m.Run()
	jsii.Close()
	os.RemoveAll(outRoot)
	os.Exit(code)
}

// cliContext is what the CDK CLI (2.1148.1) adds to every synth's context.
var cliContext = map[string]any{
	"aws:cdk:enable-path-metadata":              true,
	"aws:cdk:enable-asset-metadata":             true,
	"aws:cdk:version-reporting":                 true,
	"aws:cdk:bundling-stacks":                   []any{"**"},
	"@aws-cdk/core:failSynthOnValidationErrors": false,
}

// cdkJSONContext is the context `cdk synth` passes: the CLI's own keys,
// ../cdk.json's context and the lookup answers of testdata/cdk.context.json.
var cdkJSONContext = func() map[string]any {
	ctx := maps.Clone(cliContext)
	for _, f := range []string{"../cdk.json", "testdata/cdk.context.json"} {
		raw, err := os.ReadFile(f)
		if err != nil {
			panic(err)
		}
		var v map[string]any
		if err := json.Unmarshal(raw, &v); err != nil {
			panic(fmt.Sprintf("%s: %v", f, err))
		}
		if c, ok := v["context"].(map[string]any); ok {
			v = c
		}
		maps.Copy(ctx, v)
	}
	return ctx
}()

// newApp returns an App with cdk.json's context and extra on top. The
// built-in CloudFormation validation is off unless validate is true.
func newApp(extra map[string]any, validate bool) awscdk.App {
	ctx := maps.Clone(cdkJSONContext)
	maps.Copy(ctx, extra)
	out, err := os.MkdirTemp(outRoot, "app-")
	if err != nil {
		panic(err)
	}
	return awscdk.NewApp(&awscdk.AppProps{
		Context:                         &ctx,
		Outdir:                          jsii.String(out),
		BuiltinCloudFormationValidation: jsii.Bool(validate),
	})
}

// synthesized is one scenario's synthesized stack.
type synthesized struct {
	stack    awscdk.Stack
	template assertions.Template
	json     map[string]any
}

var built = map[string]*synthesized{}

// scenario builds the named scenario once per test binary and returns it.
func scenario(t *testing.T, name string, build func() awscdk.Stack) *synthesized {
	t.Helper()
	if s, ok := built[name]; ok {
		return s
	}
	var s *synthesized
	err := catch(func() {
		stack := build()
		tpl := assertions.Template_FromStack(stack, nil)
		s = &synthesized{stack: stack, template: tpl, json: toMap(tpl.ToJSON())}
	})
	if err != nil {
		t.Fatalf("scenario %s: %v", name, err)
	}
	built[name] = s
	return s
}

func toMap(v any) map[string]any {
	raw, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		panic(err)
	}
	return m
}

// catch runs f and returns what it panicked with, as an error.
func catch(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(error); ok {
				err = e
			} else {
				err = fmt.Errorf("%v", r)
			}
		}
	}()
	f()
	return nil
}

// check runs an assertions call, which panics on failure, and reports the
// failure on t without stopping the test.
func check(t *testing.T, what string, f func()) {
	t.Helper()
	if err := catch(f); err != nil {
		t.Errorf("%s: %v", what, err)
	}
}

// resources returns the template's resources of type typ, by logical id.
func (s *synthesized) resources(typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for id, r := range s.json["Resources"].(map[string]any) {
		r := r.(map[string]any)
		if r["Type"] == typ {
			out[id] = r
		}
	}
	return out
}

// props returns the Properties of a resource.
func props(r map[string]any) map[string]any {
	p, _ := r["Properties"].(map[string]any)
	return p
}

// only returns the one resource of type typ, failing the test otherwise.
func (s *synthesized) only(t *testing.T, typ string) (string, map[string]any) {
	t.Helper()
	rs := s.resources(typ)
	if len(rs) != 1 {
		t.Fatalf("want one %s, got %d", typ, len(rs))
	}
	for id, r := range rs {
		return id, r
	}
	return "", nil
}

// logicalIdOf returns the logical id of the resource whose aws:cdk:path is path.
func (s *synthesized) logicalIdOf(t *testing.T, path string) string {
	t.Helper()
	for id, r := range s.json["Resources"].(map[string]any) {
		if md, ok := r.(map[string]any)["Metadata"].(map[string]any); ok && md["aws:cdk:path"] == path {
			return id
		}
	}
	t.Fatalf("no resource at path %s", path)
	return ""
}

// ref and getAtt write the intrinsics CDK uses to point at a resource.
func ref(id string) map[string]any { return map[string]any{"Ref": id} }
func groupId(id string) map[string]any {
	return map[string]any{"Fn::GetAtt": []any{id, "GroupId"}}
}

// asJSON is v as compact JSON, for comparisons and messages.
func asJSON(v any) string {
	raw, _ := json.Marshal(v)
	return string(raw)
}

// wantPanic runs f and checks it panics with a *privatepull.Error whose text
// contains every part of want.
func wantPanic(t *testing.T, f func(), want ...string) {
	t.Helper()
	err := catch(f)
	var pe *privatepull.Error
	switch {
	case err == nil:
		t.Fatalf("no error; want one containing %q", want)
	case !errors.As(err, &pe):
		t.Fatalf("got %T %v; want a *privatepull.Error", err, err)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
}

// golden compares the scenario's template with testdata/NAME.template.json,
// or rewrites the file with -update.
//
// The CDKMetadata resource (version reporting: a compressed list of the
// construct types used, which changes whenever any construct is added) and
// its condition are left out, so the files show what gets deployed.
func golden(t *testing.T, name string, s *synthesized) {
	t.Helper()
	tpl := toMap(s.json)
	delete(tpl["Resources"].(map[string]any), "CDKMetadata")
	if conds, ok := tpl["Conditions"].(map[string]any); ok {
		delete(conds, "CDKMetadataAvailable")
		if len(conds) == 0 {
			delete(tpl, "Conditions")
		}
	}
	got, err := json.MarshalIndent(tpl, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", name+".template.json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./test -update to create it)", err)
	}
	if string(want) != string(got) {
		t.Errorf("%s differs from the synthesized template (go test ./test -update rewrites it):\n%s", path, lineDiff(string(want), string(got)))
	}
}

// lineDiff shows the first differing region of two texts, with context.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	i := 0
	for i < len(w) && i < len(g) && w[i] == g[i] {
		i++
	}
	ew, eg := len(w), len(g)
	for ew > i && eg > i && w[ew-1] == g[eg-1] {
		ew--
		eg--
	}
	var b strings.Builder
	from := max(0, i-3)
	for _, l := range w[from:i] {
		fmt.Fprintf(&b, "  %s\n", l)
	}
	for _, l := range w[i:min(ew, i+40)] {
		fmt.Fprintf(&b, "- %s\n", l)
	}
	for _, l := range g[i:min(eg, i+40)] {
		fmt.Fprintf(&b, "+ %s\n", l)
	}
	return fmt.Sprintf("at line %d:\n%s", i+1, b.String())
}

func strp(s string) *string   { return &s }
func nump(f float64) *float64 { return &f }
