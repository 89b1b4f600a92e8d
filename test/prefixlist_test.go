package test

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/cloudformationinclude"
	"github.com/aws/jsii-runtime-go"

	"github.com/privatepull/privatepull/constructs/privatepull"
)

func TestPluginS3PrefixListsNamesALiteralListAsS3s(t *testing.T) {
	for _, named := range []bool{false, true} {
		// GIVEN a hand-written template whose S3 egress names a literal prefix list nothing marks
		app := newApp(nil, false)
		opts := []privatepull.PluginOption{privatepull.RequirePrivate()}
		if named {
			opts = append(opts, privatepull.S3PrefixLists("pl-6da54004"))
		}
		awscdk.Validations_Of(app).AddPlugins(privatepull.NewPullPathPlugin(opts...))
		stack := awscdk.NewStack(app, jsii.String("Hand"), &awscdk.StackProps{
			Synthesizer: awscdk.NewDefaultStackSynthesizer(&awscdk.DefaultStackSynthesizerProps{GenerateBootstrapVersionRule: jsii.Bool(false)}),
		})
		cloudformationinclude.NewCfnInclude(stack, jsii.String("Template"), &cloudformationinclude.CfnIncludeProps{
			TemplateFile: jsii.String("../constructs/pullpath/testdata/verdicts/prefix-list-literal.yaml"),
		})
		// WHEN it synthesizes, THEN RequirePrivate fails on it (undecided, naming the id)
		// unless S3PrefixLists names the id
		ok, raw := reportOf(t, *app.Synth(nil).Directory())
		if ok != named || (!named && !strings.Contains(raw, "pl-6da54004")) {
			t.Errorf("S3PrefixLists named=%v: success=%v:\n%.3000s", named, ok, raw)
		}
	}
}
