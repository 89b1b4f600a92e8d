package privatepull

import (
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/privatepull/privatepull/constructs/pullpath"
	"github.com/privatepull/privatepull/constructs/pullpath/cloudformation"
	"github.com/privatepull/privatepull/constructs/pullpath/load"
)

// RuleIdPrefix starts the id of every pull-path rule, e.g. PRIVATEPULL-S3-EGRESS.
const RuleIdPrefix = pullpath.RuleIDPrefix

// PluginName is the name of the pull-path plugin in validation reports;
// acknowledge its rules as "privatepull::PRIVATEPULL-...".
const PluginName = "privatepull"

// PluginOption tunes NewPullPathPlugin.
type PluginOption func(*pullPathPlugin)

// RequirePrivate makes the plugin fail synth when an ECS service is not
// private (skipped services aside), as pullcheck -require-private does.
func RequirePrivate() PluginOption {
	return func(p *pullPathPlugin) { p.requirePrivate = true }
}

// S3PrefixLists names prefix-list ids (pl-...) as S3's managed list,
// com.amazonaws.REGION.s3, as pullcheck -s3-prefix-list does: a rule to a
// literal id the app neither defines nor marks is otherwise unknown. The
// lists this library writes are marked already.
func S3PrefixLists(ids ...string) PluginOption {
	return func(p *pullPathPlugin) { p.s3Lists = append(p.s3Lists, ids...) }
}

// NewPullPathPlugin returns the pull-path checks as a CDK validation plugin,
// written in Go (no rule engine, no Node.js work). Register it once per App:
//
//	awscdk.Validations_Of(app).AddPlugins(privatepull.NewPullPathPlugin())
//
// It judges the templates of all the app's stacks together, so a service
// whose endpoints live in another stack is judged on its whole path. An
// error finding fails synth whatever @aws-cdk/core:validateAgainstDefaultRules
// says; warnings are printed and synth goes on. Acknowledge a finding with
// awscdk.Validations_Of(scope).Acknowledge(&awscdk.Acknowledgment{Id:
// jsii.String("privatepull::PRIVATEPULL-PUBLIC-IP"), Reason: ...}).
func NewPullPathPlugin(opts ...PluginOption) awscdk.IPolicyValidationPlugin {
	p := &pullPathPlugin{name: PluginName}
	for _, o := range opts {
		o(p)
	}
	return p
}

// pullPathPlugin implements awscdk.IPolicyValidationPlugin in Go.
type pullPathPlugin struct {
	name           string
	requirePrivate bool
	s3Lists        []string
}

func (p *pullPathPlugin) Name() *string    { return jsii.String(p.name) }
func (p *pullPathPlugin) Version() *string { return jsii.String("1.0.0") }
func (p *pullPathPlugin) RuleIds() *[]*string {
	ids := make([]*string, 0, len(pullpath.RuleDocs))
	for id := range pullpath.RuleDocs {
		ids = append(ids, jsii.String(id))
	}
	sort.Slice(ids, func(i, j int) bool { return *ids[i] < *ids[j] })
	return &ids
}

// known returns s unless it is empty or an unresolved token.
func known(s *string) string {
	if s == nil || strings.Contains(*s, "${Token[") {
		return ""
	}
	return *s
}

