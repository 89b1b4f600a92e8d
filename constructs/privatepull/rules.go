package privatepull

import (
	"embed"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

//go:embed rules/*.rego
var ruleFiles embed.FS

// RuleIdPrefix starts the id of every pull-path rule, e.g. PRIVATEPULL-S3-EGRESS.
const RuleIdPrefix = "PRIVATEPULL-"

// PullPathRules returns the pull-path rules as Rego sources for aws-cdk-lib's
// CloudFormation Validate engine, one per file of rules/. Each is
// self-contained. Combine them with rules of your own in one
// awscdk.CloudFormationValidatePlugin (an App takes only one), or use
// NewPullPathPlugin.
func PullPathRules() *[]*awscdk.ValidationRuleSource {
	entries, err := ruleFiles.ReadDir("rules")
	if err != nil {
		panic(err)
	}
	var out []*awscdk.ValidationRuleSource
	for _, e := range entries {
		raw, err := ruleFiles.ReadFile(path.Join("rules", e.Name()))
		if err != nil {
			panic(err)
		}
		out = append(out, &awscdk.ValidationRuleSource{
			Name:    jsii.String("privatepull/" + e.Name()),
			Content: jsii.String(string(raw)),
		})
	}
	return &out
}

// NewPullPathPlugin returns a CloudFormation Validate plugin with the
// pull-path rules and aws-cdk-lib's default rules. Register it once per App:
//
//	awscdk.Validations_Of(app).AddPlugins(privatepull.NewPullPathPlugin())
//
// The rules report severity ERROR; synth fails on them when the feature flag
// @aws-cdk/core:validateAgainstDefaultRules is true (as in the recommended
// flags), and they are printed as warnings otherwise. Each stack's template
// is checked on its own: a service whose endpoints live in another stack is
// judged only on what its own template shows.
func NewPullPathPlugin() awscdk.CloudFormationValidatePlugin {
	return awscdk.NewCloudFormationValidatePlugin(&awscdk.CloudFormationValidatePluginProps{
		RegoRules:           PullPathRules(),
		IncludeDefaultRules: jsii.Bool(true),
	})
}

// SharedPullPathPlugin returns one NewPullPathPlugin per process. Its engine
// compiles the rules once and is reused by every App that registers it, which
// keeps tests and multi-app programs fast.
var SharedPullPathPlugin = sync.OnceValue(NewPullPathPlugin)

// Finding is one pull-path rule violation in a template.
type Finding struct {
	// RuleID is the rule's id, e.g. PRIVATEPULL-S3-EGRESS.
	RuleID string
	// Severity is the engine's severity: "error" or "warning".
	Severity string
	// Resource is the logical id of the resource at fault.
	Resource string
	// Message says what is missing and how to fix it.
	Message string
}

// CheckTemplate runs the pull-path rules on a CloudFormation template file
// (JSON or YAML, made by the CDK or not) and returns their findings, sorted by
// resource and rule. It returns an error when the file cannot be read or
// parsed.
func CheckTemplate(file string) (findings []Finding, err error) {
	abs, err := filepath.Abs(file)
	if err != nil {
		return nil, err
	}
	raw, err := os.ReadFile(abs)
	if err != nil {
		return nil, err
	}
	if trimmed := strings.TrimSpace(string(raw)); strings.HasPrefix(trimmed, "{") && !json.Valid([]byte(trimmed)) {
		return nil, fmt.Errorf("%s: not valid JSON", file)
	}
	defer func() {
		if r := recover(); r != nil {
			findings, err = nil, fmt.Errorf("%s: %v", file, r)
		}
	}()
	// The shared plugin: one engine per process for apps and checks alike.
	report := SharedPullPathPlugin().Validate(&templateContext{path: abs})
	for _, v := range *report.Violations {
		rule := *v.RuleName
		if !strings.HasPrefix(rule, RuleIdPrefix) {
			if strings.HasPrefix(rule, "E0") || strings.HasPrefix(rule, "F1") {
				// the engine could not read the template
				return nil, fmt.Errorf("%s: %s: %s", file, rule, *v.Description)
			}
			continue
		}
		for _, r := range *v.ViolatingResources {
			f := Finding{RuleID: rule, Severity: value(v.Severity), Message: *v.Description}
			if r.ResourceLogicalId != nil {
				f.Resource = *r.ResourceLogicalId
			}
			findings = append(findings, f)
		}
	}
	sort.Slice(findings, func(i, j int) bool {
		a, b := findings[i], findings[j]
		if a.Resource != b.Resource {
			return a.Resource < b.Resource
		}
		if a.RuleID != b.RuleID {
			return a.RuleID < b.RuleID
		}
		return a.Message < b.Message
	})
	return findings, nil
}

func value(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// templateContext hands one template file to the plugin, the way the CDK
// hands it the templates of an App.
type templateContext struct{ path string }

func (c *templateContext) AccountId() *string                  { return nil }
func (c *templateContext) Region() *string                     { return nil }
func (c *templateContext) AppConstruct() constructs.IConstruct { return nil }
func (c *templateContext) TemplatePaths() *[]*string           { return &[]*string{&c.path} }
func (c *templateContext) StackTemplates() *[]*awscdk.PolicyValidationStack {
	return &[]*awscdk.PolicyValidationStack{{TemplatePath: &c.path, StackConstructPath: jsii.String("template")}}
}