func (p *pullPathPlugin) Validate(ctx awscdk.IPolicyValidationContext) *awscdk.PolicyValidationPluginReport {
	stacks := map[string]cloudformation.Stack{}
	var paths []string
	for _, st := range *ctx.StackTemplates() {
		path := *st.TemplatePath
		paths = append(paths, path)
		name := *st.StackConstructPath
		stacks[path] = cloudformation.Stack{Name: name, Account: known(st.AccountId), Region: known(st.Region)}
	}
	report, err := checkTemplates(paths, stacks, p.s3Lists...)
	violations := []*awscdk.PolicyViolation{}
	success := true
	add := func(rule, severity, description, fix, template, resource string) {
		if severity == "error" {
			success = false
		}
		violations = append(violations, &awscdk.PolicyViolation{
			RuleName:    jsii.String(rule),
			Description: jsii.String(description),
			Fix:         jsii.String(fix),
			Severity:    jsii.String(severity),
			ViolatingResources: &[]*awscdk.PolicyViolatingResource{{
				ResourceLogicalId: jsii.String(resource),
				TemplatePath:      jsii.String(template),
				Locations:         &[]*string{},
			}},
		})
	}
	if err != nil && len(paths) > 0 {
		// the CDK wrote these templates: one that cannot be read is a bug
		add("PRIVATEPULL-READ", "error", err.Error(), "report this as a bug of privatepull", paths[0], "")
	}
	for _, f := range report.Findings() {
		add(f.Rule, f.Severity, f.Message, f.Fix+" ("+f.Help+")", f.Template, f.Resource)
	}
	if p.requirePrivate {
		for _, t := range report.Templates {
			for _, s := range t.Services {
				// a task definition nothing launches fails by its error findings only
				if s.Verdict != pullpath.Private && s.Verdict != pullpath.Skipped && s.Kind != pullpath.KindTaskDef {
					add("PRIVATEPULL-REQUIRE-PRIVATE", "error",
						fmt.Sprintf("%s %s is %s, not private: %s%s", pullpath.KindLabel(s.Kind), s.ID, s.Verdict, s.Why, unknownsText(s.Unknowns)),
						"make every piece of the pull path private and visible to the app", t.Path, s.ID)
				}
			}
		}
	}
	return &awscdk.PolicyValidationPluginReport{Success: jsii.Bool(success), Violations: &violations}
}

func unknownsText(u []string) string {
	if len(u) == 0 {
		return ""
	}
	return "; unknown: " + strings.Join(u, "; ")
}

// Finding is one pull-path finding in a template (see pullpath.Finding for
// the whole report).
type Finding struct {
	// RuleID is the rule's id, e.g. PRIVATEPULL-S3-EGRESS.
	RuleID string
	// Severity is "error" or "warning".
	Severity string
	// Resource is the logical id of the resource at fault.
	Resource string
	// Message says what is missing and what the tasks will do.
	Message string
	// Fix says in one line how to fix it.
	Fix string
}

// CheckTemplate runs the pull-path checks on one CloudFormation template
// file (JSON or YAML, made by the CDK or not) and returns its findings,
// sorted by resource and rule. It returns an error when the file cannot be
// read or parsed. It is a thin wrapper of the pull-path checker.
func CheckTemplate(file string) ([]Finding, error) {
	report, err := checkTemplates([]string{file}, nil)
	if err != nil {
		return nil, err
	}
	var out []Finding
	for _, f := range report.Findings() {
		out = append(out, Finding{RuleID: f.Rule, Severity: f.Severity, Resource: f.Resource, Message: f.Message, Fix: f.Fix})
	}
	return out, nil
}

// PullPathMermaid draws the pull path of every ECS service of a template
// (JSON or YAML) as Mermaid flowcharts in Markdown; see
// pullpath.Report.Mermaid. findings is not used: the drawing takes its
// findings from the same model. It is kept for importers.
func PullPathMermaid(file string, findings []Finding) (string, error) {
	report, err := checkTemplates([]string{file}, nil)
	if err != nil {
		return "", err
	}
	return report.Mermaid(), nil
}

// checkTemplates judges CloudFormation templates and cloud assemblies as
// one set: the plugin reads nothing else (no Terraform, no live account).
func checkTemplates(paths []string, stacks map[string]cloudformation.Stack, s3Lists ...string) (*pullpath.Report, error) {
	return load.Check(paths, load.Options{Readers: []pullpath.Reader{cloudformation.NewReader(stacks)}, S3PrefixLists: s3Lists})
}
